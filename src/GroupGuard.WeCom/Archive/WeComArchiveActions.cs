using GroupGuard.Core;
using GroupGuard.Core.Moderation;

namespace GroupGuard.WeCom.Archive;

/// <summary>
/// Actions on <c>wecom</c>: none. WeCom's API cannot recall a member's message, mute or remove
/// anyone from a group chat, so the policy records every action as <c>unsupported</c> with this
/// reason and the incident still reaches the digest and the alerts.
/// </summary>
internal sealed class WeComArchiveActions : IProtocolActions
{
    /// <summary>Why nothing can be done, as incidents and digests say it.</summary>
    public const string Reason = "WeCom's chat archive is read-only: WeCom's API cannot recall, mute or remove";

    public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.WeComArchive];

    public bool CanDo(Protocol protocol, string platform, ModerationAction action) => false;

    public Task<ActionResult> ExecuteAsync(PlatformAction action, CancellationToken cancellationToken) =>
        Task.FromResult(ActionResult.Unsupported(ActionErrorKind.PlatformCannot, Reason));

    public Task<SenderRole?> GetRoleAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken) =>
        Task.FromResult<SenderRole?>(null);

    public Task<ActionResult> UnmuteAsync(Protocol protocol, string platform, string botId, string groupId, string userId, CancellationToken cancellationToken) =>
        Task.FromResult(ActionResult.Unsupported(ActionErrorKind.PlatformCannot, Reason));
}
