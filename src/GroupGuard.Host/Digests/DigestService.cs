using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Digests.Charts;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Digests;

/// <summary>
/// Makes and sends digests through the outbox. Each digest covers the time from the end of the
/// leader's previous digest (the first: 24 hours back) to its fire time, by detection time, so every
/// incident of the leader's groups is in exactly one digest; the outbox's key (leader, period end)
/// makes a restart, a misfire, a retry or a second instance send it once.
/// </summary>
internal sealed partial class DigestService(
    IOptionsMonitor<List<LeaderOptions>> leaders,
    IIncidentStore store,
    IDigestOutbox outbox,
    IDigestChannels channels,
    TimeProvider time,
    ILogger<DigestService> logger,
    IDigestHealthSource health,
    IncidentsInFlight inFlight,
    IIncidentBrowser browser,
    Core.Members.IJoinDecisions? joins = null,
    Telemetry.GroupGuardMetrics? metrics = null,
    IOptionsMonitor<List<AlertRuleOptions>>? alertRules = null,
    IOptionsMonitor<WebConsole.ConsoleOptions>? console = null,
    Core.Rules.IRuleSetProvider? rules = null)
{
    /// <summary>Join decisions one digest lists at most (it counts them all up to this many).</summary>
    internal const int MaxJoinDecisions = 1000;

    /// <summary>
    /// How long a channel stays claimed by the instance sending it: longer than any channel takes
    /// (a split WeCom digest, an email at its 30 s timeout). A crash mid-send leaves the claim to
    /// run out, and a retry then sends it; a restart on the same machine releases it at once.
    /// </summary>
    internal static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(5);

    /// <summary>How long a digest waits for incidents detected before its fire time to be stored.</summary>
    internal static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after a fire its digest may still be in the making, on this instance or another,
    /// before the retry takes its run for failed (a run waits up to <see cref="SettleLimit"/>, then builds).
    /// </summary>
    internal static readonly TimeSpan RunGrace = TimeSpan.FromMinutes(5);

    /// <summary>A failing channel is tried this many times in all, with backoff (1, 2, 4, 8 minutes).</summary>
    public const int MaxAttempts = DigestRecord.MaxSendAttempts;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, LeaderDigestState> _status = new(StringComparer.Ordinal);

    /// <summary>Each leader's latest digest this process sent; /healthz reads the outbox instead, and this only when it cannot (<see cref="Health.DigestProbe"/>).</summary>
    public IReadOnlyCollection<LeaderDigestState> Status => [.. _status.Values.OrderBy(s => s.Leader, StringComparer.Ordinal)];

    // One digest run or retry at a time in this process: two runs for one leader could otherwise
    // both start from the same previous end, and a retry could send what a run is sending.
    private readonly SemaphoreSlim _gate = new(1, 1);

    // Per leader, the latest fire whose run failed before its digest was stored; under the gate.
    private readonly Dictionary<string, FailedRun> _failedRuns = new(StringComparer.Ordinal);

    /// <summary>
    /// The shortest period a digest sent by hand (<c>digest send</c>, the console's 立即发送) covers
    /// unless forced: sent again right after the last digest, it would send every channel a digest
    /// of a few seconds with nothing in it. (A scheduled digest is made whatever its length.)
    /// </summary>
    internal static readonly TimeSpan MinimumPeriod = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The end of the leader's last digest when it ended less than <see cref="MinimumPeriod"/>
    /// before <paramref name="now"/>, so that a digest sent by hand now would be nearly empty; else null.
    /// </summary>
    public async Task<DateTimeOffset?> TooSoonAfterAsync(LeaderOptions leader, DateTimeOffset now, CancellationToken cancellationToken) =>
        await outbox.LastPeriodEndAsync(leader.Name, cancellationToken) is { } last && last < now && now - last < MinimumPeriod ? last : null;

    public IReadOnlyList<LeaderOptions> Leaders => leaders.CurrentValue;

    public IDigestOutbox Outbox => outbox;

    /// <summary>
    /// The console's public address that digests and alerts link incidents to, as the settings say
    /// now (<see cref="WebConsole.ConsoleOptions.PublicUrl"/>); null: no links.
    /// </summary>
    public string? ConsoleUrl => console?.CurrentValue.LinkBase;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>
    /// The name a leader reads for each rule id, from the rules in force now (read once: one digest
    /// or alert names every rule from the same set), and for the rule GroupGuard adds of its own
    /// (<see cref="Moderator.BuiltInRule"/>); null for a rule without a name or since taken out,
    /// which the digest names by its id. Names are not stored with incidents: a name given or
    /// changed later is what the next digest says, of the incidents before it too.
    /// </summary>
    public Func<string, string?> RuleNames()
    {
        var set = rules?.Current;
        return id => (set?.Find(id) ?? Moderator.BuiltInRule(id))?.Name;
    }

    public LeaderOptions? Leader(string name) =>
        leaders.CurrentValue.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.Ordinal));

    /// <summary>The digest for a period, built and not sent: the incidents detected in it.</summary>
    public async Task<DigestDocument> BuildAsync(LeaderOptions leader, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        await BuildAsync(leader, from, to, null, await outbox.LatestAsync(leader.Name, cancellationToken), cancellationToken);

    /// <summary>
    /// The digest for a period: with <paramref name="commit"/> the incidents committed since the
    /// previous digest (see <see cref="IncidentQuery"/>); <paramref name="latest"/> is the leader's
    /// latest digest, whose failed channels this one reports.
    /// </summary>
    private async Task<DigestDocument> BuildAsync(LeaderOptions leader, DateTimeOffset from, DateTimeOffset to, CommitWindow? commit, DigestRecord? latest, CancellationToken cancellationToken)
    {
        var groups = leader.CoversAll ? null : leader.Groups;
        var incidents = new List<Incident>();
        await foreach (var incident in store.QueryAsync(new IncidentQuery(from, to, groups, ByDetectionTime: true, commit), cancellationToken))
        {
            incidents.Add(incident);
        }

        // Messages are counted per hour: the whole hours that end in the period (the hour it ends in
        // goes to the next digest, whole), so that consecutive digests count every message once.
        var hours = DigestBuilder.CountedHours(from, to);
        var counts = hours.From < hours.To ? await store.GetMessageTotalsAsync(hours.From, hours.To, groups, cancellationToken) : [];
        var previous = await PreviousIncidentsAsync(leader, from, to, groups, latest, cancellationToken);

        // A channel's failure by its kind, in the digest's words: its own (English, which may name
        // a recipient: an address the server refused, a QQ number) are the operator's, in the
        // console and `digest list`.
        List<string> failedChannels = latest is null ? [] : [.. latest.Channels.Where(c => c.Value.Status == ChannelStatus.Failed)
            .Select(c => $"{c.Key}（{DigestBuilder.ChannelReason(c.Value.ErrorKind)}）")];

        var zone = Zone(leader);
        var joinDecisions = joins is null ? [] : await joins.ListAsync(from, to, groups, MaxJoinDecisions, cancellationToken);
        var document = DigestBuilder.Build(new DigestInput(leader, from, to, zone, incidents, counts.Sum(c => c.Count), previous, health.Current(failedChannels))
        {
            JoinDecisions = joinDecisions,
            Cadence = Cadence(leader, from, to, zone),
            ConsoleUrl = ConsoleUrl,
            RuleNames = RuleNames(),
        });

        // The leader's 30 days up to the period end, cut into the leader's days. Counted by
        // message time, as the console's chart counts, not by detection time as the digest's text.
        var chart = await IncidentChart.RenderAsync(browser, to, zone, groups, cancellationToken);
        return document with { ChartPng = chart };
    }

    /// <summary>
    /// The offending messages (false positives aside) of the period before, as long as this one, for the
    /// comparison; null when the leader's digests did not cover all of it (from the start of the
    /// first one still stored to the end of <paramref name="latest"/>): before the leader's first
    /// digest, or reaching back past it (the first after a long stop, a preview of a long period),
    /// GroupGuard may not have been running or recording, and a count of nothing there would read
    /// as an increase from nothing. Nor before the first day an incident can carry (a long period,
    /// 2026 to 9998, would reach before year 1).
    /// </summary>
    private async Task<int?> PreviousIncidentsAsync(LeaderOptions leader, DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? groups, DigestRecord? latest, CancellationToken cancellationToken)
    {
        var earliest = new DateTimeOffset(TimeBounds.FirstDay, TimeOnly.MinValue, TimeSpan.Zero);
        if (latest is null || from > latest.PeriodTo || from - earliest <= to - from)
        {
            return null;
        }

        var previousFrom = from - (to - from);
        if (await outbox.FirstPeriodStartAsync(leader.Name, cancellationToken) is not { } covered || covered > previousFrom)
        {
            return null;
        }

        // Offending messages, as the digest counts them: a message of several hits is one.
        var previous = new HashSet<(string, string, string)>();
        await foreach (var incident in store.QueryAsync(new IncidentQuery(previousFrom, from, groups, ByDetectionTime: true), cancellationToken))
        {
            if (!incident.FalsePositive)
            {
                previous.Add(incident.MessageKey);
            }
        }

        return previous.Count;
    }

    /// <summary>
    /// The digest due at <paramref name="fireTime"/>: from the end of the previous one (the first:
    /// 24 hours back). Stored in the outbox (or found there) and sent on every channel not yet sent.
    /// Null when there is no time to cover.
    /// </summary>
    public async Task<DigestRecord?> RunAsync(LeaderOptions leader, DateTimeOffset fireTime, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var record = await RunLockedAsync(leader, fireTime, cancellationToken);
            if (_failedRuns.TryGetValue(leader.Name, out var failed) && failed.Fire <= fireTime)
            {
                _failedRuns.Remove(leader.Name); // this digest covers that one's period too
            }

            return record;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            RunFailed(leader.Name, fireTime, ex);
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Remembers a run that failed (storage failing over, a busy database): the retry runs it again
    /// once its backoff is over (1, 2, 4, then every 8 minutes). One per leader, its latest fire: a
    /// digest covers everything since the leader's previous one, so the latest fire's digest covers
    /// the earlier ones' periods too.
    /// </summary>
    private void RunFailed(string leader, DateTimeOffset fireTime, Exception ex)
    {
        var known = _failedRuns.GetValueOrDefault(leader);
        var fire = known is not null && known.Fire > fireTime ? known.Fire : fireTime;
        var attempts = known is not null && known.Fire == fire ? known.Attempts + 1 : 1;
        var retry = time.GetUtcNow().AddMinutes(Math.Pow(2, Math.Min(attempts, MaxAttempts - 1) - 1));
        _failedRuns[leader] = new FailedRun(fire, attempts, retry);
        LogRunFailed(ex, leader, fireTime, attempts, retry);
    }

    /// <summary>
    /// Makes, under the gate, each leader's digest that is due and was not stored: the leader's latest
    /// fire since its last digest once <see cref="RunGrace"/> has passed (whichever instance's run
    /// failed: in a cluster the retry job fires on any of them), or a fire this process saw fail (a
    /// leader's first digest has no last one to count from). With the backoff of
    /// <see cref="RunFailed"/>. A digest is stored once, keyed by leader and period end: one that
    /// another instance is making meanwhile is sent once on each channel all the same.
    /// </summary>
    private async Task MakeMissedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var leader in Leaders)
        {
            var failed = _failedRuns.GetValueOrDefault(leader.Name);
            var last = await outbox.LastPeriodEndAsync(leader.Name, cancellationToken);
            if (failed is not null && last >= failed.Fire)
            {
                _failedRuns.Remove(leader.Name); // made since, here or elsewhere, or covered by a later digest
                failed = null;
            }

            var missed = last is { } end ? LatestFire(leader, end, now - RunGrace) : null;
            DateTimeOffset? fire = missed is { } m && (failed is null || m > failed.Fire) ? m : failed?.Fire;
            if (fire is not { } due || (failed is not null && failed.Fire == due && failed.NotBefore > now))
            {
                continue;
            }

            try
            {
                if (await RunLockedAsync(leader, due, cancellationToken) is not null)
                {
                    LogMissedMade(leader.Name, due);
                }

                _failedRuns.Remove(leader.Name);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                RunFailed(leader.Name, due, ex);
            }
        }
    }

    /// <summary>
    /// What the period is when it is one step of the leader's schedule, from one fire to the next
    /// (<see cref="DigestBuilder.CadenceOf"/>: a day, a week or a month), which the title names;
    /// else none: a period the schedule does not give (a <c>digest send</c> between fires, a
    /// preview, a catch-up over several fires) is titled by no schedule.
    /// </summary>
    internal static DigestCadence Cadence(LeaderOptions leader, DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone)
    {
        if (!Quartz.CronExpression.TryParse(leader.Schedule, out _))
        {
            return DigestCadence.None;
        }

        var cron = new Quartz.CronExpression(leader.Schedule).WithTimeZone(zone);
        return cron.GetNextValidTimeAfter(from.AddSeconds(-1)) == from && cron.GetNextValidTimeAfter(from) == to
            ? DigestBuilder.CadenceOf(from, to, zone)
            : DigestCadence.None;
    }

    /// <summary>The leader's latest scheduled fire after <paramref name="after"/> and at or before <paramref name="until"/>, if any.</summary>
    private static DateTimeOffset? LatestFire(LeaderOptions leader, DateTimeOffset after, DateTimeOffset until)
    {
        var cron = new Quartz.CronExpression(leader.Schedule).WithTimeZone(Zone(leader));
        DateTimeOffset? latest = null;
        for (var next = cron.GetNextValidTimeAfter(after); next is { } t && t <= until; next = cron.GetNextValidTimeAfter(t))
        {
            latest = t;
        }

        return latest;
    }

    private async Task<DigestRecord?> RunLockedAsync(LeaderOptions leader, DateTimeOffset fireTime, CancellationToken cancellationToken)
    {
        var to = fireTime;
        var last = await outbox.LatestAsync(leader.Name, cancellationToken);
        var from = last?.PeriodTo ?? to.AddHours(-24);
        if (from >= to)
        {
            return null; // already covered (a second instance, or a retried fire)
        }

        // An incident detected before the fire time but not yet stored belongs in this digest:
        // wait for its write. If storage is stuck, end the period before it instead, so the next
        // digest reports it rather than no digest at all.
        if (await inFlight.WaitSettledAsync(to, SettleLimit, cancellationToken) is { } unsettled)
        {
            LogUnsettled(leader.Name, unsettled);
            to = unsettled;
            if (from >= to)
            {
                return null;
            }
        }

        // In commit order: what another instance commits while this digest is built is numbered
        // above the high mark read here, so the next digest takes it.
        var high = await store.CommitHighAsync(cancellationToken);
        var document = await BuildAsync(leader, from, to, new CommitWindow(high, last?.HighSeq), last, cancellationToken);
        var record = await outbox.CreateAsync(
            DigestRecord.ToSend(leader.Name, document, from, to, time.GetUtcNow(), leader.Channels) with { HighSeq = high },
            cancellationToken);
        await SendAsync(record, cancellationToken);
        return record;
    }

    /// <summary>
    /// Sends a digest on each channel still to send; a failing channel does not hold back the others.
    /// An alert's follow-up goes out on a channel that gave up on its alert with the alert in it
    /// (<see cref="AlertBuilder.Carrying"/>), as the stored alert says: its reader there never saw it.
    /// </summary>
    public async Task SendAsync(DigestRecord record, CancellationToken cancellationToken)
    {
        var followed = record.Leader.StartsWith(AlertRuleOptions.FollowUpPrefix, StringComparison.Ordinal)
            ? new Lazy<Task<DigestRecord?>>(() => outbox.GetAsync(AlertRuleOptions.OutboxPrefix + record.Leader[AlertRuleOptions.FollowUpPrefix.Length..], record.PeriodTo, cancellationToken))
            : null;
        foreach (var (name, outcome) in record.Channels)
        {
            if (outcome.Status == ChannelStatus.Sent || (outcome.Status == ChannelStatus.Failed && outcome.Attempts >= MaxAttempts))
            {
                continue;
            }

            // Another instance on the same database may be sending this very channel (both fired at
            // 8:00, or its retry runs beside ours): only the one holding the claim sends. A failed
            // try's backoff is a claim of nobody's in the outbox, so no instance tries before it ends.
            var now = time.GetUtcNow();
            if (!await outbox.ClaimChannelAsync(record.Id, name, ClaimHolder.Current, now, now + ClaimFor, cancellationToken))
            {
                continue;
            }

            var attempts = outcome.Attempts + 1;
            ChannelOutcome result;
            try
            {
                var channel = channels.Get(name) ?? throw new DigestChannelException($"no channel named '{name}' under GroupGuard:Channels", ChannelErrorKind.NotConfigured);

                // A robot posts a long message in parts: the parts an earlier try delivered are not
                // posted again, and each part is counted as it arrives, so a crash mid-send loses none
                // of them either. Read after the claim, not from the record: another instance's try
                // may have delivered more since the record was read.
                var delivered = new DeliveredParts(
                    await outbox.PartsDeliveredAsync(record.Id, name, cancellationToken),
                    parts => outbox.RecordPartsDeliveredAsync(record.Id, name, parts, CancellationToken.None));
                var document = record.ToDocument();
                if (delivered.Count == 0 && record.Leader.StartsWith(AlertRuleOptions.OutboxPrefix, StringComparison.Ordinal))
                {
                    // An alert that goes out minutes after it was due (a retry, a restart) says so.
                    // One whose first parts went out already goes on as it began: its parts must
                    // split as they did.
                    document = AlertBuilder.Delayed(document, record.PeriodTo, time.GetUtcNow(), AlertZone(record.Leader));
                }
                else if (followed is not null && await followed.Value is { } alert
                    && alert.Channels.TryGetValue(name, out var alertHere) && alertHere.Status == ChannelStatus.Failed)
                {
                    document = AlertBuilder.Carrying(document, alert, alertHere);
                }

                await channel.SendAsync(document, delivered, cancellationToken);
                result = new ChannelOutcome(ChannelStatus.Sent, attempts, null, time.GetUtcNow());
                LogSent(record.Leader, name, record.PeriodTo);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Retried by the retry job until MaxAttempts; pending means "will try again".
                var status = attempts >= MaxAttempts ? ChannelStatus.Failed : ChannelStatus.Pending;
                result = new ChannelOutcome(status, attempts, ex.Message, null)
                {
                    RetryNotBefore = time.GetUtcNow().AddMinutes(Math.Pow(2, attempts - 1)),
                    ErrorKind = (ex as DigestChannelException)?.Kind ?? ChannelErrorKind.Other,
                };
                LogFailed(record.Leader, name, attempts, ex.Message);
            }

            await outbox.UpdateChannelAsync(record.Id, name, result, CancellationToken.None);
            metrics?.Delivery(AlertRuleOptions.IsAlertKey(record.Leader), result.Status.ToString().ToLowerInvariant());
            var failed = result.Status == ChannelStatus.Sent ? null : $"{name}: {result.Error}";
            _status.AddOrUpdate(
                record.Leader,
                _ => new LeaderDigestState(record.Leader, record.PeriodTo, failed is null ? [] : [failed]),
                (_, old) => old.PeriodTo == record.PeriodTo
                    ? old with { FailedChannels = [.. old.FailedChannels.Where(f => !f.StartsWith(name + ":", StringComparison.Ordinal)), .. failed is null ? Array.Empty<string>() : [failed]] }
                    : new LeaderDigestState(record.Leader, record.PeriodTo, failed is null ? [] : [failed]));
        }
    }

    /// <summary>Makes the leaders' digests whose run failed (<see cref="MakeMissedAsync"/>), and tries again every digest with a channel still to send.</summary>
    public async Task RetryAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Claims of a process of this machine that died mid-send (the one before a restart) need
            // not run out: that process will never finish them.
            var released = await outbox.ReleaseClaimsAsync(ClaimHolder.IsGone, cancellationToken);
            if (released > 0)
            {
                LogReleased(released);
            }

            await MakeMissedAsync(cancellationToken);
            foreach (var record in await outbox.UnfinishedAsync(MaxAttempts, cancellationToken))
            {
                await SendAsync(record, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// At start: a leader whose schedule fired while the service was down gets one digest now,
    /// covering everything since its last one.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var leader in Leaders)
        {
            var last = await outbox.LastPeriodEndAsync(leader.Name, cancellationToken);
            if (last is null)
            {
                continue; // the first digest comes at the first fire
            }

            if (LatestFire(leader, last.Value, now) is { } missed)
            {
                LogCatchUp(leader.Name, missed);
                try
                {
                    await RunAsync(leader, missed, cancellationToken);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // Logged and remembered by RunAsync, for the retry; the other leaders go on.
                }
            }
        }

        await RetryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} digest channel claims of a process that is gone; sending them again")]
    private partial void LogReleased(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Digest for {Leader}: incidents detected since {Unsettled:yyyy-MM-dd HH:mm:ss zzz} are still not stored; this digest ends there and the next one reports them")]
    private partial void LogUnsettled(string leader, DateTimeOffset unsettled);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest for {Leader} was due at {Missed:yyyy-MM-dd HH:mm:ss zzz} while the service was down: sending it now")]
    private partial void LogCatchUp(string leader, DateTimeOffset missed);

    /// <summary>The zone an alert rule writes times in (its outbox key <c>alert:&lt;name&gt;</c>); a rule no longer configured, the default's.</summary>
    private TimeZoneInfo AlertZone(string outboxKey)
    {
        string? id;
        try
        {
            id = alertRules?.CurrentValue.FirstOrDefault(r => string.Equals(r.OutboxKey, outboxKey, StringComparison.Ordinal))?.TimeZone;
        }
        catch (OptionsValidationException)
        {
            id = null; // rules edited into a wrong state meanwhile (the alert service says so): the alert still goes
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id ?? new AlertRuleOptions().TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    public static TimeZoneInfo Zone(LeaderOptions leader) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(leader.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>A leader's run that failed before its digest was stored: its fire time, the tries so far, and when to try again.</summary>
    private sealed record FailedRun(DateTimeOffset Fire, int Attempts, DateTimeOffset NotBefore);

    [LoggerMessage(Level = LogLevel.Error, Message = "Digest for {Leader} due at {Fire:yyyy-MM-dd HH:mm:ss zzz} could not be made (try {Attempt}); trying again from {Retry:yyyy-MM-dd HH:mm:ss zzz}")]
    private partial void LogRunFailed(Exception ex, string leader, DateTimeOffset fire, int attempt, DateTimeOffset retry);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest for {Leader} due at {Fire:yyyy-MM-dd HH:mm:ss zzz} was not stored by its run: made now")]
    private partial void LogMissedMade(string leader, DateTimeOffset fire);

    /// <summary>A leader's latest digest: its period end and the channels still failing.</summary>
    internal sealed record LeaderDigestState(string Leader, DateTimeOffset PeriodTo, IReadOnlyList<string> FailedChannels)
    {
        /// <summary>No channel failing, and one still to be sent (not tried yet, or being sent).</summary>
        public bool Pending { get; init; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest for {Leader} up to {PeriodTo:yyyy-MM-dd HH:mm:ss zzz} sent on {Channel}")]
    private partial void LogSent(string leader, string channel, DateTimeOffset periodTo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Digest for {Leader} on {Channel} failed (attempt {Attempt}): {Error}")]
    private partial void LogFailed(string leader, string channel, int attempt, string error);
}
