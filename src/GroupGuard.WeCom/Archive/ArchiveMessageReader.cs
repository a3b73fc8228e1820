using System.Text;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Forwards;

namespace GroupGuard.WeCom.Archive;

/// <summary>What one decrypted archive record became.</summary>
internal enum ArchiveRecordKind
{
    /// <summary>A message in a group chat (it has a <c>roomid</c>): moderated.</summary>
    GroupMessage,

    /// <summary>A one-to-one chat, a recall notice, an identity switch: nothing to moderate.</summary>
    NotGroup,

    /// <summary>Plaintext that is not a message this reader can take (broken, too large, too old): skipped and counted.</summary>
    Unreadable,
}

/// <summary>One decrypted record read: the message for a group record, else why not.</summary>
internal sealed record ArchiveRecord(ArchiveRecordKind Kind, ChatMessage? Message, string Detail);

/// <summary>
/// Turns the plaintext of a chat-archive record (what <c>DecryptData</c> gives) into a
/// <see cref="ChatMessage"/> on platform <c>wecom</c>: the room is the group, <c>from</c> the
/// sender, <c>msgid</c> the message id, <c>msgtime</c> (milliseconds) its time. Text, markdown, link
/// and mini-program cards, news, mixed messages, chat records (合并转发, carried inline as a
/// forwarded bundle), files and 微盘 files, locations, contact cards, online documents, 视频号 posts,
/// to-dos, votes, forms (填表), red packets' wishes, calendar events and meeting invitations give
/// text or cards; pictures and stickers give an <see cref="ImageRef"/> whose file is the SDK's
/// <c>sdkfileid</c>. Pure and bounded: never throws on any input.
/// </summary>
internal static class ArchiveMessageReader
{
    /// <summary>The platform name of every archived message.</summary>
    public const string Platform = "wecom";

    /// <summary>Plaintext bytes read per record; WeCom's largest messages are far smaller.</summary>
    public const int MaxPlaintextBytes = 1024 * 1024;

    /// <summary>Items read from a mixed message, a news message or a chat record.</summary>
    public const int MaxItems = 200;

    private static readonly JsonDocumentOptions Json = new() { MaxDepth = 16 };

    /// <summary>The cursor source of a corporation's archive: <c>wecom:CORPID</c>.</summary>
    public static string Source(string corpId) => "wecom:" + corpId;

    /// <summary>
    /// Reads <paramref name="plaintext"/>, record number <paramref name="seq"/> of
    /// <paramref name="corpId"/>'s archive, against the server clock <paramref name="now"/>.
    /// </summary>
    public static ArchiveRecord Read(string plaintext, string corpId, long seq, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(corpId);
        if (Encoding.UTF8.GetByteCount(plaintext) > MaxPlaintextBytes)
        {
            return Unreadable($"record {seq}: over {MaxPlaintextBytes} bytes of plaintext");
        }

        try
        {
            // Half an emoji (a lone \ud83d escape) is read as �, not left to make the record unreadable.
            using var document = JsonDocument.Parse(JsonSurrogates.Mended(plaintext), Json);
            return Read(document.RootElement, corpId, seq, now);
        }
        catch (JsonException ex)
        {
            return Unreadable($"record {seq}: not JSON (line {ex.LineNumber}, byte {ex.BytePositionInLine})");
        }
        catch (InvalidOperationException ex) when (JsonProblem.Of(ex) is { } reason)
        {
            // A string the reader took that is no text (half emoji are mended above; this is the
            // guard for anything else): had it escaped, the pull would stop at this record and start
            // again at it forever.
            return Unreadable($"record {seq}: {reason}");
        }
    }

