using GroupGuard.Core;

namespace GroupGuard.Testing;

/// <summary>
/// Chat messages as an adapter would hand them over, with ordinary defaults: a member's QQ (OneBot
/// v11) group message. Name only what the test is about.
/// </summary>
public static class Messages
{
    /// <summary>The default time: 2025-11-26T09:40:00Z, where the service tests' clocks stand.</summary>
    public static readonly DateTimeOffset DefaultTime = DateTimeOffset.FromUnixTimeSeconds(1_764_150_000);

    private static long _lastId;

    /// <summary>
    /// A group message. <paramref name="id"/> defaults to a new id for each message, so two built
    /// messages are never a redelivery of one; <paramref name="protocol"/> follows
    /// <paramref name="platform"/> (<c>qq</c>: OneBot v11, else v12).
    /// </summary>
    public static ChatMessage Group(
        string text,
        string? id = null,
        string group = "123456",
        string user = "20002",
        SenderRole role = SenderRole.Member,
        DateTimeOffset? time = null,
        string platform = "qq",
        Protocol? protocol = null,
        string bot = "10001",
        string? groupName = null,
        string? senderName = null,
        IReadOnlyList<string>? mentions = null,
        bool mentionsAll = false,
        string? replyTo = null,
        IReadOnlyList<ImageRef>? images = null,
        IReadOnlyList<CardContent>? cards = null) => new()
        {
            Platform = platform,
            Protocol = protocol ?? (platform == "qq" ? Protocol.OneBotV11 : Protocol.OneBotV12),
            BotId = bot,
            GroupId = group,
            GroupName = groupName,
            UserId = user,
            SenderRole = role,
            SenderName = senderName,
            MessageId = id ?? "m" + Interlocked.Increment(ref _lastId).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Time = time ?? DefaultTime,
            Text = text,
            Mentions = mentions ?? [],
            MentionsAll = mentionsAll,
            ReplyTo = replyTo,
            Images = images ?? [],
            Cards = cards ?? [],
        };
}
