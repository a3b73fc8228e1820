using GroupGuard.Core.Digests;
using GroupGuard.Host.Digests;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Health;

/// <summary>
/// The digests and alerts behind <c>/healthz</c>: each configured leader's and alert rule's latest
/// message as the outbox records it, whichever process sent it (this one, the service before a
/// restart, <c>digest send</c>, another instance on the same database). Read at most once every
/// <see cref="FreshFor"/> however often it is asked (one indexed look per leader and rule); when
/// the outbox cannot be read, what this process sent since its start (<see cref="SentHere"/>).
/// </summary>
internal sealed class DigestProbe(DigestService digests, IOptionsMonitor<List<AlertRuleOptions>> alerts, TimeProvider time)
{
    internal static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly ThrottledCheck<IReadOnlyList<DigestService.LeaderDigestState>> _check = new(time, FreshFor, Timeout);

    /// <summary>
    /// Each leader's and alert rule's latest digest or alert (an alert rule's under <c>alert:&lt;name&gt;</c>),
    /// and each rule's latest follow-up (<c>alert-followup:&lt;name&gt;</c>), by name.
    /// </summary>
    public Task<IReadOnlyList<DigestService.LeaderDigestState>> LatestAsync(CancellationToken cancellationToken) =>
        _check.GetAsync(
            async token =>
            {
                var names = digests.Leaders.Select(l => l.Name)
                    .Concat(alerts.CurrentValue.SelectMany(r => new[] { r.OutboxKey, r.FollowUpKey }))
                    .ToList();
                var latest = await digests.Outbox.LatestDeliveriesAsync(names, token);
                return [.. latest.Select(State).OrderBy(s => s.Leader, StringComparer.Ordinal)];
            },
            _ => SentHere,
            cancellationToken);

    /// <summary>What this process sent since its start, follow-ups too: all <c>/healthz</c> can say while storage is unusable.</summary>
    public IReadOnlyList<DigestService.LeaderDigestState> SentHere => [.. digests.Status];

    /// <summary>
    /// A stored digest as <c>/healthz</c> tells it: failing on each channel not sent whose last try
    /// failed (retried or given up on), else pending while a channel is still to be sent.
    /// </summary>
    internal static DigestService.LeaderDigestState State(DigestRecord record)
    {
        var unsent = record.Channels.Where(c => c.Value.Status != ChannelStatus.Sent).ToList();
        var failed = unsent.Where(c => c.Value.Status == ChannelStatus.Failed || c.Value.Error is not null).Select(c => $"{c.Key}: {c.Value.Error}").ToList();
        return new DigestService.LeaderDigestState(record.Leader, record.PeriodTo, failed) { Pending = failed.Count == 0 && unsent.Count > 0 };
    }
}
