namespace GroupGuard.Core.Commands;

/// <summary>
/// Which instance carries out a group command: on a database several instances share, each of them
/// connected to the same bot hears every command, and only the first to claim it carries it out and
/// answers. Claims are kept a day. Every method throws on a storage failure.
/// </summary>
public interface ICommandClaims
{
    /// <summary>
    /// Claims <paramref name="message"/>'s command for <paramref name="instance"/>: true when this
    /// call claimed it, or the instance had claimed it before (its own redelivery or replay);
    /// false when another instance has.
    /// </summary>
    Task<bool> ClaimAsync(ChatMessage message, string instance, DateTimeOffset now, CancellationToken cancellationToken);
}
