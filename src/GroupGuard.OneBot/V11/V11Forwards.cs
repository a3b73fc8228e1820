using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Forwards;
using GroupGuard.OneBot.Parsing;

namespace GroupGuard.OneBot.V11;

/// <summary>
/// Forwarded bundles in OneBot v11: the <c>forward</c> segment (<c>{"id"}</c>, with NapCat's
/// <c>parseMultMsg</c> also <c>content</c>, the bundle's messages), and the answer to
/// <c>get_forward_msg</c>. The messages of a bundle come in the implementations' shapes: NapCat's
/// are message events (<c>message</c>, <c>sender</c>, <c>user_id</c>, <c>time</c>; nested bundles
/// as <c>forward</c> segments with their <c>content</c> inline); LuckyLilliaBot's and go-cqhttp's
/// are <c>{content, sender, time}</c> (nested bundles by <c>id</c> only); some answer with
/// <c>node</c> segments carrying the same in <c>data</c>. What cannot be read is skipped, never an
/// error: the message around it is still moderated. At most <see cref="ForwardLimits.MaxMessages"/>
/// messages are kept, nested ones included, and inline bundles are read <see cref="ForwardLimits.MaxDepth"/> deep.
/// </summary>
internal static class V11Forwards
{
    /// <summary>A <c>forward</c> segment found in <paramref name="within"/>; null when it names no bundle at all.</summary>
    public static ForwardRef? Segment(string? id, JsonElement? content, MessageAccumulator within)
    {
        // An id too long to be one cannot be opened; inline content may still be read.
        if (id is { Length: > OneBotLimits.MaxIdLength })
        {
            id = null;
        }

        List<ForwardedMessage>? messages = null;
        var cut = false;
        if (content is { ValueKind: JsonValueKind.Array } inline && within.ForwardDepth <= ForwardLimits.MaxDepth)
        {
            (messages, cut) = ReadMessages(inline, within.ForwardDepth + 1, within.Budget);
        }

        return id is null && messages is null ? null : new ForwardRef(id ?? "", messages, cut);
    }

    /// <summary>
    /// The answer's <c>data</c>: <c>{"messages": […]}</c> (NapCat, LuckyLilliaBot, go-cqhttp) or the
    /// list itself. Null when it holds no list of messages.
    /// </summary>
    public static ForwardOpenResult? ReadAnswer(JsonElement data)
    {
        var list = data.ValueKind switch
        {
            JsonValueKind.Array => data,
            JsonValueKind.Object when data.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array => messages,
            _ => (JsonElement?)null,
        };
        if (list is not { } array)
        {
            return null;
        }

        // The bundle opened is the first level of what the answer holds; the caller knows how deep it lies.
        var (read, cut) = ReadMessages(array, 2, new ForwardBudget());
        return ForwardOpenResult.Of(read, cut);
    }

    /// <param name="nestedDepth">How deep a bundle forwarded inside these messages lies.</param>
    private static (List<ForwardedMessage> Messages, bool Cut) ReadMessages(JsonElement array, int nestedDepth, ForwardBudget budget)
    {
        var messages = new List<ForwardedMessage>();
        var cut = false;
        foreach (var item in array.EnumerateArray())
        {
            if (budget.Remaining <= 0)
            {
                cut = true;
                break;
            }

            // Counted before its own bundles are read, so that they share what is left.
            budget.Remaining--;
            if (ReadMessage(item, nestedDepth, budget, ref cut) is { } message)
            {
                messages.Add(message);
            }
        }

        return (messages, cut);
    }

    private static ForwardedMessage? ReadMessage(JsonElement item, int nestedDepth, ForwardBudget budget, ref bool cut)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var node = JsonFields.GetString(item, "type") == "node" && JsonFields.GetObject(item, "data") is { } data ? data : item;
        var sender = JsonFields.GetObject(node, "sender");
        var content = new MessageAccumulator { ForwardDepth = nestedDepth, Budget = budget };
        try
        {
            var body = node.TryGetProperty("message", out var message) && message.ValueKind != JsonValueKind.Null ? message
                : node.TryGetProperty("content", out var inner) ? inner
                : default;
            switch (body.ValueKind)
            {
                case JsonValueKind.Array:
                    V11Segments.ReadArray(body, content);
                    break;
                case JsonValueKind.String:
                    CqCode.Parse(body.GetString()!, content);
                    break;
                case JsonValueKind.Object:
                    V11Segments.ReadOne(body, content);
                    break;
            }
        }
        catch (Exception ex) when (ex is OversizedEventException or MalformedEventException)
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

        return new ForwardedMessage
        {
            SenderId = Id(node, "user_id") ?? (sender is { } s ? Id(s, "user_id") : null) ?? Id(node, "uin"),
            SenderName = (sender is { } n ? JsonFields.GetNonEmptyString(n, "card") ?? JsonFields.GetNonEmptyString(n, "nickname") : null)
                ?? JsonFields.GetNonEmptyString(node, "nickname") ?? JsonFields.GetNonEmptyString(node, "name"),
            Time = Time(node),
            Text = text,
            Cards = content.Cards,
            Images = content.Images,
            Forwards = content.Forwards,
        };
    }

    private static string? Id(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && JsonFields.IdOf(value) is { Length: <= OneBotLimits.MaxIdLength } id ? id : null;

    private static DateTimeOffset? Time(JsonElement obj)
    {
        try
        {
            return obj.TryGetProperty("time", out _) ? JsonFields.RequireUnixTime(obj, "time") : null;
        }
        catch (MalformedEventException)
        {
            return null;
        }
    }
}
