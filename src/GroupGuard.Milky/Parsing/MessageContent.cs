using System.Text;
using GroupGuard.Core;
using GroupGuard.Core.Forwards;

namespace GroupGuard.Milky.Parsing;

/// <summary>What the segments of one message say, in order, within <see cref="MilkyLimits"/>.</summary>
internal sealed class MessageContent
{
    private readonly StringBuilder _text = new();
    private readonly List<string> _mentions = [];
    private readonly HashSet<string> _mentioned = new(StringComparer.Ordinal);
    private readonly List<ImageRef> _images = [];
    private readonly List<CardContent> _cards = [];
    private readonly List<ForwardRef> _forwards = [];
    private int _segments;

    public string Text => _text.ToString();

    public IReadOnlyList<string> Mentions => _mentions;

    public bool MentionsAll { get; private set; }

    /// <summary>The first quoted message's sequence; a message quotes at most one.</summary>
    public string? ReplyTo { get; private set; }

    public IReadOnlyList<ImageRef> Images => _images;

    public IReadOnlyList<CardContent> Cards => _cards;

    /// <summary>Forwarded bundles by <c>forward_id</c>, to be opened with <c>get_forwarded_messages</c>.</summary>
    public IReadOnlyList<ForwardRef> Forwards => _forwards;

    /// <summary>Counts one more segment; past <see cref="MilkyLimits.MaxSegments"/> the event is refused.</summary>
    public void CountSegment()
    {
        if (++_segments > MilkyLimits.MaxSegments)
        {
            throw new OversizedMilkyEventException($"message over {MilkyLimits.MaxSegments} segments");
        }
    }

    public void AppendText(string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            _text.Append(text);
        }
    }

    public void MentionEveryone() => MentionsAll = true;

    // A mention that is odd is dropped, not an error: it only hints at who is addressed, and
    // failing the event for it would keep the message itself from moderation.
    public void Mention(string? userId)
    {
        if (!string.IsNullOrEmpty(userId) && _mentions.Count < MilkyLimits.MaxMentions && _mentioned.Add(userId))
        {
            _mentions.Add(userId);
        }
    }

    public void Reply(string? messageSeq) => ReplyTo ??= messageSeq;

    public void AddImage(ImageRef image)
    {
        if (_images.Count < MilkyLimits.MaxImages)
        {
            _images.Add(image);
        }
    }

    public void AddForward(string? forwardId)
    {
        if (forwardId is { Length: > 0 and <= MilkyLimits.MaxIdLength } && _forwards.Count < ForwardLimits.MaxMessages)
        {
            _forwards.Add(new ForwardRef(forwardId));
        }
    }

    public void AddCard(CardContent card)
    {
        if (_cards.Count < MilkyLimits.MaxCards && (card.Title ?? card.Description ?? card.Url) is not null)
        {
            _cards.Add(card);
        }
    }
}
