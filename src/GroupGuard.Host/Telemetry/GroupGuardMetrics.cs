using System.Diagnostics;
using System.Diagnostics.Metrics;
using GroupGuard.Core;

namespace GroupGuard.Host.Telemetry;

/// <summary>
/// The service's own instruments (meter <see cref="MeterName"/>), for OpenTelemetry to export
/// (<c>/metrics</c> for Prometheus, or OTLP: <see cref="TelemetryRegistration"/>). Without an
/// exporter they cost a check per call. No tag carries a group, a user or any text: only protocols,
/// platforms, categories, actions and outcomes, so the series stay few and the data stays private.
/// </summary>
internal sealed class GroupGuardMetrics
{
    public const string MeterName = "GroupGuard";

    /// <summary>
    /// Traces: one <c>moderate</c> span per message moderated (protocol, platform, hits, incidents,
    /// outcome; never a group, user or text), exported over OTLP with the metrics.
    /// </summary>
    public static readonly ActivitySource Traces = new(MeterName);

    private readonly Meter _meter;
    private readonly TimeProvider _time;
    private readonly Counter<long> _received;
    private readonly Counter<long> _processed;
    private readonly Counter<long> _detectionFailed;
    private readonly Histogram<double> _detection;
    private readonly Counter<long> _incidents;
    private readonly Counter<long> _actions;
    private readonly Histogram<double> _actionDuration;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _reloads;

    public GroupGuardMetrics(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        _meter = meters.Create(MeterName);
        _received = _meter.CreateCounter<long>("groupguard.messages.received", "{message}", "Group messages taken in (journaled and queued), by protocol");
        _processed = _meter.CreateCounter<long>("groupguard.messages.processed", "{message}", "Group messages moderated, by protocol");
        _detectionFailed = _meter.CreateCounter<long>("groupguard.detection.failures", "{message}", "Messages the detector failed on");
        _detection = _meter.CreateHistogram<double>("groupguard.detection.duration", "ms", "Time to detect one message against the rules");
        _incidents = _meter.CreateCounter<long>("groupguard.incidents", "{incident}", "Incidents stored, by category, decided action and action status");
        _actions = _meter.CreateCounter<long>("groupguard.actions", "{action}", "Platform actions done, by platform, action and status");
        _actionDuration = _meter.CreateHistogram<double>("groupguard.action.duration", "ms", "Time a platform action took, retries included, by platform, action and status");
        _deliveries = _meter.CreateCounter<long>("groupguard.deliveries", "{delivery}", "Digest and alert sends per channel, by kind and outcome");
        _reloads = _meter.CreateCounter<long>("groupguard.rules.reloads", "{reload}", "Rule reloads, by outcome");
    }

    /// <summary>Gauges read when exported: the moderation queue and the actions waiting.</summary>
    public void Observe(Func<int> queued, Func<int> actionsQueued)
    {
        _meter.CreateObservableGauge("groupguard.queue.length", () => queued(), "{message}", "Messages waiting for moderation");
        _meter.CreateObservableGauge("groupguard.actions.queued", () => actionsQueued(), "{job}", "Action jobs waiting for the platform");
    }

    public void Received(Protocol protocol) => _received.Add(1, new KeyValuePair<string, object?>("protocol", WireNames<Protocol>.ToText(protocol)));

    public void Processed(Protocol protocol, TimeSpan? detection)
    {
        _processed.Add(1, new KeyValuePair<string, object?>("protocol", WireNames<Protocol>.ToText(protocol)));
        if (detection is { } elapsed)
        {
            _detection.Record(elapsed.TotalMilliseconds);
        }
    }

    public void DetectionFailed() => _detectionFailed.Add(1);

    /// <summary>
    /// An incident stored: its category, the action its policy decided (a log-only rule's incident
    /// is <c>log</c>, its status <c>done</c>: recorded, nothing done to the message) and its status.
    /// </summary>
    public void Incident(string category, ModerationAction action, ActionStatus status) =>
        _incidents.Add(
            1,
            new KeyValuePair<string, object?>("category", category),
            new KeyValuePair<string, object?>("action", WireNames<ModerationAction>.ToText(action)),
            new KeyValuePair<string, object?>("status", WireNames<ActionStatus>.ToText(status)));

    /// <summary>The <c>action</c> label of a join request's answer (approve or reject).</summary>
    public const string JoinAnswer = "join_answer";

    public void Action(string platform, ModerationAction action, ActionStatus status, TimeSpan elapsed) =>
        Action(platform, WireNames<ModerationAction>.ToText(action), status, elapsed);

    public void Action(string platform, string action, ActionStatus status, TimeSpan elapsed)
    {
        var where = new KeyValuePair<string, object?>("platform", PlatformLabel(platform));
        var what = new KeyValuePair<string, object?>("action", action);
        var outcome = new KeyValuePair<string, object?>("status", WireNames<ActionStatus>.ToText(status));
        _actions.Add(1, where, what, outcome);
        _actionDuration.Record(elapsed.TotalMilliseconds, where, what, outcome);
    }

    /// <summary>At most this many platform names label series; later ones are counted as <c>other</c>.</summary>
    internal const int MaxPlatforms = 16;

    private readonly HashSet<string> _platforms = new(StringComparer.Ordinal);
    private readonly Lock _platformsLock = new();

    /// <summary>
    /// A platform as a label: a bridge's own name for it (OneBot v12's <c>self.platform</c> is free
    /// text) when short and plain, and among the first <see cref="MaxPlatforms"/> seen; else
    /// <c>other</c>, so that no event can make series without end.
    /// </summary>
    internal string PlatformLabel(string platform)
    {
        if (platform.Length is 0 or > 32 || !platform.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))
        {
            return "other";
        }

        lock (_platformsLock)
        {
            return _platforms.Contains(platform) || (_platforms.Count < MaxPlatforms && _platforms.Add(platform)) ? platform : "other";
        }
    }

    /// <summary>One channel's send of a digest or an alert: <paramref name="outcome"/> sent, retrying or failed.</summary>
    public void Delivery(bool alert, string outcome) =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("kind", alert ? "alert" : "digest"), new KeyValuePair<string, object?>("outcome", outcome));

    public void Reload(bool ok) => _reloads.Add(1, new KeyValuePair<string, object?>("outcome", ok ? "reloaded" : "refused"));

    /// <summary>A stopwatch for an instrument, on the injected clock's timestamp.</summary>
    public long Start() => _time.GetTimestamp();

    public TimeSpan Since(long start) => _time.GetElapsedTime(start);
}
