using GroupGuard.Core.Text;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Text.Jieba;

/// <summary>
/// <see cref="IWordSegmenter"/> over jieba.NET in precise mode with HMM. The dictionary is process
/// wide (<see cref="JiebaDictionary"/>), so instances are interchangeable and share their terms.
/// </summary>
internal sealed partial class JiebaWordSegmenter(ILogger<JiebaWordSegmenter> logger) : IWordSegmenter
{
    /// <summary>
    /// Longest piece handed to Jieba at once. Its HMM buffer grows by string concatenation, which is
    /// quadratic on a long run of characters it does not know; a 100 KB line in one piece took
    /// seconds. Pieces end after a character Jieba treats as a separator anyway, so the result is the
    /// same as cutting the whole text; only a run of word characters longer than this gets one extra
    /// boundary where it is cut.
    /// </summary>
    internal const int MaxPieceLength = 1024;

    /// <summary>How long a reader waits for a term update before failing open.</summary>
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(5);

    private readonly ILogger<JiebaWordSegmenter> _logger = logger;
    private long _failures;

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> naming the resources folder unless the main
    /// dictionary really loaded (all of dict.txt, and a probe sentence keeps its dictionary words whole).
    /// </summary>
    internal static void VerifyDictionary() => JiebaDictionary.Verify();

    public void UseTerms(string version, IReadOnlyCollection<string> terms)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(terms);
        try
        {
            JiebaDictionary.ApplyTerms(version, terms);
        }
        catch (Exception ex) when (ex is not InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"The rule terms of version '{version}' could not be added to the Jieba dictionary: {ex.Message}", ex);
        }
    }

    public IReadOnlyList<int> Boundaries(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [0];
        }

        try
        {
            return (IReadOnlyList<int>?)Segment(text) ?? EveryCharacter(text);
        }
#pragma warning disable CA1031 // The port promises never to throw; any failure fails open, below.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailure(ex);
            return EveryCharacter(text);
        }
    }

    public bool SureBoundaries(ReadOnlySpan<char> text, Span<sbyte> states)
    {
        using var paths = PathsOver(text.ToArray(), text.Length);
        return paths is not null && paths.SureBoundaries(0, text.Length, states);
    }

    public IWordPaths? PathsOver(char[] text, int length)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            if (length is < 0 or > MaxPathsLength || length > text.Length)
            {
                return null;
            }

            // The thread's spare graph, if a reader gave one back (Dispose), else a new one.
            if (t_spare is { } spare)
            {
                t_spare = null;
                spare.Reset(text, length);
                return new Paths(spare);
            }

            return JiebaDictionary.GraphOver(text, length) is { } graph ? new Paths(graph) : null;
        }
