namespace GroupGuard.Core;

/// <summary>Messages seen in one group in one hour (UTC, the hour's start).</summary>
public sealed record MessageCount(string Platform, string GroupId, DateTimeOffset Hour, long Count);
