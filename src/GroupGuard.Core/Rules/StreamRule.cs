namespace GroupGuard.Core.Rules;

public enum StreamKind
{
    /// <summary>More than <c>Count</c> messages from one user in one group within <c>Seconds</c>.</summary>
    Flood,

    /// <summary>The same text from one user <c>Count</c> times within <c>Seconds</c>, across groups.</summary>
    Repeat,

    /// <summary>An @all from someone who is not owner or admin.</summary>
    MentionAll,
}

public sealed record StreamRule(StreamKind Kind, int Count, int Seconds);
