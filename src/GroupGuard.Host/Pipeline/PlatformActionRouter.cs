using GroupGuard.Core;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// The platform as moderation sees it: each action goes to the adapter that speaks its protocol.
/// A protocol no adapter speaks can do nothing, and says so.
/// </summary>
internal sealed class PlatformActionRouter : IPlatformActions
{
    private readonly Dictionary<Protocol, IProtocolActions> _adapters = [];

    public PlatformActionRouter(IEnumerable<IProtocolActions> adapters)
    {
        foreach (var adapter in adapters)
        {
            foreach (var protocol in adapter.Protocols)
            {
                // First registration wins, as with TryAdd: a second adapter for a protocol is a wiring mistake.
                _adapters.TryAdd(protocol, adapter);
            }
        }
    }

    public bool CanDo(Protocol protocol, string platform, ModerationAction action) =>
        _adapters.TryGetValue(protocol, out var adapter) && adapter.CanDo(protocol, platform, action);

    public Task<ActionResult> ExecuteAsync(PlatformAction action, CancellationToken cancellationToken) =>
        _adapters.TryGetValue(action.Protocol, out var adapter)
            ? adapter.ExecuteAsync(action, cancellationToken)
            : Task.FromResult(ActionResult.Unsupported(ActionErrorKind.NotConfigured, $"no adapter for {WireNames<Protocol>.ToText(action.Protocol)} is set up"));

    public Task<ActionResult> UnmuteAsync(Protocol protocol, string platform, string botId, string groupId, string userId, CancellationToken cancellationToken) =>
        _adapters.TryGetValue(protocol, out var adapter)
            ? adapter.UnmuteAsync(protocol, platform, botId, groupId, userId, cancellationToken)
            : Task.FromResult(ActionResult.Unsupported(ActionErrorKind.NotConfigured, $"no adapter for {WireNames<Protocol>.ToText(protocol)} is set up"));

    public Task<SenderRole?> GetRoleAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken) =>
        _adapters.TryGetValue(protocol, out var adapter)
            ? adapter.GetRoleAsync(protocol, botId, groupId, userId, cancellationToken)
            : Task.FromResult<SenderRole?>(null);
}
