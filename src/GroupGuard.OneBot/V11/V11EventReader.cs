using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.OneBot.Parsing;

namespace GroupGuard.OneBot.V11;

/// <summary>Classifies one OneBot v11 event and reads group messages into <see cref="ChatMessage"/>.</summary>
internal static class V11EventReader
{
    public const Core.Protocol Protocol = Core.Protocol.OneBotV11;
    public const string Platform = "qq";

    public static InboundEvent Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedEventException("body is not a JSON object");
        }

        var postType = JsonFields.RequireString(root, "post_type");
        var botId = JsonFields.TryGetId(root, "self_id");
        switch (postType)
        {
            case "message":
            {
                var messageType = JsonFields.RequireString(root, "message_type");
                var detail = EventDetail.Of(root, postType, messageType);
                if (messageType != "group")
                {
                    return new InboundEvent(InboundEventKind.Ignored, Protocol, botId, null, detail);
                }

                var message = ReadGroupMessage(root);
                var kind = message.UserId == message.BotId ? InboundEventKind.OwnMessage : InboundEventKind.GroupMessage;
                return new InboundEvent(kind, Protocol, message.BotId, message, detail);
            }

            case "message_sent":
            {
                // The bot's own messages (NapCat, LLOneBot): never moderated, whatever they say.
                var messageType = JsonFields.GetString(root, "message_type");
                var message = messageType == "group" ? ReadGroupMessage(root) : null;
                return new InboundEvent(InboundEventKind.OwnMessage, Protocol, botId, message, EventDetail.Of(root, postType, messageType));
            }

            case "meta_event":
                return new InboundEvent(InboundEventKind.Meta, Protocol, botId, null, EventDetail.Of(root, postType, JsonFields.GetString(root, "meta_event_type")));
            case "notice":
            {
                var noticeType = JsonFields.GetString(root, "notice_type");
                return new InboundEvent(InboundEventKind.Ignored, Protocol, botId, null, EventDetail.Of(root, postType, noticeType))
                {
                    Joined = noticeType == "group_increase" ? JoinOf(root) : null,
                };
            }

            case "request":
            {
                var requestType = JsonFields.GetString(root, "request_type");
                var detail = EventDetail.Of(root, postType, requestType);

                // A request to join a group; an invitation of the bot itself (sub_type invite) is not GroupGuard's to answer.
                if (requestType == "group" && JsonFields.GetString(root, "sub_type") == "add")
                {
                    return new InboundEvent(InboundEventKind.JoinRequest, Protocol, botId, ReadJoinRequest(root), detail);
                }

                return new InboundEvent(InboundEventKind.Ignored, Protocol, botId, null, detail);
            }

            default:
                return new InboundEvent(InboundEventKind.Ignored, Protocol, botId, null, postType);
        }
    }

    /// <summary>A <c>group_increase</c> notice's member, group and time; null when one is missing (the notice is still ignored quietly).</summary>
    private static Core.Members.MemberJoined? JoinOf(JsonElement root)
    {
        var groupId = JsonFields.TryGetId(root, "group_id");
        var userId = JsonFields.TryGetId(root, "user_id");
        if (groupId is null || userId is null)
        {
            return null;
        }

        try
        {
            return new Core.Members.MemberJoined(Platform, groupId, userId, JsonFields.RequireUnixTime(root, "time"));
        }
        catch (MalformedEventException)
        {
            return null;
        }
    }

    /// <summary>
    /// A <c>request.group.add</c> as a message to screen: the applicant, the comment (CQ escapes
    /// undone; QQ writes the answer to the group's question as <c>问题：…\n答案：…</c>), and the
    /// <c>flag</c> that <c>set_group_add_request</c> needs. The request's time is its own.
    /// </summary>
    internal static ChatMessage ReadJoinRequest(JsonElement root)
    {
        // NapCat writes the flag as a string, some implementations as a number.
        var flag = root.TryGetProperty("flag", out var value) ? JsonFields.IdOf(value) : null;
        if (flag is null || flag.Length > OneBotLimits.MaxFlagLength)
        {
            throw new MalformedEventException($"field 'flag' must be a string or number of 1 to {OneBotLimits.MaxFlagLength} characters");
        }

        var comment = JsonFields.GetString(root, "comment") ?? "";
        if (comment.Length > OneBotLimits.MaxTextLength)
        {
            throw new OversizedEventException($"comment is longer than {OneBotLimits.MaxTextLength} characters");
        }

        return new ChatMessage
        {
            Platform = Platform,
            Protocol = Protocol,
            BotId = JsonFields.RequireId(root, "self_id"),
            GroupId = JsonFields.RequireId(root, "group_id"),
            UserId = JsonFields.RequireId(root, "user_id"),
            MessageId = flag,
            Time = JsonFields.RequireUnixTime(root, "time"),
            Text = CqCode.Unescape(comment, inParameter: false),
            JoinRequest = new Core.Members.JoinRequestInfo(flag),
        };
    }

    internal static ChatMessage ReadGroupMessage(JsonElement root)
    {
        var botId = JsonFields.RequireId(root, "self_id");
        var groupId = JsonFields.RequireId(root, "group_id");
        var userId = JsonFields.RequireId(root, "user_id");
        var messageId = JsonFields.RequireId(root, "message_id");
        var time = JsonFields.RequireUnixTime(root, "time");

        var content = new MessageAccumulator();
        ReadContent(root, content);

        var sender = JsonFields.GetObject(root, "sender");
        return new ChatMessage
        {
            Platform = Platform,
            Protocol = Protocol,
            BotId = botId,
            GroupId = groupId,
            GroupName = JsonFields.GetNonEmptyString(root, "group_name"),
            UserId = userId,
            SenderRole = sender is { } s ? RoleOf(JsonFields.GetString(s, "role")) : SenderRole.Unknown,
            SenderName = SenderNameOf(root, sender),
            MessageId = messageId,
            GroupSequence = GroupSequenceOf(root, messageId),
            Time = time,
            Text = content.Text,
            Mentions = content.Mentions,
            MentionsAll = content.MentionsAll,
            ReplyTo = content.ReplyTo,
            Images = content.Images,
            Cards = content.Cards,
            Forwards = content.Forwards,
        };
    }

    /// <summary>
    /// The group's sequence number of the message, the same for every account in the group:
    /// NapCat's <c>real_seq</c>; else <c>message_seq</c> where it is not the account's own
    /// <c>message_id</c> again (LuckyLilliaBot sends QQ's msgSeq there, while later NapCat versions
    /// repeat the id). Null when neither says, or not as a plain number: it only tells copies apart.
    /// </summary>
    private static string? GroupSequenceOf(JsonElement root, string messageId) =>
        Sequence(root, "real_seq") ?? (Sequence(root, "message_seq") is { } sequence && sequence != messageId ? sequence : null);

    private static string? Sequence(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && JsonFields.IdOf(value) is { Length: <= 20 } sequence
            && sequence.All(char.IsAsciiDigit) && sequence.Any(c => c != '0')
            ? sequence
            : null;

    /// <summary>
    /// <c>message</c> is a segment array or a CQ string, per the implementation's post format;
    /// <c>raw_message</c> (always a CQ string) stands in when <c>message</c> is missing.
    /// </summary>
    private static void ReadContent(JsonElement root, MessageAccumulator content)
    {
        if (root.TryGetProperty("message", out var message) && message.ValueKind != JsonValueKind.Null)
        {
            switch (message.ValueKind)
            {
                case JsonValueKind.Array:
                    V11Segments.ReadArray(message, content);
                    return;
                case JsonValueKind.String:
                    CqCode.Parse(message.GetString()!, content);
                    return;
                case JsonValueKind.Object:
                    V11Segments.ReadOne(message, content);
                    return;
                default:
                    throw new MalformedEventException("field 'message' must be a CQ string or an array of segments");
            }
        }

        if (root.TryGetProperty("raw_message", out var raw) && raw.ValueKind == JsonValueKind.String)
        {
            CqCode.Parse(raw.GetString()!, content);
            return;
        }

        throw new MalformedEventException("missing field 'message' (and no 'raw_message')");
    }

    private static string? SenderNameOf(JsonElement root, JsonElement? sender)
    {
        if (JsonFields.GetObject(root, "anonymous") is { } anonymous
            && JsonFields.GetNonEmptyString(anonymous, "name") is { } anonymousName)
        {
            return anonymousName;
        }

        return sender is { } s
            ? JsonFields.GetNonEmptyString(s, "card") ?? JsonFields.GetNonEmptyString(s, "nickname")
            : null;
    }

    private static SenderRole RoleOf(string? role) => role?.ToLowerInvariant() switch
    {
        "owner" => SenderRole.Owner,
        "admin" => SenderRole.Admin,
        "member" => SenderRole.Member,
        _ => SenderRole.Unknown,
    };
}
