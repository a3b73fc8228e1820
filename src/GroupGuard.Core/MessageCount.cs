namespace GroupGuard.Core;

/// <summary>Messages seen in one group in one hour (UTC, the hour's start).</summary>
public sealed record MessageCount(string Platform, string GroupId, DateTimeOffset Hour, long Count);

/// <summary>Messages seen in one group over a period: its hourly counts summed.</summary>
public sealed record MessageTotal(string Platform, string GroupId, long Count);

/// <summary>
/// One message to count, by the key its incidents have (platform, bot, group, message id and time):
/// counted once however often it is delivered, to however many instances, or replayed from the
/// journal after a crash. (Two bots in one group are two witnesses: QQ numbers messages per account.)
/// </summary>
public sealed record CountedMessage(string Platform, string BotId, string GroupId, string MessageId, DateTimeOffset Time);
