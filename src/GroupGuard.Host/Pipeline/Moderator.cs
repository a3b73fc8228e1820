using System.Globalization;
using GroupGuard.Core;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;
using GroupGuard.Host.Commands;

namespace GroupGuard.Host.Pipeline;

/// <summary>What became of one message.</summary>
internal enum ModerationOutcome
{
    /// <summary>Moderated: nothing fired, or its incidents are stored and their actions queued.</summary>
    Done,

    /// <summary>The detector failed on it; logged and counted, never tried again.</summary>
    DetectionFailed,

    /// <summary>Its incidents could not be stored before the service stopped: the journal must replay it.</summary>
    NotStored,

    /// <summary>
    /// The database refuses what its record holds, however often it is tried (<see cref="StoreOutcome.Refused"/>):
    /// given up on, logged and counted, never tried again; its pictures are not read.
    /// </summary>
    Unstorable,
}

/// <summary>
/// What became of one message, and the pictures its forwarded bundles held, to be read after its
/// own: only the text path opens the bundles (a call to the platform for one known by id), so it
/// hands their pictures on rather than have them opened again.
/// </summary>
internal sealed record Moderated(ModerationOutcome Outcome, IReadOnlyList<ForwardedPicture> ForwardedPictures)
{
    public static Moderated Of(ModerationOutcome outcome) => new(outcome, []);
}

