using System.Text.Json;
using System.Xml;
using GroupGuard.Core;

namespace GroupGuard.OneBot.Parsing;

/// <summary>
/// Best-effort reading of what a card shows. Cards are where ads hide, so we take what we can
/// and never fail the event over a card we cannot read: an unreadable card is still a card.
/// </summary>
internal static class CardReader
{
    private static readonly XmlReaderSettings XmlSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        MaxCharactersInDocument = 1024 * 1024,
    };

    /// <summary>
    /// A QQ ark (mini-program, link share, contact card): <c>{"prompt":"[分享]…","meta":{"news":{"title",
    /// "desc","jumpUrl"}}}</c> or <c>{"meta":{"detail_1":{"title","desc","qqdocurl","url"}}}</c>.
    /// </summary>
    public static CardContent FromArkJson(string kind, string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new CardContent(kind, null, null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(JsonSurrogates.Mended(json));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new CardContent(kind, null, null, null);
            }

            var prompt = JsonFields.GetNonEmptyString(root, "prompt");
            string? title = null, description = null, url = null;
            if (JsonFields.GetObject(root, "meta") is { } meta)
            {
                foreach (var entry in meta.EnumerateObject())
                {
                    if (entry.Value.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    var detail = entry.Value;
                    title ??= JsonFields.GetNonEmptyString(detail, "title") ?? JsonFields.GetNonEmptyString(detail, "nickname");
                    description ??= JsonFields.GetNonEmptyString(detail, "desc");
                    url ??= JsonFields.GetNonEmptyString(detail, "jumpUrl")
                        ?? JsonFields.GetNonEmptyString(detail, "qqdocurl")
                        ?? JsonFields.GetNonEmptyString(detail, "url");
                }
            }

            // The prompt is what QQ shows in the chat list ("[QQ小程序]…"); keep it when the card's
            // own title or description does not already say it.
            if (title is null)
            {
                title = prompt;
            }
            else if (description is null && prompt is not null && prompt != title)
            {
                description = prompt;
            }

            return new CardContent(kind, title, description, url);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a lone surrogate escape (\ud800), found only when a string is read.
            return new CardContent(kind, null, null, null);
        }
    }

    /// <summary>
    /// A QQ structured XML message: <c>&lt;msg brief="…" url="…"&gt;&lt;item&gt;&lt;title&gt;…&lt;/title&gt;
    /// &lt;summary&gt;…&lt;/summary&gt;&lt;/item&gt;&lt;/msg&gt;</c>.
    /// </summary>
    public static CardContent FromStructXml(string kind, string? xml)
    {
        if (string.IsNullOrWhiteSpace(xml))
        {
            return new CardContent(kind, null, null, null);
        }

        string? brief = null, title = null, summary = null, url = null;
        try
        {
            using var stringReader = new StringReader(xml);
            using var reader = XmlReader.Create(stringReader, XmlSettings);
            reader.Read();
            while (!reader.EOF)
            {
                if (reader.NodeType == XmlNodeType.Element)
                {
                    switch (reader.LocalName)
                    {
                        case "msg":
                            brief ??= NonEmpty(reader.GetAttribute("brief"));
                            url ??= NonEmpty(reader.GetAttribute("url"));
                            break;
                        case "title" when title is null:
                            // Reading the content moves past the element: do not Read() again.
                            title = NonEmpty(reader.ReadElementContentAsString());
                            continue;
                        case "summary" when summary is null:
                            summary = NonEmpty(reader.ReadElementContentAsString());
                            continue;
                    }
                }

                reader.Read();
            }
        }
        catch (XmlException)
        {
            // Keep what was read before the document went bad.
        }

        return new CardContent(kind, title ?? brief, summary, url);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
