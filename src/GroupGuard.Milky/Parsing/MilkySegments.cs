using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Forwards;

namespace GroupGuard.Milky.Parsing;

/// <summary>
/// What each Milky incoming segment (<c>{"type", "data"}</c>) contributes to a message: text,
/// mentions, the quoted message, images, and the words of cards and forwarded-chat previews.
/// </summary>
internal static class MilkySegments
{
    /// <summary>
    /// The answer's <c>data</c> to <c>get_forwarded_messages</c>: <c>messages</c>, each
    /// <c>{message_seq, sender_name, avatar_url, time, segments}</c> (no sender id), nested bundles
    /// as <c>forward</c> segments to open in turn. At most <see cref="ForwardLimits.MaxMessages"/>
    /// are kept; what cannot be read is skipped. Null when the answer holds no list of messages.
    /// </summary>
    public static ForwardOpenResult? ReadForwarded(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var read = new List<ForwardedMessage>();
        var cut = false;
        foreach (var item in messages.EnumerateArray())
        {
            if (read.Count == ForwardLimits.MaxMessages)
            {
                cut = true;
                break;
            }

            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var content = new MessageContent();
            try
            {
                if (item.TryGetProperty("segments", out var segments))
                {
                    Read(segments, content);
                }
            }
            catch (Exception ex) when (ex is MalformedMilkyEventException or OversizedMilkyEventException)
            {
                // Past a message's limits: what was read so far is moderated, the rest is not.
                cut = true;
            }

            var text = content.Text;
            if (text.Length > MessageLimits.MaxTextLength)
            {
                text = text[..MessageLimits.MaxTextLength];
                cut = true;
            }

            DateTimeOffset? time = null;
            try
            {
                time = item.TryGetProperty("time", out _) ? MilkyJson.RequireUnixSeconds(item, "time", "time") : null;
            }
            catch (MalformedMilkyEventException)
            {
                // A bundle's time is shown, never relied on.
            }

            read.Add(new ForwardedMessage
            {
                SenderName = MilkyJson.NonEmpty(item, "sender_name"),
                Time = time,
                Text = text,
                Cards = content.Cards,
                Images = content.Images,
                Forwards = content.Forwards,
            });
        }

        return ForwardOpenResult.Of(read, cut);
    }

    public static void Read(JsonElement segments, MessageContent content)
    {
        if (segments.ValueKind != JsonValueKind.Array)
        {
            throw new MalformedMilkyEventException("field 'data.segments' must be an array of segments");
        }

        foreach (var segment in segments.EnumerateArray())
        {
            content.CountSegment();
            if (segment.ValueKind != JsonValueKind.Object || MilkyJson.String(segment, "type") is not { Length: > 0 } type)
            {
                continue;
            }

            var data = MilkyJson.Object(segment, "data") ?? default;
            Apply(type, data, content);
        }
    }

    private static void Apply(string type, JsonElement data, MessageContent content)
    {
        switch (type)
        {
            case "text":
                content.AppendText(MilkyJson.String(data, "text"));
                break;
            case "mention":
                content.Mention(MilkyJson.OptionalId(data, "user_id"));
                break;
            case "mention_all":
                content.MentionEveryone();
                break;
            case "reply":
                // Only the quote's target: the quoted words are someone else's message, moderated on their own.
                content.Reply(MilkyJson.OptionalId(data, "message_seq"));
                break;
            case "image":
                var url = MilkyJson.NonEmpty(data, "temp_url");
                if ((MilkyJson.NonEmpty(data, "resource_id") ?? url) is { } file)
                {
                    content.AddImage(new ImageRef(file, url, MilkyJson.NonEmpty(data, "summary")));
                }

                break;
            case "light_app":
                content.AddCard(Cards.FromArk(type, MilkyJson.String(data, "json_payload"), MilkyJson.NonEmpty(data, "app_name")));
                break;
            case "xml":
                content.AddCard(Cards.FromXml(type, MilkyJson.String(data, "xml_payload")));
                break;
            case "forward":
                // A forwarded chat shows its title and up to four preview lines in the group: ads travel this way.
                content.AddCard(new CardContent(type, MilkyJson.NonEmpty(data, "title"), ForwardPreview(data), null));
                content.AddForward(MilkyJson.NonEmpty(data, "forward_id"));
                break;
            case "markdown":
                // Milky 1.3: a markdown message's source, all the group reads of it (LuckyLilliaBot
                // sends a message that has one as this segment alone).
                content.AppendText(MilkyJson.String(data, "content"));
                break;
            case "file":
                // A group file shows its name in the chat.
                if (MilkyJson.NonEmpty(data, "file_name") is { } fileName)
                {
                    content.AddCard(new CardContent(type, fileName, null, null));
                }

                break;
            default:
                // face, market_face, record, video and types of later versions: no text to read.
                break;
        }
    }

    private static string? ForwardPreview(JsonElement data)
    {
        var lines = new List<string>();
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("preview", out var preview) && preview.ValueKind == JsonValueKind.Array)
        {
            foreach (var line in preview.EnumerateArray())
            {
                if (line.ValueKind == JsonValueKind.String && line.GetString() is { Length: > 0 } text)
                {
                    lines.Add(text);
                }
            }
        }

        if (MilkyJson.NonEmpty(data, "summary") is { } summary)
        {
            lines.Add(summary);
        }

        return lines.Count == 0 ? null : string.Join('\n', lines);
    }
}
