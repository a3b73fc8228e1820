namespace GroupGuard.Core.Text;

/// <summary>
/// Word segmentation, used only to confirm that a candidate hit of a short term stands as a whole
/// word (白粉 is not a word inside 漂白粉). Failure contract: <see cref="UseTerms"/> throws when the
/// dictionary cannot be prepared; <see cref="Boundaries"/> never throws for any input text.
/// </summary>
public interface IWordSegmenter
{
    /// <summary>
    /// Makes <paramref name="terms"/> words of the dictionary for the rule-set version
    /// <paramref name="version"/>, so a term is seen as one word wherever it stands. Thread-safe;
    /// a second call for the same version does nothing. Called once per rule-set load, off the
    /// matching path.
    /// </summary>
    void UseTerms(string version, IReadOnlyCollection<string> terms);

    /// <summary>
    /// The offsets (UTF-16) at which words start in <paramref name="text"/>, ascending, followed by
    /// <c>text.Length</c>: a span lines up with words when both its start and its end are in the list.
    /// </summary>
    IReadOnlyList<int> Boundaries(string text);

    /// <summary>
    /// What is known, without the costly part of segmenting, of each offset of
    /// <paramref name="text"/> (0 to its length): 1 where <see cref="Boundaries"/> would surely put
    /// a boundary, 0 where it surely would not, -1 where only segmenting tells. Returns false when
    /// nothing is known (the caller segments). Never throws.
    /// </summary>
    bool SureBoundaries(ReadOnlySpan<char> text, Span<sbyte> states) => false;

    /// <summary>
    /// <see cref="SureBoundaries"/> for windows of one text (the first
    /// <paramref name="length"/> characters of <paramref name="text"/>, which must not change while
    /// the answer is used), remembering what it looks up so that overlapping windows cost little
    /// more than one. Null when the segmenter has nothing of the kind: the caller asks per window.
    /// </summary>
    IWordPaths? PathsOver(char[] text, int length) => null;
}

/// <summary>
/// What <see cref="IWordSegmenter.SureBoundaries"/> says of a window [from, to) of one text,
/// offsets in the text. Not thread-safe; never throws.
/// Dispose it when done with the text: the segmenter may reuse what it holds for the next one
/// (after which it answers nothing).
/// </summary>
public interface IWordPaths : IDisposable
{
    /// <summary><see cref="IWordSegmenter.SureBoundaries"/> of the window: <paramref name="states"/> holds one more than its length.</summary>
    bool SureBoundaries(int from, int to, Span<sbyte> states);

    /// <summary>
    /// What <see cref="SureBoundaries"/> of the window [<paramref name="from"/>, <paramref name="to"/>)
    /// would say at the offsets around [<paramref name="lo"/>, <paramref name="hi"/>) that the words
    /// near them settle alone, written into <paramref name="states"/> (one more than the window's
    /// length) as 1 or 0; every other offset is left as it was. False when it knows nothing there
    /// (ask <see cref="SureBoundaries"/>).
    /// </summary>
    bool SureNear(int from, int to, int lo, int hi, Span<sbyte> states) => false;
}
