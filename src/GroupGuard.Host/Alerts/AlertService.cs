using System.Collections.Concurrent;
using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Host.Digests;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Alerts;

/// <summary>
/// Sends serious incidents at once, rule by rule (<c>GroupGuard:Alerts</c>), through the digest
/// outbox. Every <see cref="PollInterval"/> on the injected clock it looks for incidents that the
/// rule takes and its previous alert did not: detected since that alert's end, or committed after
/// its commit mark (another instance's incident that was stored late). Once the coalescing window
/// of the first of them has closed (its detection time plus <c>CoalesceSeconds</c>, or sooner after a
/// pause of <c>QuietSeconds</c> with no further incident: <see cref="WindowEnd"/>) and every incident
/// this instance detected in the window is stored, and the platform has answered the recall, mute or
/// kick of the messages it lists (at most <see cref="ActionsSettleLimit"/> past the window), it stores one message covering the window under
/// the rule's outbox key (<c>alert:&lt;name&gt;</c>, period end = window end, with the commit mark
/// read then) and sends it as digests are sent. The outbox keeps a rule's periods from overlapping,
/// so a restart, a retry or a second instance finds the alert stored and never sends it twice; the
/// next alert takes what came after it in commit order, so none is skipped. A rule whose look fails
/// is logged and tried again at the next look; the rules after it go on.
/// <para>An alert that went out saying 待处置 records those incidents (<see cref="DigestRecord.PendingIds"/>)
/// and gets one follow-up once they have all settled, or <see cref="FollowUpLimit"/> after it at the
/// latest, stored under <c>alert-followup:&lt;name&gt;</c> with the alert's period (so a restart, a
/// retry or a second instance sends it once) and sent on the alert's channels (<see cref="FollowUpsAsync"/>),
/// with the alert in it on a channel that gave up on the alert (<see cref="AlertBuilder.Carrying"/>).</para>
/// </summary>
internal sealed partial class AlertService(
    IOptionsMonitor<List<AlertRuleOptions>> rules,
    IIncidentStore store,
    IDigestOutbox outbox,
    DigestService digests,
    IncidentsInFlight inFlight,
    TimeProvider time,
    ILogger<AlertService> logger) : BackgroundService
{
    /// <summary>How often the rules look for new incidents (sooner when a window closes before).</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How far back a rule without any alert yet looks at its first look: a service restarted
    /// before its rule's first alert went out still sends it.
    /// </summary>
    internal static readonly TimeSpan FirstLookBack = TimeSpan.FromHours(1);

    /// <summary>How long an alert waits for incidents detected in its window to be stored, as a digest does.</summary>
    internal static readonly TimeSpan SettleLimit = DigestService.SettleLimit;

    /// <summary>
    /// How long past its window an alert waits for the actions of the messages it lists to be carried
    /// out (<see cref="Unsettled"/>); past it, it goes out saying 待处置 for those still waiting.
    /// </summary>
    internal static readonly TimeSpan ActionsSettleLimit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long after an alert that said 待处置 its follow-up waits at most for those actions to
    /// settle: the action queue gives up on a recall or mute ten minutes after its message
    /// (<see cref="PendingActionRecovery.StillWorthIt"/>), so by then they are done or failed unless
    /// the service was down; what is still waiting is said as such.
    /// </summary>
    internal static readonly TimeSpan FollowUpLimit = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How far back (by the alert's end) alerts are owed a follow-up: one whose follow-up a long stop
    /// held back goes out after the start, but past this the leader's daily digest has told it.
    /// </summary>
    internal static readonly TimeSpan FollowUpLookBack = TimeSpan.FromHours(24);

    /// <summary>
    /// Incidents a follow-up reads at most, in one query (<see cref="IIncidentStore.GetManyAsync"/>):
    /// those its alert said 待处置 for (one per message it listed, so at most <see cref="AlertBuilder.MaxShown"/>)
    /// and the alert's latest others, whose newest group names the follow-up gives as the alert gave them.
    /// </summary>
    internal const int FollowUpReadsAtMost = 400;

    /// <summary>Incident ids one alert records at most (a flood beyond is counted, not listed).</summary>
    internal const int MaxIds = 10_000;

    // Storage keeps times to the millisecond: a window of 0 seconds still holds its first incident.
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    // Per rule, in memory: how far its looks have got since its last alert, and the start of a rule's first look.
    private readonly Dictionary<string, Seen> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _firstLook = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _unsettledLogged = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failingRules = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failingFollowUps = new(StringComparer.Ordinal);

    // Per rule: alerts whose incidents were all marked false positive (or removed) when their
    // follow-up was due: nothing is sent for them, and they are not read again until they leave the look-back.
    private readonly Dictionary<string, HashSet<long>> _nothingToFollow = new(StringComparer.Ordinal);
    // Per rule: how many follow-ups are owed past their bound with nothing holding them back (OverdueFollowUps).
    private readonly ConcurrentDictionary<string, int> _overdue = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _retryDue = true;
    private bool _failing;

    /// <summary>
    /// Per configured rule with any: how many follow-ups were owed, at its last look, more than
    /// <see cref="FollowUpLimit"/> after their alert though nothing held them back any more (the
    /// alert done sending, some of what it said 待处置 left to follow) and could not be stored: the
    /// leader has not been told what became of messages the bot may have failed to remove. A look
    /// stores them as it goes, so this is 0 unless making or storing them fails (the log says why);
    /// <c>/healthz</c> shows it under <c>alerts</c>.
    /// </summary>
    public IReadOnlyDictionary<string, int> OverdueFollowUps
    {
        get
        {
            var configured = rules.CurrentValue.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            return _overdue.Where(o => o.Value > 0 && configured.Contains(o.Key)).ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = PollInterval;
            try
            {
                wait = await TickAsync(stoppingToken);
                if (_failing)
                {
                    _failing = false;
                    LogRecovered();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping, or a start that failed: no fault of this service's.
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Storage down, or a reloaded setting that does not validate: said once, tried again.
                if (!_failing)
                {
                    _failing = true;
                    LogFailed(ex);
                }
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One look at every rule: sends the follow-ups owed (<see cref="FollowUpsAsync"/>) and each
    /// alert whose window has closed, tries again alerts and follow-ups whose channels failed, and says how long to wait before the next look (at most <see cref="PollInterval"/>,
    /// less when a window closes sooner).
    /// </summary>
    internal async Task<TimeSpan> TickAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var next = time.GetUtcNow() + PollInterval;
            foreach (var rule in rules.CurrentValue)
            {
                // The follow-ups of earlier alerts first, each on its own: a rule whose new alert
                // fails holds back none of them, nor they the alert.
                try
                {
                    await FollowUpsAsync(rule, cancellationToken);
                    if (_failingFollowUps.Remove(rule.Name))
                    {
                        LogFollowUpRecovered(rule.Name);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    if (_failingFollowUps.Add(rule.Name))
                    {
                        LogFollowUpFailed(rule.Name, ex);
                    }
                }

                DateTimeOffset? closes;
                try
                {
                    closes = await CheckAsync(rule, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // One rule's failure (a text its alert cannot be stored with, a query that fails)
                    // holds back no other rule: said once, the rule tried again at the next look.
                    if (_failingRules.Add(rule.Name))
                    {
                        LogRuleFailed(rule.Name, ex);
                    }

                    continue;
                }

                if (_failingRules.Remove(rule.Name))
                {
                    LogRuleRecovered(rule.Name);
                }

                if (closes is { } at && at < next)
                {
                    next = at;
                }
            }

            if (_retryDue)
            {
                await RetryAsync(cancellationToken);
            }

            var wait = next - time.GetUtcNow();
            return wait < Tick ? Tick : wait;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends the rule's alert when its window has closed; else when it will (null: nothing is waiting).</summary>
    private async Task<DateTimeOffset?> CheckAsync(AlertRuleOptions rule, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var last = await outbox.LastPeriodAsync(rule.OutboxKey, cancellationToken);
        var from = last?.To ?? await FirstLookAsync(rule, now, cancellationToken);
        if (from >= now)
        {
            return null;
        }

        var seen = _seen.TryGetValue(rule.Name, out var known) && known.From == from ? known : new Seen(from, from, last?.HighSeq);

        // Read before the look: whatever commits after it is numbered above it, so the next look has it.
        var high = await store.CommitHighAsync(cancellationToken);
        var found = await FindAsync(rule, new IncidentQuery(seen.Since, now, Groups(rule), ByDetectionTime: true, new CommitWindow(high, seen.High)), from, cancellationToken);
        if (found.First is not { } first)
        {
            _seen[rule.Name] = seen with { Since = now, High = high };
            return null;
        }

        var to = WindowEnd(rule, first, found.Times);
        if (now < to)
        {
            return to;
        }

        // An incident this instance detected in the window but has not stored yet belongs in this
        // alert: wait for its write. If storage is stuck past the limit, end the alert before it, so
        // the next one has it. (Another instance's late incident is numbered after this alert's
        // commit mark, so the next alert has it.)
        if (inFlight.OldestBefore(to) is { } open)
        {
            if (now < to + SettleLimit)
            {
                return null;
            }

            if (!_unsettledLogged.TryGetValue(rule.Name, out var logged) || logged != open)
            {
                _unsettledLogged[rule.Name] = open;
                LogUnsettled(rule.Name, open);
            }

            to = open;
            if (to <= first)
            {
                return null;
            }
        }

        // The alert: what the rule takes detected before its end and committed up to the mark read
        // now, less what the previous alert took (committed up to its mark, detected before its end).
        high = await store.CommitHighAsync(cancellationToken);
        found = await FindAsync(rule, new IncidentQuery(from, to, Groups(rule), ByDetectionTime: true, new CommitWindow(high, last?.HighSeq)), from, cancellationToken);
        if (found.Total == 0)
        {
            return null; // all marked false positive meanwhile
        }

        // What was done about the messages it lists is what a leader acts on: their recall, mute or
        // kick are given a moment to be carried out (they go out at once; a warning waits up to
        // GroupGuard:OneBot:WarningCoalesceSeconds), so the alert says 已撤回 or 撤回失败, not 待处置.
        // A platform that does not answer holds it back no longer than the limit.
        if (now < to + ActionsSettleLimit && found.Shown.Any(Unsettled))
        {
            return null;
        }

        var input = new AlertInput(rule, from, to, found.First!.Value, Zone(rule), found.Shown, found.Total, found.Ids)
        {
            Messages = found.Messages,
            ConsoleUrl = digests.ConsoleUrl,
            GroupNames = found.Names,
            RuleNames = digests.RuleNames(),
        };
        var document = AlertBuilder.Build(input);
        var record = await outbox.CreateAsync(
            DigestRecord.ToSend(rule.OutboxKey, document, from, to, now, rule.Channels) with
            {
                PendingIds = AlertBuilder.PendingIds(input), // said 待处置: its follow-up tells what became of them
                HighSeq = high,
            },
            cancellationToken);

        // Another instance may have stored this alert first, ending elsewhere: the next one starts after the one stored.
        _seen[rule.Name] = new Seen(record.PeriodTo, record.PeriodTo, record.HighSeq);
        LogAlert(rule.Name, record.IncidentIds.Count, record.PeriodTo);
        _retryDue = true; // a channel that fails now is tried again at the next look once its backoff is over
        await digests.SendAsync(record, cancellationToken);
        return null;
    }

    /// <summary>
    /// Sends the follow-up of each of the rule's alerts that said 待处置 and has none yet, once the
    /// alert itself is done sending (a follow-up never arrives before its alert) and every incident it
    /// said 待处置 for has settled (<see cref="DigestBuilder.SettledStatus"/>), or <see cref="FollowUpLimit"/>
    /// after the alert with those still waiting. The alerts owed one are read from the outbox, not
    /// memory, so one sent before a restart still gets its follow-up after it. Incidents marked false
    /// positive meanwhile are left out; when none is left, nothing is sent.
    /// </summary>
    private async Task FollowUpsAsync(AlertRuleOptions rule, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var owed = await outbox.AwaitingFollowUpAsync(rule.OutboxKey, rule.FollowUpKey, now - FollowUpLookBack, cancellationToken);
        var nothing = _nothingToFollow.TryGetValue(rule.Name, out var known) ? known : [];
        nothing.IntersectWith(owed.Select(a => a.Id));
        _nothingToFollow[rule.Name] = nothing;

        // Those past their bound with nothing holding them back are each taken off as they are stored:
        // a look that fails on the way leaves the rest counted.
        var overdue = owed.Where(a => a.Status != DigestStatus.Pending && !nothing.Contains(a.Id) && now >= a.CreatedAt + FollowUpLimit)
            .Select(a => a.Id)
            .ToHashSet();
        _overdue[rule.Name] = overdue.Count;
        void Done(DigestRecord alert)
        {
            if (overdue.Remove(alert.Id))
            {
                _overdue[rule.Name] = overdue.Count;
            }
        }

        foreach (var alert in owed)
        {
            if (alert.Status == DigestStatus.Pending || nothing.Contains(alert.Id))
            {
                continue;
            }

            // One query: the incidents it said 待处置 for and, so that the follow-up names their groups as
            // the alert did (by the newest name of its window), its latest others. One removed since
            // (retention) is left out, as one marked false positive is.
            var pending = alert.PendingIds.ToHashSet();
            var others = alert.IncidentIds.Where(id => !pending.Contains(id)).Order().TakeLast(Math.Max(0, FollowUpReadsAtMost - pending.Count));
            var read = await store.GetManyAsync([.. pending.Concat(others)], cancellationToken);
            var incidents = read.Where(i => pending.Contains(i.Id) && !i.FalsePositive).ToList();
            var falsePositives = read.Count(i => pending.Contains(i.Id) && i.FalsePositive);

            var due = now >= alert.CreatedAt + FollowUpLimit;
            if (incidents.Count == 0)
            {
                if (due)
                {
                    nothing.Add(alert.Id);
                    Done(alert);
                }

                continue;
            }

            if (!due && incidents.Any(Unsettled))
            {
                continue;
            }

            var document = AlertBuilder.FollowUp(new AlertFollowUpInput(rule.Name, alert, Zone(rule), incidents, falsePositives)
            {
                ConsoleUrl = digests.ConsoleUrl,
                GroupNames = NewestGroupNames.Of(read),
            });
            var record = await outbox.CreateAsync(
                DigestRecord.ToSend(rule.FollowUpKey, document, alert.PeriodFrom, alert.PeriodTo, now, alert.Channels.Keys),
                cancellationToken);
            Done(alert);
            LogFollowUp(rule.Name, alert.PeriodTo, incidents.Count(Unsettled));
            _retryDue = true;
            await digests.SendAsync(record, cancellationToken);
        }
    }

    /// <summary>Alerts and follow-ups with a channel still to send (failed, or left by a crash): sent as the digest retry sends them, with its backoff.</summary>
    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        var unfinished = (await outbox.UnfinishedAsync(DigestService.MaxAttempts, cancellationToken))
            .Where(r => AlertRuleOptions.IsAlertKey(r.Leader))
            .ToList();
        _retryDue = unfinished.Count > 0;
        foreach (var record in unfinished)
        {
            await digests.SendAsync(record, cancellationToken);
        }
    }

    /// <summary>
    /// The incidents the rule takes of those <paramref name="query"/> selects: the earliest detection
    /// time, the incidents of the messages to show, how many hits and messages, their ids (bounded) and
    /// detection times, and the newest name of each group among all those read. An incident
    /// committed late and detected before <paramref name="from"/> (the end of the previous alert)
    /// counts as detected at <paramref name="from"/>: it opens the window of the next alert.
    /// </summary>
    private async Task<Found> FindAsync(AlertRuleOptions rule, IncidentQuery query, DateTimeOffset from, CancellationToken cancellationToken)
    {
        var threshold = rule.Threshold;
        DateTimeOffset? first = null;
        var kept = new List<Incident>();
        var keepAt = AlertBuilder.MaxShown * 4;
        var ids = new List<long>();
        var times = new List<DateTimeOffset>();
        var messages = new HashSet<(string, string, string)>();
        var names = new NewestGroupNames();
        var total = 0;
        await foreach (var incident in store.QueryAsync(query, cancellationToken))
        {
            // Every incident of the window names its group, listed or not, as a digest's period does.
            names.Add(incident);
            if (incident.FalsePositive)
            {
                continue;
            }

            // A hit below the rule's severity is not alerted on, but masked in its message's excerpt
            // with the hits that are: the alert shows each message once.
            if (incident.Severity >= threshold)
            {
                total++;
                messages.Add(incident.MessageKey);
                var detected = Max(incident.DetectedAt, from);
                first = first is { } f && f <= detected ? f : detected;
                if (ids.Count < MaxIds)
                {
                    ids.Add(incident.Id);
                }

                if (times.Count < MaxIds)
                {
                    times.Add(detected);
                }
            }

            // Only the messages that may be shown are kept: a flood costs a count, not its texts.
            kept.Add(incident);
            if (kept.Count >= keepAt)
            {
                kept = Shown(kept, threshold);
                keepAt = Math.Max(AlertBuilder.MaxShown * 4, kept.Count * 2);
            }
        }

        times.Sort();
        return new Found(first, Shown(kept, threshold), total, messages.Count, ids, times, names);
    }

    /// <summary>
    /// The incidents of the <see cref="AlertBuilder.MaxShown"/> messages shown first (by their most
    /// severe hit at or above <paramref name="threshold"/>), every hit of them, below it too.
    /// </summary>
    private static List<Incident> Shown(List<Incident> incidents, Severity threshold)
    {
        var shown = incidents.Where(i => i.Severity >= threshold)
            .GroupBy(i => i.MessageKey)
            .Select(g => g.Order(AlertBuilder.ShownFirst).First())
            .Order(AlertBuilder.ShownFirst)
            .Take(AlertBuilder.MaxShown)
            .Select(i => i.MessageKey)
            .ToHashSet();
        return [.. incidents.Where(i => shown.Contains(i.MessageKey)).Order(AlertBuilder.ShownFirst)];
    }

    /// <summary>
    /// Whether nothing is known yet of what the platform made of the incident's action: pending, and
    /// not even its recall, mute or kick recorded (<see cref="Incident.ActsOutcome"/>).
    /// </summary>
    private static bool Unsettled(Incident incident) => DigestBuilder.SettledStatus(incident) == ActionStatus.Pending;

    private static IReadOnlyCollection<string>? Groups(AlertRuleOptions rule) => rule.CoversAll ? null : rule.Groups;

    /// <summary>
    /// Where the window that <paramref name="first"/> opens ends: <c>CoalesceSeconds</c> after it, or
    /// sooner at the first pause of <c>QuietSeconds</c> after an incident (<paramref name="times"/>,
    /// the detection times found, in order). Known from stored incidents alone once the clock has
    /// passed it, so every instance and every restart finds the same end.
    /// </summary>
    internal static DateTimeOffset WindowEnd(AlertRuleOptions rule, DateTimeOffset first, IReadOnlyList<DateTimeOffset> times)
    {
        var end = first + Max(TimeSpan.FromSeconds(rule.CoalesceSeconds), Tick);
        var quiet = TimeSpan.FromSeconds(rule.QuietSeconds);
        if (rule.QuietSeconds <= 0 || first + quiet >= end)
        {
            return end;
        }

        for (var i = 0; i < times.Count; i++)
        {
            var pauseEnds = times[i] + Max(quiet, Tick);
            if (pauseEnds >= end)
            {
                break;
            }

            if (i + 1 == times.Count || times[i + 1] >= pauseEnds)
            {
                return pauseEnds;
            }
        }

        return end;
    }

    /// <summary>
    /// Where a rule with no alert yet starts: an hour back, or where the alert an earlier version
    /// sent under its old name (<see cref="AlertRuleOptions.LegacyName"/>) ended if that is later,
    /// so an upgrade does not send that alert's incidents again.
    /// </summary>
    private async Task<DateTimeOffset> FirstLookAsync(AlertRuleOptions rule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_firstLook.TryGetValue(rule.Name, out var start))
        {
            start = now - FirstLookBack;
            if (rule.LegacyName is { } legacy
                && await outbox.LastPeriodEndAsync(AlertRuleOptions.OutboxPrefix + legacy, cancellationToken) is { } end
                && end > start)
            {
                start = end < now ? end : now;
            }

            _firstLook[rule.Name] = start;
        }

        return start;
    }

    private static TimeZoneInfo Zone(AlertRuleOptions rule) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(rule.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>
    /// How far a rule's looks have got since its last alert (ending at <paramref name="From"/>):
    /// nothing the rule takes that was committed up to <paramref name="High"/> (null: any) was
    /// detected between <paramref name="From"/> and <paramref name="Since"/>, so the next look asks
    /// only for what was detected since, or committed after.
    /// </summary>
    private sealed record Seen(DateTimeOffset From, DateTimeOffset Since, long? High);

    private sealed record Found(DateTimeOffset? First, List<Incident> Shown, int Total, int Messages, List<long> Ids, List<DateTimeOffset> Times, NewestGroupNames Names);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Rule}: {Count} incidents up to {PeriodTo:yyyy-MM-dd HH:mm:ss zzz}, sending")]
    private partial void LogAlert(string rule, int count, DateTimeOffset periodTo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Rule}: incidents detected since {Unsettled:yyyy-MM-dd HH:mm:ss zzz} are still not stored; this alert ends there and the next one reports them")]
    private partial void LogUnsettled(string rule, DateTimeOffset unsettled);

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for incidents to alert on failed; trying again every few seconds")]
    private partial void LogFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Looking for incidents to alert on works again")]
    private partial void LogRecovered();

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert {Rule} failed; the other rules go on, and this one is tried again every few seconds")]
    private partial void LogRuleFailed(string rule, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Rule} works again")]
    private partial void LogRuleRecovered(string rule);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Rule} up to {PeriodTo:yyyy-MM-dd HH:mm:ss zzz}: its follow-up on what it said was still to be done, {Waiting} still waiting, sending")]
    private partial void LogFollowUp(string rule, DateTimeOffset periodTo, int waiting);

    [LoggerMessage(Level = LogLevel.Error, Message = "Follow-ups of alert {Rule} failed; the alerts go on, and the follow-ups are tried again every few seconds")]
    private partial void LogFollowUpFailed(string rule, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Follow-ups of alert {Rule} work again")]
    private partial void LogFollowUpRecovered(string rule);
}
