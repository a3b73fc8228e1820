using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Rules;
using GroupGuard.Host.Pipeline;
using GroupGuard.Host.Webhooks;

namespace GroupGuard.Host.Health;

internal static class HealthEndpoint
{
    /// <summary>Rule errors listed at most; the count says how many there are.</summary>
    internal const int MaxRuleErrors = 20;

    public static IEndpointRouteBuilder MapGroupGuardHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (HttpContext http, StorageProbe probe, ClusterProbe clusterProbe, IRuleSetProvider rules, AdapterHealth adapters, PipelineStats stats, EventIntake intake, InboxJournal journal, ActionQueue actions, PictureStats pictures, ForwardStats forwards, DigestProbe digestProbe, Alerts.AlertService alertService, Digests.LeaderCoverage leaderCoverage, WebhookExposure exposure, BridgeWatch bridges, IEnumerable<IConnectionStatus> connections, IEnumerable<IPulledSourceStatus> pulled, Core.Detection.StreamTracker streams, InstanceIdentity instance, TimeProvider time, IConfiguration configuration, CancellationToken cancellationToken) =>
        {
            var check = await probe.CheckAsync(cancellationToken);
            var storageOk = check.Status is not null;
            object storage = check.Status is { } s
                ? new
                {
                    status = "ok",
                    provider = s.Provider,
                    location = s.Location,
                    schema_version = s.SchemaVersion,
                    checked_at = check.At,
                    last_write_error = stats.StorageError,
                }
                : new { status = "unusable", error = check.Error, checked_at = check.At };

            var cluster = await clusterProbe.CheckAsync(cancellationToken);

            // The console is on once an account exists; asking needs a usable database.
            var console = storageOk ? await WebConsole.ConsoleRegistration.StateAsync(http.RequestServices, cancellationToken) : "unknown";
            var ruleStatus = rules.Status;
            var ruleSet = rules.Current;
            var connected = connections.SelectMany(c => c.Connections).ToList();
            var adapterStates = adapters.Snapshot();
            var inbox = journal.Health();
            // From the outbox, whichever process sent them; not asked of a database that is unusable.
            var digests = storageOk ? await digestProbe.LatestAsync(cancellationToken) : digestProbe.SentHere;
            var overdue = alertService.OverdueFollowUps;
            var problems = Problems(ruleStatus, connected, digests, time.GetUtcNow(), adapterStates, inbox, stats.StorageFailures, stats.UnableInRow, bridges.Problem(), overdue);
            // A channel's error may name its recipient (a QQ number, an address the server refused):
            // shown here to anyone, it is masked; the console and `digest list` show it whole. The
            // recipients are read only when some channel is failing.
            var contacts = new Lazy<ContactMask>(() => ContactMask.FromSettings(configuration));
            var uncovered = leaderCoverage.Snapshot();
            var body = new
            {
                status = !storageOk ? "unhealthy" : problems.Count == 0 ? "healthy" : "degraded",
                problems,
                storage,
                instance = new
                {
                    // Quartz names an instance without a cluster NON_CLUSTERED: this is the name its pending actions record.
                    id = instance.Id,
                    clustered = cluster.Clustered,
                    nodes = cluster.Nodes.Select(n => new { id = n.Id, state = n.State, last_check_in = n.LastCheckIn, current = n.Current }),
                    error = cluster.Error,
                },
                rules = new
                {
                    status = ruleStatus.Healthy ? "ok" : "errors",
                    path = ruleStatus.Path,
                    version = ruleSet.Version,
                    loaded_at = ruleStatus.LoadedAt,
                    packs = ruleSet.Packs.Count,
                    rules = ruleSet.Rules.Count,
                    terms = ruleSet.TermCount,
                    error_count = ruleStatus.ErrorTotal,
                    errors = ruleStatus.Errors.Take(MaxRuleErrors),
                    warnings = ruleStatus.Warnings.Take(MaxRuleErrors),
                },
                adapters = adapterStates.Select(a => new
                {
                    protocol = a.Protocol,
                    bot_id = a.BotId,
                    last_event_at = a.LastEventAt,
                    events = a.Events,
                    // How far the bot's last message was ahead of this machine's clock, past drift.
                    ahead_of_clock_seconds = a.AheadOfClock is { } ahead ? (long?)ahead.TotalSeconds : null,
                }),
                connections = connected.Select(c => new
                {
                    protocol = WireNames<Protocol>.ToText(c.Protocol),
                    name = c.Name,
                    bot_id = c.BotId,
                    state = c.Connected ? "connected" : "down",
                    since = c.Since,
                    last_event_at = c.LastEventAt,
                    last_error = c.LastError,
                    oversized_skipped = c.OversizedSkipped,
                }),
                pulled_sources = pulled.SelectMany(p => p.Sources).Select(p => new
                {
                    protocol = WireNames<Protocol>.ToText(p.Protocol),
                    source = p.Source,
                    cursor = p.Cursor,
                    last_pull_at = p.LastPullAt,
                    records = p.Records,
                    messages = p.Messages,
                    skipped = p.Skipped,
                    undecryptable = p.Undecryptable,
                    undecryptable_seqs = p.UndecryptableSeqs,
                    unreadable = p.Unreadable,
                    last_error = p.LastError,
                }),
                rejected_webhooks = adapters.RejectedSnapshot(),
                webhooks = exposure.Snapshot(),
                pipeline = new
                {
                    queued = intake.Pending,
                    // Of those, the ones waiting in the inbox journal past a full queue.
                    backlog = intake.Backlog,
                    processed = stats.ProcessedCount,
                    incidents = stats.IncidentCount,
                    detection_failures = stats.FailedCount,
                    // Records (incidents, join decisions, message counts) the database refused for
                    // what they hold, however often tried: given up on so that moderation goes on.
                    records_refused = stats.RefusedCount,
                    actions_queued = actions.Pending,
                    actions_failed = stats.ActionsFailed,
                    last_action_error = stats.LastActionError,
                    // Messages whose flood and repeat counts fell back to this instance's memory
                    // because the shared stream log (PostgreSQL) could not be reached.
                    streams_counted_locally = streams.SharedFailures,
                    // Group messages another of the operator's bots in the same group delivered
                    // first: moderated once, by that copy.
                    copies_from_other_bots = intake.Copies,
                },
                journal = new
                {
                    // refusing: events are answered 503; failing: its checkpoint or a new segment cannot be saved.
                    status = inbox.WriteError is not null ? "refusing" : inbox.Error is not null ? "failing" : "ok",
                    folder = inbox.Folder,
                    segments = inbox.Segments,
                    bytes = inbox.Bytes,
                    refused = inbox.Refused,
                    last_error = inbox.Error,
                },
                images = new
                {
                    queued = pictures.Queued,
                    processed = pictures.Processed,
                    refused = pictures.Refused,
                    failed = pictures.Failed,
                    skipped = pictures.Skipped,
                    incidents = pictures.Incidents,
                    ocr_runs = pictures.OcrRuns,
                    ocr_failed = pictures.OcrFailed,
                    ocr_timeouts = pictures.OcrTimeouts,
                    qr_gave_up = pictures.QrGaveUp,
                },
                forwards = new { opened = forwards.Opened, failed = forwards.Failed, truncated = forwards.Truncated },
                console = new { state = console, path = WebConsole.ConsoleRegistration.PathBase },
                digests = digests.Where(d => !AlertRuleOptions.IsAlertKey(d.Leader)).Select(d => new
                {
                    leader = d.Leader,
                    last_period_to = d.PeriodTo,
                    status = Status(d),
                    failed_channels = d.FailedChannels.Select(c => contacts.Value.Apply(c)),
                }),
                // Alerts go through the digest outbox under alert:<rule>: the latest of each rule, with
                // the latest of its follow-ups (alert-followup:<rule>), told the same way.
                alerts = digests.Where(d => IsAlert(d.Leader)).Select(d => new
                {
                    rule = d.Leader[AlertRuleOptions.OutboxPrefix.Length..],
                    last_period_to = d.PeriodTo,
                    status = Status(d),
                    failed_channels = d.FailedChannels.Select(c => contacts.Value.Apply(c)),
                    follow_up = digests.FirstOrDefault(f => f.Leader == AlertRuleOptions.FollowUpPrefix + d.Leader[AlertRuleOptions.OutboxPrefix.Length..]) is { } f
                        ? new
                        {
                            last_period_to = f.PeriodTo,
                            status = Status(f),
                            failed_channels = f.FailedChannels.Select(c => contacts.Value.Apply(c)),
                        }
                        : null,
                    // Follow-ups owed more than 15 minutes after their alert that could not be made or stored.
                    follow_ups_overdue = overdue.GetValueOrDefault(d.Leader[AlertRuleOptions.OutboxPrefix.Length..]),
                }),
                // Groups heard that no leader under GroupGuard:Leaders lists: in no digest. Advice, not a
                // problem: a group may be left out of every digest on purpose.
                uncovered_groups = new
                {
                    count = uncovered.Count,
                    groups = uncovered.Groups.Select(g => new { platform = g.Platform, group_id = g.GroupId, since = g.Since }),
                },
            };

            return Results.Json(body, statusCode: storageOk ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });

