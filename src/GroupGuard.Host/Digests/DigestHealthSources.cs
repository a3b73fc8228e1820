using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Rules;
using GroupGuard.Host.Pipeline;

namespace GroupGuard.Host.Digests;

/// <summary>What a digest says of the bot's health: the adapters, rejected webhooks, rule errors, failing channels.</summary>
internal interface IDigestHealthSource
{
    DigestHealth Current(IReadOnlyList<string> failedChannels);
}

/// <summary>
/// In the running service: what its adapters and rules say now, and since when it has listened
/// (made with the digest service, which the catch-up at start needs: when the service starts).
/// </summary>
internal sealed class LiveDigestHealth(AdapterHealth adapters, IRuleSetProvider rules, TimeProvider time) : IDigestHealthSource
{
    private readonly DateTimeOffset _started = time.GetUtcNow();

    public DigestHealth Current(IReadOnlyList<string> failedChannels) => new(
        [.. adapters.Snapshot().Select(a => (Name(a.Protocol, a.BotId), a.LastEventAt))],
        adapters.RejectedSnapshot().Values.Sum(),
        rules.Status.Errors,
        failedChannels)
    {
        ListeningSince = _started,
    };

    /// <summary>
    /// A bot as a leader reads it: its account first, the bridge's protocol after, by the name people
    /// know it by (机器人 10001（OneBot v11）, <see cref="ProtocolNames"/>), not its wire name.
    /// </summary>
    internal static string Name(string protocol, string? botId) =>
        string.IsNullOrWhiteSpace(botId) ? ProtocolNames.Shown(protocol) : $"机器人 {botId.Trim()}（{ProtocolNames.Shown(protocol)}）";
}

/// <summary>From the command line, outside the service: its state is not known here, and the digest says so.</summary>
internal sealed class OfflineDigestHealth : IDigestHealthSource
{
    public DigestHealth Current(IReadOnlyList<string> failedChannels) => new([], 0, [], failedChannels) { Unknown = true };
}