    private static ArchiveRecord Read(JsonElement root, string corpId, long seq, DateTimeOffset now)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Unreadable($"record {seq}: not a JSON object");
        }

        var action = String(root, "action");
        var type = String(root, "msgtype") ?? "";
        var room = String(root, "roomid");
        if (action is not null and not "send")
        {
            return new ArchiveRecord(ArchiveRecordKind.NotGroup, null, $"record {seq}: action {Cut(action, 32)}");
        }

        if (string.IsNullOrEmpty(room))
        {
            return new ArchiveRecord(ArchiveRecordKind.NotGroup, null, $"record {seq}: not in a group chat");
        }

        var id = String(root, "msgid");
        var from = String(root, "from");
        if (!IsId("msgid", id, out var idProblem) || !IsId("from", from, out idProblem) || !IsId("roomid", room, out idProblem))
        {
            return Unreadable($"record {seq}: {idProblem}");
        }

        if (!root.TryGetProperty("msgtime", out var timeElement) || timeElement.ValueKind != JsonValueKind.Number || !timeElement.TryGetInt64(out var millis)
            || millis <= 0 || millis > 253_402_300_799_000)
        {
            return Unreadable($"record {seq}: no msgtime");
        }

        var time = DateTimeOffset.FromUnixTimeMilliseconds(millis);
        if (MessageLimits.TimeProblem("msgtime", time, now) is { } problem)
        {
            return Unreadable($"record {seq}: {problem}");
        }

        var content = new Content();
        content.Add(type, root.TryGetProperty(ContentProperty(type), out var body) ? body : default, depth: 0);
        var message = new ChatMessage
        {
            Platform = Platform,
            Protocol = Protocol.WeComArchive,
            BotId = corpId,
            GroupId = room,
            UserId = from,
            MessageId = id,
            Time = time,
            Text = content.Text(),
            Images = content.Images,
            Cards = content.Cards,
            Forwards = content.Forwards,
            Cursor = new SourceCursor(Source(corpId), seq),
        };

        return MessageLimits.ScanLength(message) > MessageLimits.MaxTextLength
            ? Unreadable($"record {seq}: text over {MessageLimits.MaxTextLength} characters")
            : new ArchiveRecord(ArchiveRecordKind.GroupMessage, message, $"record {seq}: {Cut(type, 32)}");
    }

    /// <summary>
    /// Where a message type keeps its content, as WeCom documents it: markdown, news and 微盘 files
    /// under <c>info</c>, an online document under <c>doc</c>, a 互通 red packet under
    /// <c>redpacket</c>, the rest under their type's name.
    /// </summary>
    private static string ContentProperty(string type) => type switch
    {
        "markdown" or "news" or "qydiskfile" => "info",
        "docmsg" => "doc",
        "external_redpacket" => "redpacket",
        _ => type,
    };

    /// <summary>What a message's items add up to, as the rules and the picture reader will see it.</summary>
    private sealed class Content
    {
        private readonly StringBuilder _text = new();
        private int _items;

        public List<ImageRef> Images { get; } = [];

        public List<CardContent> Cards { get; } = [];

        public List<ForwardRef> Forwards { get; } = [];

        public string Text() => _text.ToString();

        public void Add(string type, JsonElement body, int depth)
        {
            if (++_items > MaxItems || body.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            switch (type)
            {
                case "text":
                case "markdown":
                    Line(String(body, "content"));
                    break;
                case "link":
                    Card("link", String(body, "title"), String(body, "description"), String(body, "link_url"));
                    break;
                case "weapp":
                    Card("weapp", String(body, "title"), String(body, "description"), null);
                    Line(String(body, "displayname"));
                    break;
                case "news":
                    foreach (var item in Items(body, "item"))
                    {
                        Card("news", String(item, "title"), String(item, "description"), String(item, "url"));
                    }

                    break;
                case "card":
                    Card("card", String(body, "corpname"), String(body, "userid"), null);
                    break;
                case "location":
                    Line(Join(String(body, "title"), String(body, "address")));
                    break;
                case "file":
                case "qydiskfile":
                    Line(String(body, "filename"));
                    break;
                case "docmsg":
                    Card("docmsg", String(body, "title"), null, String(body, "link_url"));
                    break;
                case "sphfeed":
                    Card("sphfeed", String(body, "sph_name"), String(body, "feed_desc"), null);
                    break;
                case "todo":
                    Line(String(body, "title"));
                    Line(String(body, "content"));
                    break;
                case "vote":
                    Line(String(body, "votetitle"));
                    foreach (var option in Strings(body, "voteitem"))
                    {
                        Line(option);
                    }

                    break;
                case "collect":
                    Line(String(body, "title"));
                    foreach (var question in Items(body, "details"))
                    {
                        Line(String(question, "ques"));
                    }

                    break;
                case "redpacket":
                case "external_redpacket":
                    Line(String(body, "wish"));
                    break;
                case "calendar":
                    Line(String(body, "title"));
                    Line(String(body, "place"));
                    Line(String(body, "remarks"));
                    break;
                case "meeting":
                    Line(String(body, "topic"));
                    Line(String(body, "address"));
                    Line(String(body, "remarks"));
                    break;
                case "image":
                case "emotion":
                    if (Images.Count < MessageLimits.MaxImages && String(body, "sdkfileid") is { Length: > 0 } file)
                    {
                        Images.Add(new ImageRef(file, null, type == "image" ? "[图片]" : "[表情]"));
                    }

                    break;
                case "mixed":
                    foreach (var item in Items(body, "item"))
                    {
                        if (String(item, "type") is { } itemType && Parse(String(item, "content")) is { } itemBody)
                        {
                            using (itemBody)
                            {
                                Add(itemType, itemBody.RootElement, depth);
                            }
                        }
                    }

                    break;
                case "chatrecord":
                    if (depth < ForwardLimits.MaxDepth)
                    {
                        Forwards.Add(Record(body, depth + 1));
                    }

                    break;
            }
        }

        private ForwardRef Record(JsonElement body, int depth)
        {
            var messages = new List<ForwardedMessage>();
            var cut = false;
            foreach (var item in Items(body, "item"))
            {
                if (messages.Count >= ForwardLimits.MaxMessages)
                {
                    cut = true;
                    break;
                }

                // ChatRecordText, ChatRecordImage, ChatRecordLink …: the type after the prefix, in lower case.
                var itemType = String(item, "type") ?? "";
                if (itemType.StartsWith("ChatRecord", StringComparison.Ordinal))
                {
                    itemType = itemType["ChatRecord".Length..].ToLowerInvariant();
                }

                using var itemBody = Parse(String(item, "content"));
                var inner = new Content { _items = _items };
                if (itemBody is not null)
                {
                    inner.Add(itemType, itemBody.RootElement, depth);
                }

                _items = inner._items;
                messages.Add(new ForwardedMessage
                {
                    Time = item.TryGetProperty("msgtime", out var t2) && t2.ValueKind == JsonValueKind.Number && t2.TryGetInt64(out var seconds) && seconds is > 0 and < 253_402_300_799
                        ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                        : null,
                    Text = inner.Text(),
                    Cards = inner.Cards,
                    Images = inner.Images,
                    Forwards = inner.Forwards,
                });
            }

            return new ForwardRef("", messages, cut);
        }

        private void Line(string? line)
        {
            if (string.IsNullOrEmpty(line) || _text.Length > MessageLimits.MaxTextLength)
            {
                return;
            }

            if (_text.Length > 0)
            {
                _text.Append('\n');
            }

            _text.Append(line);
        }

        private void Card(string kind, string? title, string? description, string? url)
        {
            if (Cards.Count < MessageLimits.MaxCards && (title ?? description ?? url) is not null)
            {
                Cards.Add(new CardContent(kind, title, description, url));
            }
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement body, string name) =>
        body.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).Take(MaxItems)
            : [];

    /// <summary>The strings of an array (a vote's options), at most <see cref="MaxItems"/> of them.</summary>
    private static IEnumerable<string> Strings(JsonElement body, string name) =>
        body.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray().Take(MaxItems).Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!)
            : [];

    /// <summary>An item's <c>content</c>, itself a JSON object written as a string, or null.</summary>
    private static JsonDocument? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            var document = JsonDocument.Parse(JsonSurrogates.Mended(json), Json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
            // A broken item is left out; the rest of the message is still read.
        }

        return null;
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static string? Join(string? a, string? b) =>
        string.IsNullOrEmpty(a) ? b : string.IsNullOrEmpty(b) ? a : a + " " + b;

    /// <summary>Whether <paramref name="id"/> is an id; else <paramref name="problem"/> says why (missing, too long, a control character in it).</summary>
    private static bool IsId(string field, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? id, out string? problem)
    {
        if (string.IsNullOrEmpty(id))
        {
            problem = $"field '{field}' missing";
            return false;
        }

        problem = MessageLimits.IdProblem(field, id);
        return problem is null;
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];

    private static ArchiveRecord Unreadable(string detail) => new(ArchiveRecordKind.Unreadable, null, detail);
}
