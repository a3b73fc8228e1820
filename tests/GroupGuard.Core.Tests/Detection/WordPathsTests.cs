using GroupGuard.Core.Detection;
using GroupGuard.Core.Text;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// The word and target checks ask the segmenter's reader of paths first what the words near a
/// candidate settle (<see cref="IWordPaths.SureNear"/>), then the window's whole path, then Jieba
/// itself: each later one only where the earlier left the answer open, and all with the answers
/// the cut of the window gives.
/// </summary>
public sealed class WordPathsTests
{
    private static readonly Lazy<GroupGuard.Core.Rules.RuleSet> Powder = new(() => MessageDetectorTests.Load(
        "pack: w\nrules:\n  - id: w.powder\n    terms: [白粉]\n    match: word\n  - id: w.trash\n    terms: [垃圾]\n    target: person\n"));

    private static readonly string[] Messages =
    [
        "我去买漂白粉了", "有人在卖白粉", "白粉", "漂白粉和白粉", "他的房间像垃圾堆", "你就是个垃圾", "其他都是垃圾", "人工垃圾分类", "他垃圾",
    ];

    /// <summary>The fixed word list the fake segmenters cut by.</summary>
    private static readonly string[] Dictionary = ["漂白粉", "白粉", "垃圾堆", "其他", "人工"];

    [Fact]
    public void What_the_words_near_a_candidate_settle_is_enough_and_the_whole_path_is_not_read()
    {
        foreach (var paths in FlagsAsThePlainCut(knowNear: true))
        {
            Assert.Equal(0, paths.WholePaths);
        }

        var asked = new PathsSegmenter(knowNear: true);
        Assert.Equal("w.powder@4", Flags(asked, "有人在卖白粉"));
        Assert.True(asked.NearAsked > 0);
    }

    [Fact]
    public void Where_the_words_near_a_candidate_settle_nothing_the_whole_path_is_read()
    {
        FlagsAsThePlainCut(knowNear: false);

        var open = new PathsSegmenter(knowNear: false);
        Flags(open, "有人在卖白粉");
        Assert.True(open.NearAsked > 0 && open.WholePaths > 0, $"near {open.NearAsked}, whole {open.WholePaths}");
    }

    /// <summary>
    /// Each message flagged through a reader of paths as through the plain cut, and never segmented:
    /// the segmenters used, one a message.
    /// </summary>
    private static List<PathsSegmenter> FlagsAsThePlainCut(bool knowNear)
    {
        var used = new List<PathsSegmenter>();
        foreach (var text in Messages)
        {
            var paths = new PathsSegmenter(knowNear);
            Assert.Equal(Flags(new FakeSegmenter(Dictionary), text), Flags(paths, text));
            Assert.Empty(paths.Words.Segmented);
            used.Add(paths);
        }

        return used;
    }

    private static string Flags(IWordSegmenter words, string text) =>
        string.Join(",", MessageDetector.Detect(Powder.Value, text, "1", words).Hits.Select(h => $"{h.Rule.Id}@{h.Start}"));

    /// <summary>
    /// A segmenter whose reader of paths answers from a fixed word list's cut of each window: near a
    /// span, at the span's two ends only (or nothing, <paramref name="knowNear"/> false), and for
    /// the whole window at every offset. It counts what it was asked.
    /// </summary>
    private sealed class PathsSegmenter(bool knowNear) : IWordSegmenter
    {
        public FakeSegmenter Words { get; } = new(Dictionary);

        public bool KnowsNear { get; } = knowNear;

        public int NearAsked { get; private set; }

        public int WholePaths { get; private set; }

        public void UseTerms(string version, IReadOnlyCollection<string> terms) => Words.UseTerms(version, terms);

        public IReadOnlyList<int> Boundaries(string text) => Words.Boundaries(text);

        public IWordPaths PathsOver(char[] text, int length) => new Paths(this, new string(text, 0, length));

        private sealed class Paths(PathsSegmenter owner, string text) : IWordPaths
        {
            public bool SureBoundaries(int from, int to, Span<sbyte> states)
            {
                owner.WholePaths++;
                var cut = Cut(from, to);
                for (var x = 0; x < states.Length; x++)
                {
                    states[x] = cut.Contains(x) ? (sbyte)1 : (sbyte)0;
                }

                return true;
            }

            public bool SureNear(int from, int to, int lo, int hi, Span<sbyte> states)
            {
                owner.NearAsked++;
                if (!owner.KnowsNear)
                {
                    return false;
                }

                var cut = Cut(from, to);
                states[lo - from] = cut.Contains(lo - from) ? (sbyte)1 : (sbyte)0;
                states[hi - from] = cut.Contains(hi - from) ? (sbyte)1 : (sbyte)0;
                return true;
            }

            public void Dispose()
            {
            }

            // The word list's cut of the window, counted apart from the checks' own segmenting.
            private HashSet<int> Cut(int from, int to)
            {
                var cut = new FakeSegmenter(Dictionary).Boundaries(text[from..to]);
                return [.. cut];
            }
        }
    }
}
