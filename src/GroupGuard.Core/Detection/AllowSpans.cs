namespace GroupGuard.Core.Detection;

/// <summary>
/// The allow spans found in one message (a rule's <c>unless</c> phrases, and <c>allow.txt</c>'s for
/// every rule), asked of each candidate whether one of them covers it. Sorted once, each question
/// is two binary searches, so a message packed with allow phrases and candidates costs n·log n; a
/// scan of every span per candidate held the moderation worker for seconds on a megabyte of them.
/// </summary>
internal sealed class AllowSpans
{
    /// <summary>The rule of spans that cancel a hit of any rule (<c>allow.txt</c>).</summary>
    public const int EveryRule = -1;

    private Span[] _spans = new Span[16];
    private int _count;
    private bool _sorted = true;

    public int Count => _count;

    public void Clear()
    {
        _count = 0;
        _sorted = true;
    }

    public void Add(int rule, int start, int end)
    {
        if (_count == _spans.Length)
        {
            Array.Resize(ref _spans, _count * 2);
        }

        _spans[_count++] = new Span(rule, start, end, end);
        _sorted = false;
    }

    /// <summary>Whether one span, of <paramref name="rule"/> or of every rule, reaches from <paramref name="start"/> or before to <paramref name="end"/> or after.</summary>
    public bool Covers(int rule, int start, int end)
    {
        if (_count == 0)
        {
            return false;
        }

        if (!_sorted)
        {
            Sort();
        }

        return CoversOf(rule, start, end) || (rule != EveryRule && CoversOf(EveryRule, start, end));
    }

    /// <summary>
    /// One span, of <paramref name="rule"/> or of every rule, that reaches from <paramref name="start"/>
    /// or before to <paramref name="end"/> or after, the shortest; null when none does. A look
    /// through every span: for explaining a near miss, not for matching.
    /// </summary>
    public (int Start, int End)? Cover(int rule, int start, int end)
    {
        (int Start, int End)? best = null;
        for (var i = 0; i < _count; i++)
        {
            var span = _spans[i];
            if ((span.Rule == rule || span.Rule == EveryRule) && span.Start <= start && span.End >= end
                && (best is not { } b || span.End - span.Start < b.End - b.Start))
            {
                best = (span.Start, span.End);
            }
        }

        return best;
    }

    /// <summary>
    /// Orders the spans by rule, then start, and gives each the furthest end of its rule's spans
    /// up to it: whether a span starting at or before a point reaches past another is then one look.
    /// </summary>
    private void Sort()
    {
        Array.Sort(_spans, 0, _count, SpanOrder.Instance);
        for (var i = 1; i < _count; i++)
        {
            if (_spans[i].Rule == _spans[i - 1].Rule && _spans[i - 1].FurthestEnd > _spans[i].FurthestEnd)
            {
                _spans[i] = _spans[i] with { FurthestEnd = _spans[i - 1].FurthestEnd };
            }
        }

        _sorted = true;
    }

    private bool CoversOf(int rule, int start, int end)
    {
        // The last span at or before (rule, start) in the order: the latest-starting span of the
        // rule that starts in time, if the rule has one.
        int lo = 0, hi = _count - 1, last = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var span = _spans[mid];
            if (span.Rule < rule || (span.Rule == rule && span.Start <= start))
            {
                last = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return last >= 0 && _spans[last].Rule == rule && _spans[last].FurthestEnd >= end;
    }

    private readonly record struct Span(int Rule, int Start, int End, int FurthestEnd);

    private sealed class SpanOrder : IComparer<Span>
    {
        public static SpanOrder Instance { get; } = new();

        public int Compare(Span x, Span y) => x.Rule != y.Rule ? x.Rule.CompareTo(y.Rule) : x.Start.CompareTo(y.Start);
    }
}
