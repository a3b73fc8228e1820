using System.Text.Json;
using GroupGuard.Core;

namespace GroupGuard.Milky.Parsing;

/// <summary>
/// What each Milky incoming segment (<c>{"type", "data"}</c>) contributes to a message: text,
/// mentions, the quoted message, images, and the words of cards and forwarded-chat previews.
/// </summary>
internal static class MilkySegments
{
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
                break;
            default:
                // face, market_face, record, video, file and types of later versions: no text to read.
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
