using System.Buffers;
using System.Globalization;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;

namespace GroupGuard.OneBot.Actions;

/// <summary>
/// The JSON bodies of the calls, per docs/protocols.md. v11 ids go back as JSON numbers when they are
/// integers (NapCat's short message id, Lagrange's signed int32, QQ numbers), as strings otherwise;
/// v12 ids are always strings.
/// </summary>
internal static class ActionRequests
{
    /// <summary>A v12 bot: <c>self.platform</c> and <c>self.user_id</c> of the events it sends.</summary>
    public readonly record struct V12Self(string Platform, string UserId);

    /// <summary>QQ refuses mutes longer than 30 days; asking for one would only fail.</summary>
    public const int MaxMuteSeconds = 30 * 24 * 60 * 60;

    public static (string Action, byte[] Body) V11(PlatformAction action) => action.Action switch
    {
        ModerationAction.Recall => ("delete_msg", Write(w => WriteId(w, "message_id", action.MessageId))),
        ModerationAction.Mute => ("set_group_ban", Write(w =>
        {
            WriteId(w, "group_id", action.GroupId);
            WriteId(w, "user_id", action.UserId);
            w.WriteNumber("duration", Math.Min(action.MuteSeconds, MaxMuteSeconds));
        })),
        ModerationAction.Kick => ("set_group_kick", Write(w =>
        {
            WriteId(w, "group_id", action.GroupId);
            WriteId(w, "user_id", action.UserId);
            w.WriteBoolean("reject_add_request", false);
        })),
        _ => throw new ArgumentOutOfRangeException(nameof(action), action.Action, "not a single v11 call"),
    };

    /// <summary><c>set_group_ban</c> with duration 0: lifts the member's mute (the one call that may send 0).</summary>
    public static byte[] V11Unmute(string groupId, string userId) => Write(w =>
    {
        WriteId(w, "group_id", groupId);
        WriteId(w, "user_id", userId);
        w.WriteNumber("duration", 0);
    });

    public static byte[] V11GroupMessage(string groupId, string cqMessage) => Write(w =>
    {
        WriteId(w, "group_id", groupId);
        w.WriteString("message", cqMessage);
        // The mentions are CQ codes; the reasons were escaped as text.
        w.WriteBoolean("auto_escape", false);
    });

    /// <summary>A plain-text private message (digests to a leader's QQ): auto_escape, so nothing in it is read as a CQ code.</summary>
    public static byte[] V11PrivateMessage(string userId, string text) => Write(w =>
    {
        WriteId(w, "user_id", userId);
        w.WriteString("message", text);
        w.WriteBoolean("auto_escape", true);
    });

    /// <summary><c>get_image</c>: where a picture known by its file id alone can be fetched.</summary>
    public static byte[] V11Image(string file) => Write(w => w.WriteString("file", file));

    /// <summary>
    /// <c>get_forward_msg</c>: the id under both names, as a string (NapCat reads <c>message_id</c>
    /// or <c>id</c> and types both as strings; LuckyLilliaBot reads <c>id</c> or <c>message_id</c>;
    /// go-cqhttp named it <c>message_id</c>, earlier <c>id</c>).
    /// </summary>
    public static byte[] V11ForwardMessage(string forwardId) => Write(w =>
    {
        w.WriteString("message_id", forwardId);
        w.WriteString("id", forwardId);
    });

    /// <summary>
    /// <c>set_group_add_request</c>: the flag as the event gave it, <c>sub_type</c> and its older
    /// name <c>type</c> (go-cqhttp read <c>type</c>), and the reason only when turning away.
    /// </summary>
    public static byte[] V11JoinAnswer(Core.Members.JoinAnswer answer) => Write(w =>
    {
        w.WriteString("flag", answer.Request.Flag);
        w.WriteString("sub_type", "add");
        w.WriteString("type", "add");
        w.WriteBoolean("approve", answer.Approve);
        if (!answer.Approve && !string.IsNullOrEmpty(answer.Reason))
        {
            w.WriteString("reason", answer.Reason);
        }
    });

