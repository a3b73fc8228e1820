namespace GroupGuard.Core.Forwards;

/// <summary>
/// How much of a forwarded bundle is read. A bundle may hold bundles, each a call to the platform;
/// these bounds keep one message from holding moderation up or making a bot call the platform
/// without end. Past a bound, opening stops, what was read is moderated, and the stop is counted.
/// </summary>
public static class ForwardLimits
{
    /// <summary>Bundles nested at most this deep are opened: the message's own is 1, one inside it 2.</summary>
    public const int MaxDepth = 3;

    /// <summary>Inner messages read per outer message, in all bundles together.</summary>
    public const int MaxMessages = 100;

    /// <summary>The time opening one message's bundles may take, calls to the platform included.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);
}
