using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.OneBot.Parsing;

namespace GroupGuard.OneBot.V12;

/// <summary>What each v12 segment type contributes; <c>wx.*</c> are ComWeChat's WeChat extensions.</summary>
internal static class V12Segments
{
    public static void ReadArray(JsonElement segments, MessageAccumulator message)
    {
        foreach (var segment in segments.EnumerateArray())
        {
            message.CountSegment();
            if (segment.ValueKind != JsonValueKind.Object || JsonFields.GetString(segment, "type") is not { Length: > 0 } type)
            {
                continue;
            }

            var data = new JsonSegmentData(segment.TryGetProperty("data", out var d) ? d : default);
            Apply(type, data, message);
        }
    }

    private static void Apply(string type, JsonSegmentData data, MessageAccumulator message)
    {
        switch (type)
        {
            case "text":
                message.AppendText(data.Get("text"));
                break;
            case "mention":
                message.Mention(data.GetNonEmpty("user_id"));
                break;
            case "mention_all":
                message.MentionEveryone();
                break;
            case "reply":
                message.Reply(data.GetNonEmpty("message_id"));
                break;
            case "image":
            case "wx.emoji":
                var url = data.GetNonEmpty("url");
                if ((data.GetNonEmpty("file_id") ?? url) is { } file)
                {
                    message.AddImage(new ImageRef(file, url, null));
                }

                break;
            case "wx.link":
                message.AddCard(new CardContent(type, data.GetNonEmpty("title"), data.GetNonEmpty("des"), data.GetNonEmpty("url")));
                break;
            case "wx.app":
                message.AddCard(new CardContent(type, data.GetNonEmpty("title"), null, data.GetNonEmpty("url")));
                break;
            default:
                // voice, audio, video, file, location and unknown extensions: no text to read.
                break;
        }
    }
}