#pragma warning disable CA1031 // Nothing known is always a safe answer: the caller segments.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>
    /// Longest text a <see cref="PathsOver"/> reader is made for: it keeps a row per character, so a
    /// megabyte of hostile text asks per window instead (each window is cut in pieces of
    /// <see cref="MaxPieceLength"/> anyway).
    /// </summary>
    internal const int MaxPathsLength = 16 * 1024;

    /// <summary>A graph a disposed reader gave back, for the thread's next message.</summary>
    [ThreadStatic]
    private static JiebaDictionary.WordGraph? t_spare;

    /// <summary>A graph whose buffers hold more characters than this is not kept for the next message.</summary>
    private const int MaxSpareLength = 4096;

    private sealed class Paths(JiebaDictionary.WordGraph graph) : IWordPaths
    {
        private JiebaDictionary.WordGraph? _graph = graph;

        public void Dispose()
        {
            if (_graph is { Capacity: <= MaxSpareLength } graph)
            {
                t_spare = graph;
            }

            _graph = null;
        }

        public bool SureBoundaries(int from, int to, Span<sbyte> states)
        {
            if (_graph is not { } graph || to - from > MaxPieceLength)
            {
                return false; // Segment would cut it in pieces
            }

            try
            {
                return graph.SureBoundaries(from, to, states, LockTimeout);
            }
#pragma warning disable CA1031 // Not known is always a safe answer: the caller segments.
            catch (Exception)
#pragma warning restore CA1031
            {
                return false;
            }
        }

        public bool SureNear(int from, int to, int lo, int hi, Span<sbyte> states)
        {
            if (_graph is not { } graph || to - from > MaxPieceLength)
            {
                return false;
            }

            try
            {
                return graph.SureNear(from, to, lo, hi, states, LockTimeout);
            }
#pragma warning disable CA1031 // Not known is always a safe answer: the caller reads the whole path.
            catch (Exception)
#pragma warning restore CA1031
            {
                return false;
            }
        }
    }

    private List<int>? Segment(string text)
    {
        var boundaries = new List<int>(text.Length / 2 + 2);
        var start = 0;
        while (start < text.Length)
        {
            var end = PieceEnd(text, start);
            var words = JiebaDictionary.Cut(text[start..end], LockTimeout);
            if (words is null)
            {
                LogLockTimeout(LockTimeout);
                return null;
            }

            // Offsets are summed from the words' lengths (UTF-16 units, as Jieba's own Tokenize does),
            // and each word is checked against the text so a Jieba that ever dropped or rewrote a
            // character could not shift every offset after it.
            var position = start;
            foreach (var word in words)
            {
                if (word.Length == 0)
                {
                    continue;
                }

                if (position + word.Length > end || !text.AsSpan(position, word.Length).SequenceEqual(word))
                {
                    throw new InvalidOperationException($"Jieba returned '{word}', which is not the text at offset {position}.");
                }

                // Jieba hands out characters outside its word set one UTF-16 unit at a time, halves of
                // an emoji included; a word never starts inside a surrogate pair.
                if (!IsInsideSurrogatePair(text, position))
                {
                    boundaries.Add(position);
                }

                position += word.Length;
            }

            if (position != end)
            {
                throw new InvalidOperationException($"Jieba's words cover {position - start} of the {end - start} characters at offset {start}.");
            }

            start = end;
        }

        boundaries.Add(text.Length);
        return boundaries;
    }

    /// <summary>
    /// The end of the piece starting at <paramref name="start"/>: the whole rest when short enough,
    /// else just after the last separator within <see cref="MaxPieceLength"/>.
    /// </summary>
    private static int PieceEnd(string text, int start)
    {
        var limit = start + MaxPieceLength;
        if (limit >= text.Length)
        {
            return text.Length;
        }

        for (var i = limit - 1; i > start; i--)
        {
            // Not after \r (Jieba keeps \r\n as one token) nor after the first half of a surrogate pair.
            var c = text[i];
            if (!IsJiebaWordChar(c) && c != '\r' && !char.IsHighSurrogate(c))
            {
                return i + 1;
            }
        }

        return limit;
    }

    /// <summary>The characters jieba.NET 0.42.2 keeps together in a block (its RegexChineseDefault).</summary>
    internal static bool IsJiebaWordChar(char c) =>
        c is >= '\u4E00' and <= '\u9FD5' || char.IsAsciiLetterOrDigit(c) || c is '+' or '#' or '&' or '.' or '_' or '%' or '·' or '-';

    internal static bool IsInsideSurrogatePair(ReadOnlySpan<char> text, int index) =>
        index > 0 && index < text.Length && char.IsLowSurrogate(text[index]) && char.IsHighSurrogate(text[index - 1]);

    /// <summary>
    /// The fallback when segmentation fails: a boundary at every character, so every candidate hit
    /// counts as a whole word. That fails open to detection: a failing segmenter costs some false
    /// positives on words like 漂白粉 instead of letting real hits through unconfirmed.
    /// </summary>
    internal static int[] EveryCharacter(string text)
    {
        var boundaries = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i++)
        {
            if (!IsInsideSurrogatePair(text, i))
            {
                boundaries.Add(i);
            }
        }

        boundaries.Add(text.Length);
        return [.. boundaries];
    }

    private void LogFailure(Exception ex)
    {
        // One failure is logged with its exception, then every 1,000th, so a broken dictionary
        // does not write one error per chat message.
        var count = Interlocked.Increment(ref _failures);
        if (count == 1 || count % 1000 == 0)
        {
            LogSegmentationFailed(ex, count);
        }
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Jieba segmentation failed ({Count} times so far); treating every character as a word boundary, so hits count as whole words")]
    private partial void LogSegmentationFailed(Exception exception, long count);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Jieba dictionary stayed locked by a term update for over {Timeout}; treating every character as a word boundary for this message")]
    private partial void LogLockTimeout(TimeSpan timeout);
}
