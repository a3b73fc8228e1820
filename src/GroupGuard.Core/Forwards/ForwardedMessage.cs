using System.Text.Json.Serialization;

namespace GroupGuard.Core.Forwards;

/// <summary>
/// A forwarded bundle a message carries (QQ's 合并转发, a chat record passed on as one message):
/// the id the platform opens it by, and its messages when the event or an enclosing bundle
/// carried them inline (NapCat with <c>parseMultMsg</c>; nested bundles in NapCat's answers).
/// </summary>
/// <param name="Id">OneBot v11 <c>forward</c> segment's <c>id</c>; Milky's <c>forward_id</c>. May be empty when only inline messages came.</param>
/// <param name="Messages">The bundle's messages as carried inline, or null: then it must be opened.</param>
/// <param name="Cut">More messages were carried inline than were kept (<see cref="ForwardLimits"/>).</param>
public sealed record ForwardRef(string Id, IReadOnlyList<ForwardedMessage>? Messages = null, bool Cut = false);

/// <summary>One message inside a forwarded bundle, as the bundle gives it: who the bundle says sent it, what it says, and its pictures.</summary>
public sealed record ForwardedMessage
{
    /// <summary>The inner sender's id where the bundle names one (OneBot does; Milky gives a name only).</summary>
    public string? SenderId { get; init; }

    /// <summary>The inner sender's name as the bundle shows it (card, nickname or <c>sender_name</c>).</summary>
    public string? SenderName { get; init; }

    /// <summary>When the inner message was first sent, where the bundle says.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>The inner message's text segments joined, at most <see cref="MessageLimits.MaxTextLength"/> characters.</summary>
    public required string Text { get; init; }

    /// <summary>Link and mini-program cards inside the inner message.</summary>
    public IReadOnlyList<CardContent> Cards { get; init; } = [];

    /// <summary>
    /// The inner message's pictures, at most <see cref="MessageLimits.MaxImages"/>: read after the
    /// outer message's own, as its pictures (a QR-code advert forwarded inside a chat record is
    /// the outer message's advert).
    /// </summary>
    public IReadOnlyList<ImageRef> Images { get; init; } = [];

    /// <summary>Bundles forwarded inside this one.</summary>
    public IReadOnlyList<ForwardRef> Forwards { get; init; } = [];

    /// <summary>The text the rules see, as <see cref="ChatMessage.ScanText"/>: the text, then what its cards carry.</summary>
    [JsonIgnore]
    public string ScanText => Cards.Count == 0
        ? Text
        : string.Join('\n', Cards.SelectMany(c => new[] { c.Title, c.Description, c.Url }).Where(s => !string.IsNullOrEmpty(s)).Prepend(Text));
}