    /// <summary><c>get_stranger_info</c>: an applicant's profile (nickname), from the implementation's cache where it has one.</summary>
    public static byte[] V11StrangerInfo(string userId) => Write(w =>
    {
        WriteId(w, "user_id", userId);
        w.WriteBoolean("no_cache", false);
    });

    /// <summary><c>get_group_info</c>: the group's name, from the implementation's cache where it has one.</summary>
    public static byte[] V11GroupInfo(string groupId) => Write(w =>
    {
        WriteId(w, "group_id", groupId);
        w.WriteBoolean("no_cache", false);
    });

    /// <summary><c>get_group_member_info</c>: roles may come from the implementation's cache; checking an action's effect must not.</summary>
    public static byte[] V11MemberInfo(string groupId, string userId, bool noCache) => Write(w =>
    {
        WriteId(w, "group_id", groupId);
        WriteId(w, "user_id", userId);
        w.WriteBoolean("no_cache", noCache);
    });

    public static (string Action, byte[] Body) V12(PlatformAction action) => action.Action switch
    {
        ModerationAction.Recall => V12Call("delete_message", new V12Self(action.Platform, action.BotId), w => w.WriteString("message_id", action.MessageId)),
        ModerationAction.Kick => V12Call("wx.delete_groupmember", new V12Self(action.Platform, action.BotId), w =>
        {
            w.WriteString("group_id", action.GroupId);
            w.WriteStartArray("user_list");
            w.WriteStringValue(action.UserId);
            w.WriteEndArray();
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(action), action.Action, "not a single v12 call"),
    };

    public static byte[] V12GroupMessage(V12Self self, string groupId, IReadOnlyList<WarningMessage.Segment> segments) =>
        V12Call("send_message", self, w =>
        {
            w.WriteString("detail_type", "group");
            w.WriteString("group_id", groupId);
            w.WriteStartArray("message");
            foreach (var segment in segments)
            {
                w.WriteStartObject();
                w.WriteString("type", segment.Type);
                w.WriteStartObject("data");
                w.WriteString(segment.Type == WarningMessage.Mention ? "user_id" : "text", segment.Value);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }).Body;

    /// <summary><c>get_group_info</c> (interface/group/actions.md): the group's <c>group_name</c>.</summary>
    public static (string Action, byte[] Body) V12GroupInfo(V12Self self, string groupId) =>
        V12Call("get_group_info", self, w => w.WriteString("group_id", groupId));

    /// <summary><c>get_file</c> (interface/file/actions.md): the file of <paramref name="fileId"/>, as <c>url</c> or <c>data</c>.</summary>
    public static (string Action, byte[] Body) V12GetFile(V12Self self, string fileId, string type) => V12Call("get_file", self, w =>
    {
        w.WriteString("file_id", fileId);
        w.WriteString("type", type);
    });

    /// <summary>
    /// A v12 action request (connect/data-protocol/action-request.md): <c>action</c>, <c>params</c>
    /// and <c>self</c>, the bot that heard the message. The spec requires <c>self</c> where one
    /// implementation serves several accounts (else it answers 10101, "who am I", or acts as
    /// whichever account it picks); one that serves a single account ignores it.
    /// </summary>
    private static (string Action, byte[] Body) V12Call(string name, V12Self self, Action<Utf8JsonWriter> writeParams) => (name, Write(w =>
    {
        w.WriteString("action", name);
        w.WriteStartObject("params");
        writeParams(w);
        w.WriteEndObject();
        w.WriteStartObject("self");
        w.WriteString("platform", self.Platform);
        w.WriteString("user_id", self.UserId);
        w.WriteEndObject();
    }));

    private static void WriteId(Utf8JsonWriter writer, string name, string value)
    {
        // Only the canonical form goes out as a number, so "007" or "+5" reach the platform as sent.
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            && number.ToString(CultureInfo.InvariantCulture) == value)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
