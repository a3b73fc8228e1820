using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.OneBot.Parsing;

namespace GroupGuard.OneBot.V11;

/// <summary>What each v11 segment type contributes to a message; unknown types contribute nothing.</summary>
internal static class V11Segments
{
    /// <summary>Reads a v11 <c>message</c> array: <c>[{"type":"text","data":{"text":"…"}},…]</c>.</summary>
    public static void ReadArray(JsonElement segments, MessageAccumulator message)
    {
        foreach (var segment in segments.EnumerateArray())
        {
            message.CountSegment();
            ReadOne(segment, message);
        }
    }

    /// <summary>One segment object; anything that is not <c>{"type":…}</c> is skipped.</summary>
    public static void ReadOne(JsonElement segment, MessageAccumulator message)
    {
        if (segment.ValueKind != JsonValueKind.Object || JsonFields.GetString(segment, "type") is not { Length: > 0 } type)
        {
            return;
        }

        var data = segment.TryGetProperty("data", out var d) ? d : default;
        Apply(type, new JsonSegmentData(data), message);
    }

    /// <summary>
    /// A file's name as the group sees it: the last part of what may be a path or a <c>file://</c>
    /// link (an implementation that gives its local copy); null when nothing is left.
    /// </summary>
    private static string? FileName(string? file)
    {
        if (file is null)
        {
            return null;
        }

        var name = file[(file.LastIndexOfAny(['/', '\\']) + 1)..];
        return name.Length > 0 ? name : null;
    }

    public static void Apply<TData>(string type, TData data, MessageAccumulator message)
        where TData : ISegmentData
    {
        switch (type)
        {
            case "text":
                message.AppendText(data.Get("text"));
                break;
            case "at":
                var qq = data.GetNonEmpty("qq");
                if (string.Equals(qq, "all", StringComparison.OrdinalIgnoreCase))
                {
                    message.MentionEveryone();
                }
                else
                {
                    message.Mention(qq);
                }

                break;
            case "reply":
                message.Reply(data.GetNonEmpty("id"));
                break;
            case "image":
                var url = data.GetNonEmpty("url");
                var file = data.GetNonEmpty("file") ?? url;
                if (file is not null)
                {
                    message.AddImage(new ImageRef(file, url, data.GetNonEmpty("summary")));
                }

                break;
            case "json":
                message.AddCard(CardReader.FromArkJson("json", data.Get("data")));
                break;
            case "xml":
                message.AddCard(CardReader.FromStructXml("xml", data.Get("data")));
                break;
            case "share":
                message.AddCard(new CardContent("share", data.GetNonEmpty("title"), data.GetNonEmpty("content"), data.GetNonEmpty("url")));
                break;
            case "forward":
                // A forwarded chat: opened and moderated with the message (its content when carried inline).
                if (V11Forwards.Segment(data.GetNonEmpty("id"), data is JsonSegmentData json ? json.Element("content") : null, message) is { } forward)
                {
                    message.AddForward(forward);
                }

                break;
            case "music" when data.Get("type") == "custom":
                // A custom music card is a free-form link card with a title of the sender's choosing.
                message.AddCard(new CardContent("music", data.GetNonEmpty("title"), data.GetNonEmpty("content"), data.GetNonEmpty("url")));
                break;
            case "markdown":
                // A markdown message's source, all the group reads of it (NapCat and LuckyLilliaBot
                // report one as {content}; NapCat's send_group_msg posts one, so another account's
                // bot can advertise this way).
                message.AppendText(data.Get("content"));
                break;
            case "file":
                // A group file shows its name in the chat: NapCat and LuckyLilliaBot give it as `file`
                // (the name of a file received), Lagrange.OneBot as `filename`.
                if (FileName(data.GetNonEmpty("name") ?? data.GetNonEmpty("filename") ?? data.GetNonEmpty("file")) is { } fileName)
                {
                    message.AddCard(new CardContent("file", fileName, null, null));
                }

                break;
            default:
                // face, mface, record, video, poke, dice, rps, contact, location, platform
                // music and whatever an implementation adds next: no text to read.
                break;
        }
    }
}