/// <summary>
/// One message's way from the queue to the platform: answer it if it is a command of an owner or
/// admin, else count it, detect, look up the sender's role
/// and earlier offences (only when a hit calls for action), decide, store, and queue the actions
/// of the incidents stored now. The worker calls it for each queued message, replays included.
/// </summary>
internal sealed partial class Moderator(
    IRuleSetProvider rules,
    StreamTracker streams,
    MessageCounter counter,
    ModerationSettings settings,
    IncidentsInFlight inFlight,
    IncidentWriter writer,
    IIncidentStore store,
    ActionQueue actions,
    PipelineStats stats,
    ILogger<Moderator> logger,
    TimeProvider time,
    IWordSegmenter? segmenter = null,
    IPlatformActions? platform = null,
    DryRunSwitches? dryRunSwitches = null,
    GroupCommands? commands = null,
    Core.Images.IImageBlocks? blocks = null,
    ForwardedContent? forwards = null,
    RecentMessages? recent = null,
    Core.Members.IJoinTimes? joinTimes = null,
    JoinScreener? joins = null,
    Telemetry.GroupGuardMetrics? metrics = null,
    MessagePieces? pieces = null,
    Digests.LeaderCoverage? leaders = null,
    GroupNames? groupNames = null,
    RecentTexts? texts = null,
    TrustedSenders? trusted = null)
{
    public async Task<Moderated> ModerateAsync(ChatMessage message, CancellationToken stoppingToken)
    {
        // A group no leader lists is in no digest: said once, the first time it is heard.
        leaders?.Seen(message.Platform, message.GroupId);

        // A group's name an event carries (NapCat's) names the group's incidents of events without one.
        groupNames?.Seen(message.Platform, message.GroupId, message.GroupName);

        if (message.JoinRequest is not null)
        {
            // A request to join: screened, never counted or moderated as a message. Taken in as a
            // message is (groupguard.messages.received), so processed as one once screened.
            var screened = joins is null ? ModerationOutcome.Done : await joins.ScreenAsync(message, stoppingToken);
            if (screened is not (ModerationOutcome.NotStored or ModerationOutcome.Unstorable))
            {
                metrics?.Processed(message.Protocol, null);
            }

            return Moderated.Of(screened);
        }

        recent?.Record(message);
        using var span = Telemetry.GroupGuardMetrics.Traces.StartActivity("moderate");
        span?.SetTag("groupguard.protocol", WireNames<Protocol>.ToText(message.Protocol));
        span?.SetTag("groupguard.platform", message.Platform);

        // An owner's or admin's command is answered, not moderated, so it is not counted among the
        // messages checked (a digest's 共检查 N 条消息, /gg 状态's 检查 N 条消息); anyone else's is
        // text like any other, counted and moderated.
        var command = commands is not null && await commands.TryHandleAsync(message, stoppingToken);

        // Its text noted, as the rules read it, for a /gg 检查 sent later in reply to it.
        texts?.Record(message, command);
        if (command)
        {
            Processed(message, 0, null);
            return Moderated.Of(ModerationOutcome.Done);
        }

        await counter.CountAsync(message, stoppingToken);

        var ruleSet = rules.Current;
        List<RuleHit> hits;
        IReadOnlyList<string> earlierPieces = [];
        TimeSpan? detection = null;
        try
        {
            var started = metrics?.Start();
            hits = [.. MessageDetector.Detect(ruleSet, message, segmenter).Hits];
            if (pieces is { Enabled: true })
            {
                message = Pieced(pieces, ruleSet, message, hits, out earlierPieces);
            }

            if (started is { } start)
            {
                detection = metrics!.Since(start);
            }

            hits.AddRange(await streams.ObserveAsync(ruleSet, message, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The stop gave up waiting while the shared flood log (PostgreSQL) was asked: not a
            // detector failure, which the worker marks done, but a message the journal replays.
            return Moderated.Of(ModerationOutcome.NotStored);
        }
        catch (Exception ex)
        {
            // One message that trips the detector must not stop moderation of the rest.
            LogDetectionFailed(ex, message.Protocol, message.GroupId, message.MessageId);
            stats.Failed();
            metrics?.DetectionFailed();
            return Moderated.Of(ModerationOutcome.DetectionFailed);
        }

        // What a forwarded bundle holds counts as the message's own; its incidents quote the inner
        // message. Its pictures are read with the message's own, after them.
        var found = forwards is null ? ForwardedFindings.None : await forwards.DetectAsync(ruleSet, message, hits, stoppingToken);
        var forwarded = found.Hits;
        if (hits.Exists(h => h.Rule.NewcomerHours is not null) || forwarded.Any(f => f.Hit.Rule.NewcomerHours is not null))
        {
            var joinedAt = await JoinedAtAsync(message, stoppingToken);
            hits = hits.FindAll(h => AppliesTo(h.Rule, message, joinedAt));
            forwarded = [.. forwarded.Where(f => AppliesTo(f.Hit.Rule, message, joinedAt))];
        }

        if (hits.Count == 0 && forwarded.Count == 0)
        {
            Processed(message, 0, detection);
            return new Moderated(ModerationOutcome.Done, found.Pictures);
        }

        var group = settings.For(message.GroupId);
        var role = message.SenderRole;
        var offences = 0;

        // The group's name, when the event carries none, asked beside the role lookup, not after it.
        var naming = NamedAsync(message, stoppingToken);

        // Read before the count: a dry run's decision counts the group's earlier dry runs too. Whether
        // the group trusts the sender, for every hit, as its settings' and the service's ExemptUsers are.
        var dryRunSwitch = await DryRunSwitchAsync(message, stoppingToken);
        var trustedHere = await TrustedAsync(message, stoppingToken);
        if (ModerationPolicy.Actionable(hits.Concat(forwarded.Select(f => f.Hit)), group.Group))
        {
            role = await SenderRoles.OfAsync(platform, message, time, stoppingToken);
            offences = await CountOffencesAsync(message, group.Options, ModerationPolicy.DryRun(dryRunSwitch, group.Group, group.Options), stoppingToken);
        }

        message = await naming;

        Decision decision;
        StoreOutcome stored;
        IReadOnlyList<long>? ids;

        // The detection time stays open until the write commits, so a digest due meanwhile waits for it.
        using (var flight = inFlight.Begin())
        {
            var context = ContextFor(message, group, group.Group, offences, role, flight.Now, dryRunSwitch, trustedHere);
            decision = ModerationPolicy.Decide(message, hits, ruleSet.Version, context, ruleSet.Fold(message.Text), forwarded);
            (stored, ids) = await writer.WriteAsync(decision.Incidents, stoppingToken);
        }

        if (stored != StoreOutcome.Stored || ids is null)
        {
            return Moderated.Of(stored == StoreOutcome.Refused ? ModerationOutcome.Unstorable : ModerationOutcome.NotStored);
        }

        for (var i = 0; i < decision.Incidents.Count; i++)
        {
            LogIncidentOrDuplicate(decision, i, ids);
        }

        await QueueActionsAsync(decision, ids, earlierPieces);
        Processed(message, decision.Incidents.Count, detection);
        span?.SetTag("groupguard.hits", hits.Count + forwarded.Count);
        span?.SetTag("groupguard.incidents", decision.Incidents.Count);
        return new Moderated(ModerationOutcome.Done, found.Pictures);
    }

    /// <summary>
    /// A message sent in pieces (加 / 微信 / abc123): when <paramref name="message"/> found nothing
    /// alone and is a short one following its sender's others, the pieces are read joined, and
    /// the hits that reach into this piece from the ones before it become its hits; the message
    /// returned then carries the joined text, which its incident quotes. The pieces start over after
    /// a hit, so each is acted on once. The newest piece is the message acted on; the earlier pieces
    /// that a hit spans (<paramref name="earlier"/>, message ids) are recalled once its recall is done
    /// (<see cref="KickAndClear"/>).
    /// </summary>
    private ChatMessage Pieced(MessagePieces pieces, RuleSet ruleSet, ChatMessage message, List<RuleHit> hits, out IReadOnlyList<string> earlier)
    {
        earlier = [];
        if (hits.Count > 0)
        {
            pieces.Forget(message);
            return message;
        }

        if (pieces.Add(message) is not { } joined)
        {
            return message;
        }

        var whole = message with { Text = joined.Text };
        var spanned = new List<string>();
        foreach (var hit in MessageDetector.Detect(ruleSet, whole, segmenter).Hits)
        {
            if (hit.Start < joined.LastStart && hit.Start + hit.Length > joined.LastStart)
            {
                hits.Add(hit);
                foreach (var piece in joined.Earlier)
                {
                    if (piece.Start < hit.Start + hit.Length && hit.Start < piece.Start + piece.Length && !spanned.Contains(piece.MessageId))
                    {
                        spanned.Add(piece.MessageId);
                    }
                }
            }
        }

        if (hits.Count == 0)
        {
            return message;
        }

        earlier = spanned;
        texts?.Joined(message, joined.Text, joined.Count - 1);
        pieces.Forget(message);
        LogPieced(message.Protocol, message.GroupId, message.MessageId, joined.Count);
        return whole;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Protocol} group {GroupId} message {MessageId} completes a message sent in {Count} pieces; moderated joined to the pieces before it")]
    private partial void LogPieced(Protocol protocol, string groupId, string messageId, int count);

    /// <summary>A message moderated: counted for <c>/healthz</c> and the metrics.</summary>
    private void Processed(ChatMessage message, int incidents, TimeSpan? detection)
    {
        stats.Processed(incidents);
        metrics?.Processed(message.Protocol, detection);
    }

    /// <summary>
    /// <paramref name="message"/> with its group's name (<see cref="GroupNames"/>): asked only for a
    /// message with a hit, so a busy group costs no call per message; unchanged when none is known.
    /// </summary>
    private Task<ChatMessage> NamedAsync(ChatMessage message, CancellationToken stoppingToken) =>
        groupNames is null ? Task.FromResult(message) : groupNames.NamedAsync(message, stoppingToken);

    /// <summary>When the sender joined the group, or null when that is not known (no join time source, or none says).</summary>
    private async Task<DateTimeOffset?> JoinedAtAsync(ChatMessage message, CancellationToken stoppingToken) =>
        joinTimes is null ? null : await joinTimes.JoinedAtAsync(message.Protocol, message.Platform, message.BotId, message.GroupId, message.UserId, stoppingToken);

    /// <summary>
    /// Whether <paramref name="rule"/> applies to the sender: a rule without <c>newcomer_hours:</c>
    /// always does; one with it only when the sender joined within that many hours before the message
    /// (its own time, never the wall clock). A member whose join time is unknown is treated as old,
    /// so a rule meant for newcomers never hits a long-standing member by accident.
    /// </summary>
    internal static bool AppliesTo(Rule rule, ChatMessage message, DateTimeOffset? joinedAt) =>
        rule.NewcomerHours is not { } hours
        || (joinedAt is { } at && message.Time - at <= TimeSpan.FromHours(hours));

    /// <summary>Acts only on incidents stored now: a redelivered message was acted on the first time. <paramref name="earlierPieces"/>: the message ids of the pieces before it, when it completed a message sent in pieces.</summary>
    private async Task QueueActionsAsync(Decision decision, IReadOnlyList<long> ids, IReadOnlyList<string> earlierPieces)
    {
        var pending = decision.Incidents.Select((incident, i) => (incident, id: ids[i]))
            .Where(x => x.id != 0 && x.incident.ActionStatus == ActionStatus.Pending)
            .Select(x => x.id)
            .ToList();
        var degraded = decision.Incidents.Select(i => i.ActionError).FirstOrDefault(e => e is not null);
        if (decision.Actions.Count > 0 && pending.Count > 0 && !actions.TryEnqueue(new ActionJob(pending, decision.Actions, degraded) { Pieces = earlierPieces }))
        {
            await store.UpdateActionAsync(pending, ActionStatus.Failed, "the action queue is full", ActionErrorKind.QueueFull, CancellationToken.None);
        }
    }

    /// <summary>What the policy weighs for one of the message's decisions (its text's, its pictures').</summary>
    private PolicyContext ContextFor(ChatMessage message, GroupSettings group, GroupOverride? scope, int offences, SenderRole role, DateTimeOffset now, bool? dryRunSwitch, bool trustedHere) =>
        new(offences, role, now, group.Options, scope, group.Privacy, action => platform?.CanDo(message.Protocol, message.Platform, action) ?? false, dryRunSwitch, trustedHere);

    /// <summary>Whether the group's admins trust the sender (<c>/gg 信任</c>, the console); read only for a message with a hit.</summary>
    private async Task<bool> TrustedAsync(ChatMessage message, CancellationToken stoppingToken) =>
        trusted is not null && await trusted.ReadAsync(message.Platform, message.GroupId, message.UserId, stoppingToken);

    /// <summary>The group's dry run as switched at runtime (a command, the console), or null: the configuration's then.</summary>
    private async Task<bool?> DryRunSwitchAsync(ChatMessage message, CancellationToken stoppingToken) =>
        dryRunSwitches is null ? null : await dryRunSwitches.ReadAsync(message.Platform, message.GroupId, stoppingToken);

    /// <summary>
    /// The sender's earlier offences in the group within the window, with the message's own when it
    /// made one already. <paramref name="dryRun"/>: the decision will be a dry run, so the group's
    /// dry runs count too (<see cref="Incident.CountsInDryRun"/>) and the trial records the
    /// escalation enforcing would have applied; an enforced decision counts enforced offences only.
    /// </summary>
    private async Task<int> CountOffencesAsync(ChatMessage message, ModerationOptions options, bool dryRun, CancellationToken stoppingToken)
    {
        try
        {
            // The window ends at this message, on the platform's clock, so a bot that was down
            // and catches up (or a replay) escalates the way it would have live, and a message
            // moderated after a later one of the sender's (its pictures, read on their own queue;
            // messages out of order, several instances) is not escalated by what came after it.
            var since = message.Time.AddHours(-options.EscalationWindowHours);
            return await store.CountOffencesAsync(message.Platform, message.GroupId, message.UserId, since, message.Time, dryRun, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            stats.StorageFailed(ex.Message);
            return 0; // no escalation rather than no moderation
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Detection failed on {Protocol} group {GroupId} message {MessageId}; skipped")]
    private partial void LogDetectionFailed(Exception ex, Protocol protocol, string groupId, string messageId);

    /// <summary>
    /// Every action decided for an incident's message, in the order they are carried out, a mute
    /// with its length: <c>Recall+Mute 600s</c> for a recall rule at the member's second offence.
    /// The rule's own action alone would hide what escalation added. An incident that calls nothing
    /// (a dry run, an exempt sender, a rule that only logs) names its rule's action, and the mute
    /// escalation would have added.
    /// </summary>
    internal static string ActionsOf(Incident incident, IReadOnlyList<PlatformAction> decided)
    {
        IEnumerable<ModerationAction> actions = incident.PlannedActions.Count > 0
            ? incident.PlannedActions
            : incident.MuteSeconds > 0 ? [incident.DecidedAction, ModerationAction.Mute] : [incident.DecidedAction];
        var muteSeconds = decided.FirstOrDefault(a => a.Action == ModerationAction.Mute)?.MuteSeconds ?? incident.MuteSeconds;
        var names = ActionPlan.InOrder(actions)
            .Select(a => a == ModerationAction.Mute && muteSeconds > 0 ? $"Mute {muteSeconds.ToString(CultureInfo.InvariantCulture)}s" : a.ToString())
            .ToList();
        return names.Count > 0 ? string.Join('+', names) : nameof(ModerationAction.Log);
    }

    /// <summary>
    /// The decision's incident <paramref name="i"/> logged, and counted, when it was stored now; one
    /// stored already (id 0: a redelivery the intake no longer remembered, a replay, another instance's copy) is a duplicate,
    /// logged at Debug as the intake's are, so the log tells as many incidents as the database holds.
    /// </summary>
    private void LogIncidentOrDuplicate(Decision decision, int i, IReadOnlyList<long> ids)
    {
        var incident = decision.Incidents[i];
        if (i >= ids.Count || ids[i] == 0)
        {
            LogDuplicateIncident(incident.Rule, incident.Platform, incident.GroupId, incident.UserId, incident.MessageId);
            return;
        }

        LogIncident(incident.Rule, incident.Platform, incident.GroupId, incident.UserId, incident.MessageId, ActionsOf(incident, decision.Actions), incident.ActionStatus);
        metrics?.Incident(incident.Category, incident.DecidedAction, incident.ActionStatus);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {Rule}: {Platform} group {GroupId} user {UserId} message {MessageId}, actions {Actions} ({Status})")]
    private partial void LogIncident(string rule, string platform, string groupId, string userId, string messageId, string actions, ActionStatus status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Duplicate incident {Rule}: {Platform} group {GroupId} user {UserId} message {MessageId} was stored already (a redelivery, a replay or another instance's copy); not stored or acted on again")]
    private partial void LogDuplicateIncident(string rule, string platform, string groupId, string userId, string messageId);
}
