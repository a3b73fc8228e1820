using GroupGuard.Core.Text;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// A segmenter over a fixed word list, longest match first, one character otherwise: enough to
/// test what word mode does with boundaries, without Jieba's dictionary.
/// </summary>
internal sealed class FakeSegmenter(params string[] words) : IWordSegmenter
{
    private readonly HashSet<string> _words = new(words, StringComparer.Ordinal);

    public List<(string Version, string[] Terms)> Calls { get; } = [];

    /// <summary>Every text it was asked to segment.</summary>
    public List<string> Segmented { get; } = [];

    public void UseTerms(string version, IReadOnlyCollection<string> terms)
    {
        Calls.Add((version, terms.ToArray()));
        foreach (var term in terms)
        {
            _words.Add(term);
        }
    }

    public IReadOnlyList<int> Boundaries(string text)
    {
        Segmented.Add(text);
        var result = new List<int>();
        var i = 0;
        while (i < text.Length)
        {
            result.Add(i);
            var length = 1;
            for (var n = Math.Min(8, text.Length - i); n > 1; n--)
            {
                if (_words.Contains(text.Substring(i, n)))
                {
                    length = n;
                    break;
                }
            }

            i += length;
        }

        result.Add(text.Length);
        return result;
    }
}
