using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.OneBot.Parsing;

namespace GroupGuard.OneBot.V12;

/// <summary>Classifies one OneBot v12 event and reads group messages into <see cref="ChatMessage"/>.</summary>
internal static class V12EventReader
{
    public const Core.Protocol Protocol = Core.Protocol.OneBotV12;

    public static InboundEvent Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedEventException("body is not a JSON object");
        }

        var type = JsonFields.RequireString(root, "type");
        var detailType = JsonFields.GetString(root, "detail_type");
        var detail = EventDetail.Of(root, type, detailType);
        var self = SelfOf(root);

        if (type == "message")
        {
            if (string.IsNullOrEmpty(detailType))
            {
                throw new MalformedEventException("missing field 'detail_type'");
            }

            if (detailType != "group")
            {
                return new InboundEvent(InboundEventKind.Ignored, Protocol, self.UserId, null, detail);
            }

            var message = ReadGroupMessage(root, self);
            var kind = message.UserId == message.BotId ? InboundEventKind.OwnMessage : InboundEventKind.GroupMessage;
            return new InboundEvent(kind, Protocol, message.BotId, message, detail);
        }

        var eventKind = type == "meta" ? InboundEventKind.Meta : InboundEventKind.Ignored;
        return new InboundEvent(eventKind, Protocol, self.UserId, null, detail);
    }

    private static ChatMessage ReadGroupMessage(JsonElement root, Self self)
    {
        var botId = self.UserId ?? throw new MalformedEventException("missing field 'self.user_id'");
        var platform = self.Platform ?? throw new MalformedEventException("missing field 'self.platform'");
        var groupId = JsonFields.RequireId(root, "group_id");
        var userId = JsonFields.RequireId(root, "user_id");
        var messageId = JsonFields.RequireId(root, "message_id");
        var time = JsonFields.RequireUnixTime(root, "time");

        var content = new MessageAccumulator();
        if (root.TryGetProperty("message", out var message) && message.ValueKind != JsonValueKind.Null)
        {
            switch (message.ValueKind)
            {
                case JsonValueKind.Array:
                    V12Segments.ReadArray(message, content);
                    break;
                case JsonValueKind.String:
                    // Not v12, but some bridges send plain text here; it is not CQ-encoded.
                    content.AppendText(message.GetString());
                    break;
                default:
                    throw new MalformedEventException("field 'message' must be an array of segments");
            }
        }
        else if (JsonFields.GetString(root, "alt_message") is { } alt)
        {
            content.AppendText(alt);
        }
        else
        {
            throw new MalformedEventException("missing field 'message' (and no 'alt_message')");
        }

        return new ChatMessage
        {
            Platform = platform,
            Protocol = Protocol,
            BotId = botId,
            GroupId = groupId,
            // Not in the v12 standard; Walle-Q and similar implementations add them.
            GroupName = JsonFields.GetNonEmptyString(root, "group_name"),
            UserId = userId,
            SenderRole = SenderRole.Unknown,
            SenderName = JsonFields.GetNonEmptyString(root, "user_card") ?? JsonFields.GetNonEmptyString(root, "user_name"),
            MessageId = messageId,
            Time = time,
            Text = content.Text,
            Mentions = content.Mentions,
            MentionsAll = content.MentionsAll,
            ReplyTo = content.ReplyTo,
            Images = content.Images,
            Cards = content.Cards,
        };
    }

    /// <summary>
    /// <c>self{platform,user_id}</c> of v12; the drafts before it put <c>platform</c> and
    /// <c>self_id</c> at the top level, and some implementations still do.
    /// </summary>
    private static Self SelfOf(JsonElement root)
    {
        string? platform = null, userId = null;
        if (JsonFields.GetObject(root, "self") is { } self)
        {
            platform = PlatformOf(self, "platform", "self.platform");
            userId = JsonFields.TryGetId(self, "user_id", "self.user_id");
        }

        platform ??= PlatformOf(root, "platform", "platform");
        userId ??= JsonFields.TryGetId(root, "self_id");
        return new Self(platform?.ToLowerInvariant(), userId);
    }

    /// <summary>
    /// The platform's name, free text in v12 (<c>wechat</c>, <c>telegram</c>), held to the bounds of
    /// an id (<see cref="MessageLimits.MaxPlatformLength"/>): it is stored with every incident and
    /// message count, where a NUL or a name of thousands of characters failed every write.
    /// </summary>
    private static string? PlatformOf(JsonElement obj, string name, string path)
    {
        var platform = JsonFields.GetNonEmptyString(obj, name);
        return platform is not null && MessageLimits.IdProblem(path, platform, MessageLimits.MaxPlatformLength) is { } problem
            ? throw new MalformedEventException(problem)
            : platform;
    }

    private readonly record struct Self(string? Platform, string? UserId);
}
