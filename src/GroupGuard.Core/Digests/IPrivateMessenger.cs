namespace GroupGuard.Core.Digests;

/// <summary>
/// Sends a QQ private message through the bot (OneBot <c>send_private_msg</c>), rate-limited with
/// every other platform call. Failure contract: returns failed with the platform's words; throws
/// only when cancelled.
/// </summary>
public interface IPrivateMessenger
{
    Task<Moderation.ActionResult> SendPrivateAsync(string userId, string text, CancellationToken cancellationToken);
}