        return app;
    }

    /// <summary>How long a connection may be down before the service says it is degraded: a bot restarting, a socket reconnecting.</summary>
    internal static readonly TimeSpan DownGrace = TimeSpan.FromSeconds(60);

    /// <summary>Problems listed at most; the status says degraded whatever their number.</summary>
    internal const int MaxProblems = 20;

    /// <summary>
    /// What makes a usable service "degraded": writes to a database that answers its probe failing
    /// <see cref="PipelineStats.FailingAfter"/> times in a row or more (<paramref name="storageFailures"/>:
    /// moderation waits for them), rules with errors, a connection (a bot's socket, an event stream,
    /// the chat archive, the QQ platform's token) down for <see cref="DownGrace"/> or more, a digest,
    /// alert or alert's follow-up whose latest send is failing on a channel, messages ahead of this machine's clock (it
    /// is behind), the inbox journal unable to write (events refused), to save its checkpoint or to
    /// start a new segment, actions failing <see cref="PipelineStats.FailingAfter"/> times in a
    /// row or more because the bot cannot act (<paramref name="unableInRow"/>, <see cref="PipelineStats.UnableInRow"/>),
    /// no bridge heard from since the start past <c>GroupGuard:Pipeline:NoBridgeWarningMinutes</c>
    /// (<paramref name="silentBridges"/>, <see cref="BridgeWatch.Problem"/>), and an alert rule's
    /// follow-ups owed past their bound (<paramref name="overdueFollowUps"/>, <see cref="Alerts.AlertService.OverdueFollowUps"/>).
    /// Each in a few words, naming no secret and no chat content.
    /// </summary>
    internal static List<string> Problems(RuleSetStatus rules, IReadOnlyList<ConnectionState> connections, IEnumerable<Digests.DigestService.LeaderDigestState> digests, DateTimeOffset now, IReadOnlyList<AdapterSnapshot>? adapters = null, JournalHealth? journal = null, int storageFailures = 0, (int Count, ActionErrorKind Kind) unableInRow = default, string? silentBridges = null, IReadOnlyDictionary<string, int>? overdueFollowUps = null)
    {
        var problems = new List<string>();
        if (storageFailures >= PipelineStats.FailingAfter)
        {
            // The error itself is storage.last_write_error: a database's words may quote a value.
            problems.Add($"storage: writes failing, {storageFailures} tries in a row; moderation waits for them");
        }

        if (!rules.Healthy)
        {
            problems.Add($"rules: {rules.ErrorTotal} error(s)");
        }

        // Nothing moderated, nothing acted on: the service waits for events that do not come.
        if (silentBridges is not null)
        {
            problems.Add(silentBridges);
        }

        // Incidents are recorded, but nothing is done to the messages: the platform's words on the
        // last are pipeline.last_action_error (they may name a group).
        if (unableInRow.Count >= PipelineStats.FailingAfter)
        {
            problems.Add($"actions: the last {unableInRow.Count} failed, none carried out since ({WireNames<ActionErrorKind>.ToText(unableInRow.Kind)}: {Why(unableInRow.Kind)}); see pipeline.last_action_error");
        }

        // Messages stamped ahead of this machine's clock: it is behind, and every window it keeps
        // (escalation, digests, retention) runs late. Said once, by the bot furthest ahead.
        if (adapters?.Where(a => a.AheadOfClock is not null).MaxBy(a => a.AheadOfClock) is { AheadOfClock: { } ahead } furthest)
        {
            problems.Add($"clock: messages from {furthest.Protocol} bot {furthest.BotId} are {(long)ahead.TotalMinutes} minute(s) ahead of this machine's clock; set it right (NTP)");
        }

        foreach (var connection in connections.Where(c => !c.Connected && (c.Since is not { } since || now - since >= DownGrace)))
        {
            problems.Add($"connection {WireNames<Protocol>.ToText(connection.Protocol)} {connection.Name}: down{(connection.Since is { } since ? $" since {since:yyyy-MM-ddTHH:mm:ssZ}" : "")}");
        }

        foreach (var digest in digests.Where(d => d.FailedChannels.Count > 0))
        {
            // Each failed channel is "name: error"; the error is shown under digests and alerts.
            var channels = string.Join(", ", digest.FailedChannels.Select(c => c.Split(": ", 2)[0]));
            problems.Add(
                IsAlert(digest.Leader) ? $"alert {digest.Leader[AlertRuleOptions.OutboxPrefix.Length..]}: failing on {channels}"
                : IsFollowUp(digest.Leader) ? $"alert {digest.Leader[AlertRuleOptions.FollowUpPrefix.Length..]}: follow-up failing on {channels}"
                : $"digest {digest.Leader}: failing on {channels}");
        }

        // The leader has not been told what became of messages an alert said 待处置 for: the log says why.
        foreach (var (rule, count) in (overdueFollowUps ?? new Dictionary<string, int>()).Where(o => o.Value > 0).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            problems.Add($"alert {rule}: {count} follow-up(s) not sent {(int)Alerts.AlertService.FollowUpLimit.TotalMinutes} minutes after their alert; see the log");
        }

        // Every event refused (503) while it cannot write; without a checkpoint or a new segment
        // moderated text stays on disk and a restart moderates more again.
        if (journal is { Error: { } error })
        {
            var trouble = journal.WriteError is not null ? "cannot write in" : journal.CheckpointError is not null ? "cannot save its checkpoint in" : "cannot start a new segment in";
            problems.Add($"inbox journal: {trouble} {journal.Folder}: {error}");
        }

        return problems.Count <= MaxProblems ? problems : [.. problems.Take(MaxProblems - 1), $"and {problems.Count - MaxProblems + 1} more"];
    }

    /// <summary><c>failing</c> on a channel, else <c>pending</c> while a channel is still to be sent, else <c>sent</c>.</summary>
    private static string Status(Digests.DigestService.LeaderDigestState digest) =>
        digest.FailedChannels.Count > 0 ? "failing" : digest.Pending ? "pending" : "sent";

    private static string Why(ActionErrorKind kind) => kind switch
    {
        ActionErrorKind.NotConfigured => "the bot's API is not set up, or refuses the token",
        ActionErrorKind.NotPermitted => "the bot is not an admin of the group",
        ActionErrorKind.Unreachable => "the bot does not answer",
        _ => "the action queue is full",
    };

    private static bool IsAlert(string leader) => leader.StartsWith(AlertRuleOptions.OutboxPrefix, StringComparison.Ordinal);

    private static bool IsFollowUp(string leader) => leader.StartsWith(AlertRuleOptions.FollowUpPrefix, StringComparison.Ordinal);
}
