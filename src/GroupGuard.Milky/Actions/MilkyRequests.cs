using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace GroupGuard.Milky.Actions;

/// <summary>
/// The JSON bodies of the API calls (milky.ntqqrev.org, "API"): ids go out as JSON integers, as the
/// spec types them (int64); an id that is no integer cannot be sent and is refused before a call.
/// </summary>
internal static class MilkyRequests
{
    /// <summary>QQ refuses mutes longer than 30 days; asking for one would only fail.</summary>
    public const int MaxMuteSeconds = 30 * 24 * 60 * 60;

    public static bool IsId(string value) => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    public static byte[] Recall(string groupId, string messageSeq) => Write(w =>
    {
        w.WriteNumber("group_id", Id(groupId));
        w.WriteNumber("message_seq", Id(messageSeq));
    });

    public static byte[] Mute(string groupId, string userId, int seconds) => Write(w =>
    {
        w.WriteNumber("group_id", Id(groupId));
        w.WriteNumber("user_id", Id(userId));
        w.WriteNumber("duration", Math.Min(seconds, MaxMuteSeconds));
    });

    /// <summary><c>set_group_member_mute</c> with duration 0: lifts the member's mute (the one call that may send 0).</summary>
    public static byte[] Unmute(string groupId, string userId) => Write(w =>
    {
        w.WriteNumber("group_id", Id(groupId));
        w.WriteNumber("user_id", Id(userId));
        w.WriteNumber("duration", 0);
    });

    public static byte[] Kick(string groupId, string userId) => Write(w =>
    {
        w.WriteNumber("group_id", Id(groupId));
        w.WriteNumber("user_id", Id(userId));
        w.WriteBoolean("reject_add_request", false);
    });

    /// <summary>
    /// <c>accept_group_request</c> / <c>reject_group_request</c> for a join request: its
    /// <c>notification_seq</c>, <c>notification_type: join_request</c>, the group, whether it was
    /// filtered, and (rejecting) the reason.
    /// </summary>
    public static byte[] JoinAnswer(Core.Members.JoinAnswer answer, bool withReason) => Write(w =>
    {
        w.WriteNumber("notification_seq", Id(answer.Request.Flag));
        w.WriteString("notification_type", "join_request");
        w.WriteNumber("group_id", Id(answer.GroupId));
        w.WriteBoolean("is_filtered", answer.Request.IsFiltered);
        if (withReason && !string.IsNullOrEmpty(answer.Reason))
        {
            w.WriteString("reason", answer.Reason);
        }
    });

    /// <summary><c>get_user_profile</c>: an applicant's profile (nickname).</summary>
    public static byte[] UserProfile(string userId) => Write(w => w.WriteNumber("user_id", Id(userId)));

    public static byte[] ForwardedMessages(string forwardId) => Write(w => w.WriteString("forward_id", forwardId));

    public static byte[] MemberInfo(string groupId, string userId, bool noCache) => Write(w =>
    {
        w.WriteNumber("group_id", Id(groupId));
        w.WriteNumber("user_id", Id(userId));
        w.WriteBoolean("no_cache", noCache);
    });

    /// <summary>A warning: a <c>mention</c> of the sender, then the reason as <c>text</c>.</summary>
    public static byte[] Warning(string groupId, string userId, string? reason) => Write(w =>
    {
        w.WriteNumber("group_id", Id(groupId));
        w.WriteStartArray("message");
        w.WriteStartObject();
        w.WriteString("type", "mention");
        w.WriteStartObject("data");
        w.WriteNumber("user_id", Id(userId));
        w.WriteEndObject();
        w.WriteEndObject();
        if (!string.IsNullOrWhiteSpace(reason))
        {
            w.WriteStartObject();
            w.WriteString("type", "text");
            w.WriteStartObject("data");
            w.WriteString("text", " " + reason.Trim());
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    /// <summary>Milky requires a JSON object even for an API without parameters.</summary>
    public static byte[] Empty { get; } = "{}"u8.ToArray();

    private static long Id(string value) => long.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static byte[] Write(Action<Utf8JsonWriter> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            properties(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
