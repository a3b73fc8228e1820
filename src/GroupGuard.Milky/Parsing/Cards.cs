using System.Text.Json;
using System.Xml;
using GroupGuard.Core;

namespace GroupGuard.Milky.Parsing;

/// <summary>
/// The human-visible words of QQ's cards: a mini program's ark JSON (<c>light_app</c>) and a
/// structured XML message (<c>xml</c>). Ads hide in them, so their title, description and link are
/// scanned with the text. A card that cannot be read yields nothing rather than failing the event.
/// </summary>
internal static class Cards
{
    private const int MaxPayloadDepth = 32;

    private static readonly XmlReaderSettings XmlSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        MaxCharactersInDocument = MilkyLimits.MaxEventBytes,
    };

    /// <summary>
    /// QQ ark JSON: <c>prompt</c> is what the chat list shows; <c>meta.&lt;view&gt;</c> holds the
    /// card's <c>title</c>, <c>desc</c> and link (<c>jumpUrl</c>, <c>qqdocurl</c> or <c>url</c>).
    /// </summary>
    public static CardContent FromArk(string kind, string? payload, string? appName)
    {
        string? prompt = null, title = null, description = null, url = null;
        if (!string.IsNullOrWhiteSpace(payload))
        {
            try
            {
                using var document = JsonDocument.Parse(JsonSurrogates.Mended(payload), new JsonDocumentOptions { MaxDepth = MaxPayloadDepth });
                var root = document.RootElement;
                prompt = MilkyJson.NonEmpty(root, "prompt");
                if (MilkyJson.Object(root, "meta") is { } meta)
                {
                    foreach (var view in meta.EnumerateObject())
                    {
                        if (view.Value.ValueKind != JsonValueKind.Object)
                        {
                            continue;
                        }

                        title ??= MilkyJson.NonEmpty(view.Value, "title") ?? MilkyJson.NonEmpty(view.Value, "nickname");
                        description ??= MilkyJson.NonEmpty(view.Value, "desc");
                        url ??= MilkyJson.NonEmpty(view.Value, "jumpUrl") ?? MilkyJson.NonEmpty(view.Value, "qqdocurl") ?? MilkyJson.NonEmpty(view.Value, "url");
                    }
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                // Not JSON, or a string .NET cannot hold (a lone surrogate escape): keep what was read.
            }
        }

        // The prompt ("[QQ小程序]…") says what the card claims to be; keep it unless the card's own title says it.
        if (title is null)
        {
            title = prompt ?? appName;
        }
        else if (description is null && prompt is not null && prompt != title)
        {
            description = prompt;
        }

        return new CardContent(kind, title, description, url);
    }

    /// <summary>QQ structured XML: <c>&lt;msg brief="…" url="…"&gt;…&lt;title&gt;…&lt;/title&gt;&lt;summary&gt;…&lt;/summary&gt;</c>.</summary>
    public static CardContent FromXml(string kind, string? payload)
    {
        string? brief = null, url = null, title = null, summary = null;
        if (!string.IsNullOrWhiteSpace(payload))
        {
            try
            {
                using var text = new StringReader(payload);
                using var reader = XmlReader.Create(text, XmlSettings);
                var more = reader.Read();
                while (more)
                {
                    if (reader.NodeType == XmlNodeType.Element)
                    {
                        switch (reader.LocalName)
                        {
                            case "msg":
                                brief ??= Trimmed(reader.GetAttribute("brief"));
                                url ??= Trimmed(reader.GetAttribute("url"));
                                break;
                            case "title" when title is null:
                                // Reading the content moves past the element: the next node is already current.
                                title = Trimmed(reader.ReadElementContentAsString());
                                more = !reader.EOF;
                                continue;
                            case "summary" when summary is null:
                                summary = Trimmed(reader.ReadElementContentAsString());
                                more = !reader.EOF;
                                continue;
                        }
                    }

                    more = reader.Read();
                }
            }
            catch (XmlException)
            {
                // Keep what was read before the document went wrong.
            }
        }

        return new CardContent(kind, title ?? brief, summary, url);
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
