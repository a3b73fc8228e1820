using System.Text.Json;
using GroupGuard.Core;

namespace GroupGuard.Milky.Parsing;

/// <summary>
/// Classifies one Milky event (<c>{time, self_id, event_type, data}</c>) and reads a group
/// <c>message_receive</c> into a <see cref="ChatMessage"/>: platform <c>qq</c>, the group's
/// <c>message_seq</c> as the message id, the sender's role and name from <c>group_member</c>, and
/// its <c>join_time</c> as the sender's join (<see cref="InboundEvent.Joined"/>), as a
/// <c>group_member_increase</c> gives the new member's.
/// </summary>
internal static class MilkyEventReader
{
    public const string Platform = "qq";

    public static InboundEvent Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedMilkyEventException("body is not a JSON object");
        }

        var eventType = MilkyJson.RequireString(root, "event_type", "event_type");
        var botId = MilkyJson.RequireId(root, "self_id", "self_id");
        var detail = Cut(eventType);
        switch (eventType)
        {
            case "message_receive":
            {
                var data = MilkyJson.RequireObject(root, "data", "data");
                var scene = MilkyJson.RequireString(data, "message_scene", "data.message_scene");
                detail = $"{detail}.{Cut(scene)}";
                if (scene != "group")
                {
                    return new InboundEvent(InboundEventKind.Ignored, Protocol.Milky, botId, null, detail);
                }

                var message = ReadGroupMessage(botId, data);
                // LuckyLilliaBot reports the bot's own messages when asked to: never moderate them.
                var kind = message.UserId == botId ? InboundEventKind.OwnMessage : InboundEventKind.GroupMessage;
                return new InboundEvent(kind, Protocol.Milky, botId, message, detail)
                {
                    // The spec's GroupMemberEntity always carries join_time: newcomer rules need no lookup.
                    Joined = MilkyJson.Object(data, "group_member") is { } member && MilkyJson.OptionalUnixSeconds(member, "join_time") is { } joined
                        ? new Core.Members.MemberJoined(Platform, message.GroupId, message.UserId, joined)
                        : null,
                };
            }

            case "group_member_increase":
                return new InboundEvent(InboundEventKind.Ignored, Protocol.Milky, botId, null, detail) { Joined = JoinOf(root) };

            case "group_join_request":
                return new InboundEvent(InboundEventKind.JoinRequest, Protocol.Milky, botId, ReadJoinRequest(root, botId), detail);
            case "bot_offline":
                // Lifecycle: the implementation is there, but its account is logged out (OfflineReason).
                return new InboundEvent(InboundEventKind.Meta, Protocol.Milky, botId, null, detail);
            default:
                return new InboundEvent(InboundEventKind.Ignored, Protocol.Milky, botId, null, detail);
        }
    }

    /// <summary>
    /// A <c>group_member_increase</c>'s member (<c>data.user_id</c>), group (<c>data.group_id</c>) and
    /// time (the event's); null when one is missing or odd: the notice is still taken, quietly.
    /// </summary>
    private static Core.Members.MemberJoined? JoinOf(JsonElement root)
    {
        var data = MilkyJson.Object(root, "data");
        return data is { } d
               && MilkyJson.OptionalId(d, "group_id") is { } groupId
               && MilkyJson.OptionalId(d, "user_id") is { } userId
               && MilkyJson.OptionalUnixSeconds(root, "time") is { } at
            ? new Core.Members.MemberJoined(Platform, groupId, userId, at)
            : null;
    }

    /// <summary>
    /// A <c>group_join_request</c> as a message to screen: <c>initiator_id</c> applies to
    /// <c>group_id</c> with <c>comment</c>; <c>notification_seq</c> (and <c>is_filtered</c>) are what
    /// <c>accept_group_request</c>/<c>reject_group_request</c> need back. The time is the event's.
    /// </summary>
    private static ChatMessage ReadJoinRequest(JsonElement root, string botId)
    {
        var data = MilkyJson.RequireObject(root, "data", "data");
        var sequence = MilkyJson.RequireId(data, "notification_seq", "data.notification_seq");
        var comment = MilkyJson.String(data, "comment") ?? "";
        if (comment.Length > MilkyLimits.MaxTextLength)
        {
            throw new OversizedMilkyEventException($"data.comment is longer than {MilkyLimits.MaxTextLength} characters");
        }

        return new ChatMessage
        {
            Platform = Platform,
            Protocol = Protocol.Milky,
            BotId = botId,
            GroupId = MilkyJson.RequireId(data, "group_id", "data.group_id"),
            UserId = MilkyJson.RequireId(data, "initiator_id", "data.initiator_id"),
            MessageId = sequence,
            Time = MilkyJson.RequireUnixSeconds(root, "time", "time"),
            Text = comment,
            JoinRequest = new Core.Members.JoinRequestInfo(sequence, data.TryGetProperty("is_filtered", out var filtered) && filtered.ValueKind == JsonValueKind.True),
        };
    }

    private static ChatMessage ReadGroupMessage(string botId, JsonElement data)
    {
        var groupId = MilkyJson.RequireId(data, "peer_id", "data.peer_id");
        var messageSeq = MilkyJson.RequireId(data, "message_seq", "data.message_seq");
        var senderId = MilkyJson.RequireId(data, "sender_id", "data.sender_id");
        var time = MilkyJson.RequireUnixSeconds(data, "time", "data.time");
        if (!data.TryGetProperty("segments", out var segments) || segments.ValueKind == JsonValueKind.Null)
        {
            throw new MalformedMilkyEventException("missing field 'data.segments'");
        }

        var content = new MessageContent();
        MilkySegments.Read(segments, content);

        var member = MilkyJson.Object(data, "group_member");
        return new ChatMessage
        {
            Platform = Platform,
            Protocol = Protocol.Milky,
            BotId = botId,
            GroupId = groupId,
            GroupName = MilkyJson.Object(data, "group") is { } group ? MilkyJson.NonEmpty(group, "group_name") : null,
            UserId = senderId,
            SenderRole = member is { } m ? RoleOf(MilkyJson.String(m, "role")) : SenderRole.Unknown,
            SenderName = member is { } n ? MilkyJson.NonEmpty(n, "card") ?? MilkyJson.NonEmpty(n, "nickname") : null,
            MessageId = messageSeq,
            GroupSequence = messageSeq,
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

    /// <summary>A <c>bot_offline</c> reason kept at most: real ones are a short sentence.</summary>
    public const int MaxReasonLength = 200;

    /// <summary>
    /// For a <c>bot_offline</c> event, its <c>data.reason</c> (control characters made spaces, cut
    /// at <see cref="MaxReasonLength"/>), or "no reason given"; null for any other event.
    /// </summary>
    public static string? OfflineReason(JsonElement root)
    {
        if (MilkyJson.String(root, "event_type") != "bot_offline")
        {
            return null;
        }

        var reason = MilkyJson.Object(root, "data") is { } data ? MilkyJson.String(data, "reason")?.Trim() : null;
        if (string.IsNullOrEmpty(reason))
        {
            return "no reason given";
        }

        var length = reason.Length <= MaxReasonLength ? reason.Length
            : char.IsHighSurrogate(reason[MaxReasonLength - 1]) ? MaxReasonLength - 1 : MaxReasonLength;
        var kept = string.Create(length, reason, static (span, text) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(text[i]) ? ' ' : text[i];
            }
        });
        return length < reason.Length ? kept + "…" : kept;
    }

    public static SenderRole RoleOf(string? role) => role switch
    {
        "owner" => SenderRole.Owner,
        "admin" => SenderRole.Admin,
        "member" => SenderRole.Member,
        _ => SenderRole.Unknown,
    };

    /// <summary>Real type names are a word or two; a sender's long one is cut so logs stay readable.</summary>
    private static string Cut(string part) => part.Length <= 32 ? part : string.Concat(part.AsSpan(0, 32), "…");
}
