using System.Text;
using GroupGuard.Core;
using GroupGuard.Core.Forwards;

namespace GroupGuard.OneBot.Parsing;

/// <summary>Collects what the segments of one message say, in order.</summary>
internal sealed class MessageAccumulator
{
    private readonly StringBuilder _text = new();
    private List<string>? _mentions;
    private HashSet<string>? _mentioned;
    private List<ImageRef>? _images;
    private List<CardContent>? _cards;
    private List<ForwardRef>? _forwards;
    private int _segments;

    public bool MentionsAll { get; private set; }

    /// <summary>The first reply segment's target; a message quotes at most one.</summary>
    public string? ReplyTo { get; private set; }

    public string Text => _text.ToString();

    public IReadOnlyList<string> Mentions => _mentions ?? (IReadOnlyList<string>)[];

    public IReadOnlyList<ImageRef> Images => _images ?? (IReadOnlyList<ImageRef>)[];

    public IReadOnlyList<CardContent> Cards => _cards ?? (IReadOnlyList<CardContent>)[];

    public IReadOnlyList<ForwardRef> Forwards => _forwards ?? (IReadOnlyList<ForwardRef>)[];

    /// <summary>How deep a bundle forwarded in this message lies: 1 in an event's own message, one more in each bundle.</summary>
    public int ForwardDepth { get; init; } = 1;

    /// <summary>The inline forwarded messages still to be kept for the event (shared by the bundles inside it).</summary>
    public ForwardBudget Budget { get; init; } = new();

    public StringBuilder TextBuilder => _text;

    /// <summary>Counts one more segment; past <see cref="OneBotLimits.MaxSegments"/> the event is refused.</summary>
    public void CountSegment()
    {
        if (++_segments > OneBotLimits.MaxSegments)
        {
            throw new OversizedEventException($"message over {OneBotLimits.MaxSegments} segments");
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

    // A mention or quote target that is too long (or holds a control character) is dropped, not an
    // error: it only hints at who is addressed, and failing the event for it would keep the message
    // itself from moderation.
    public void Mention(string? userId)
    {
        if (string.IsNullOrEmpty(userId) || MessageLimits.IdProblem("", userId) is not null)
        {
            return;
        }

        // The set answers "seen before?" in constant time; the list keeps the order of first mention.
        _mentions ??= new List<string>(2);
        _mentioned ??= new HashSet<string>(StringComparer.Ordinal);
        if (_mentions.Count < OneBotLimits.MaxMentions && _mentioned.Add(userId))
        {
            _mentions.Add(userId);
        }
    }

    public void Reply(string? messageId)
    {
        if (!string.IsNullOrEmpty(messageId) && MessageLimits.IdProblem("", messageId) is null)
        {
            ReplyTo ??= messageId;
        }
    }

    public void AddImage(ImageRef image)
    {
        _images ??= new List<ImageRef>(1);
        if (_images.Count < OneBotLimits.MaxImages)
        {
            _images.Add(image);
        }
    }

    public void AddForward(ForwardRef forward)
    {
        _forwards ??= new List<ForwardRef>(1);
        if (_forwards.Count < ForwardLimits.MaxMessages)
        {
            _forwards.Add(forward);
        }
    }

    public void AddCard(CardContent card)
    {
        _cards ??= new List<CardContent>(1);
        if (_cards.Count < OneBotLimits.MaxCards)
        {
            _cards.Add(card);
        }
    }
}

/// <summary>The inline forwarded messages one event (or one answer) may still hand over; shared by every bundle in it.</summary>
internal sealed class ForwardBudget
{
    public int Remaining { get; set; } = ForwardLimits.MaxMessages;
}
