namespace GroupGuard.Text.Jieba.Tests;

/// <summary>
/// The trie that the word graph reads must answer what jieba.NET's own table answers, walk for walk:
/// the same words, the same frequencies, and a stop wherever Jieba's walk stops.
/// </summary>
[Collection(JiebaCollection.Name)]
public sealed class JiebaWordTableTests
{
    [Fact]
    public void Walks_find_the_words_the_table_holds_and_stop_where_a_prefix_is_missing()
    {
        var table = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["漂"] = 50, ["漂白"] = 300, ["漂白粉"] = 20, ["白"] = 900, ["白粉"] = 40, ["粉"] = 0,
            ["一"] = 5, ["一丝"] = 0, ["一丝不"] = 0, ["一丝不苟"] = 70,
            // No 中国人 prefix 中国人民 reaches: Jieba's walk stops at 中国 … missing 中国人.
            ["中"] = 10, ["中国"] = 80, ["中国人民"] = 60,
            // Surrogate halves are characters like any other.
            ["\uD83D"] = 0, ["😀"] = 0, ["😀好"] = 3,
        };

        var trie = JiebaWordTable.Build(table, generation: 7);

        Assert.Equal(7, trie.Generation);
        Assert.Equal(table.Count - 1, trie.Count); // 中国人民 is not reachable
        foreach (var text in new[] { "我去买漂白粉了", "一丝不苟地", "中国人民", "好😀好", "漂漂白白粉粉", "" })
        {
            for (var at = 0; at < text.Length; at++)
            {
                Assert.Equal(Walk(table, text, at), Walk(trie, text, at));
            }
        }

        Assert.Equal([(0, Math.Log(50)), (1, Math.Log(300)), (2, Math.Log(20))], Walk(trie, "漂白粉", 0).Select(w => (w.End, w.Log)));
        Assert.Equal([(0, true), (1, false), (2, false), (3, true)], Walk(trie, "一丝不苟", 0).Select(w => (w.End, w.Word)));
        Assert.Equal(-1, trie.Root('我'));
    }

    [Fact]
    public void The_main_dictionary_walks_alike_through_the_trie_and_the_table()
    {
        var copy = MainTable();

        var trie = JiebaWordTable.Build(copy, generation: 0);
        const string Text = "他去商店买了一袋漂白粉，中华人民共和国成立了。一丝不苟的研究生命起源，南京市长江大桥";
        var words = 0;
        for (var at = 0; at < Text.Length; at++)
        {
            var expected = Walk(copy, Text, at);
            Assert.Equal(expected, Walk(trie, Text, at));
            words += expected.Count(w => w.Word);
        }

        Assert.True(words > Text.Length, $"only {words} dictionary words found");
    }

    /// <summary>
    /// Every two characters that stand side by side in a word Jieba's walk can reach are a pair the
    /// table may join (a word could run across the boundary between them), and most pairs of
    /// characters that no word holds are refused.
    /// </summary>
    [Fact]
    public void Pairs_inside_every_reachable_word_may_join_and_most_others_do_not()
    {
        var copy = MainTable();
        var trie = JiebaWordTable.Build(copy, generation: 0);

        var pairs = new HashSet<(char, char)>();
        var missed = new List<string>();
        foreach (var key in copy.Keys.Where(k => k.Length > 1 && Walk(trie, k, 0).Count == k.Length))
        {
            for (var k = 0; k + 1 < key.Length; k++)
            {
                pairs.Add((key[k], key[k + 1]));
                if (!trie.MayJoin(key[k], key[k + 1]))
                {
                    missed.Add(key);
                }
            }
        }

        Assert.Empty(missed);
        Assert.True(pairs.Count > 100_000, $"only {pairs.Count} pairs read");

        var hanzi = copy.Keys.Where(k => k.Length == 1).Select(k => k[0]).ToArray();
        var random = new Random(12);
        var others = 0;
        var refused = 0;
        while (others < 20_000)
        {
            var pair = (hanzi[random.Next(hanzi.Length)], hanzi[random.Next(hanzi.Length)]);
            if (pairs.Contains(pair))
            {
                continue;
            }

            others++;
            refused += trie.MayJoin(pair.Item1, pair.Item2) ? 0 : 1;
        }

        Assert.True(refused > others * 8 / 10, $"{refused} of {others} pairs in no word refused");
    }

    /// <summary>A copy of jieba.NET's own table of words and prefixes, the main dictionary loaded.</summary>
    private static Dictionary<string, int> MainTable()
    {
        var segmenter = new JiebaWordSegmenter(new LogCollector<JiebaWordSegmenter>());
        Assert.NotNull(segmenter.PathsOver("预热".ToCharArray(), 2)); // loads the dictionary
        var table = (Dictionary<string, int>)typeof(JiebaNet.Segmenter.WordDictionary)
            .GetField("Trie", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!
            .GetValue(JiebaNet.Segmenter.WordDictionary.Instance)!;
        return new Dictionary<string, int>(table, StringComparer.Ordinal);
    }

    /// <summary>Jieba's own walk: each longer prefix looked up until one is missing.</summary>
    private static List<(int End, bool Word, double Log)> Walk(Dictionary<string, int> table, string text, int at)
    {
        var found = new List<(int, bool, double)>();
        for (var x = at; x < text.Length && table.TryGetValue(text[at..(x + 1)], out var frequency); x++)
        {
            found.Add((x, frequency > 0, frequency > 0 ? Math.Log(frequency) : double.NegativeInfinity));
        }

        return found;
    }

    private static List<(int End, bool Word, double Log)> Walk(JiebaWordTable trie, string text, int at)
    {
        var found = new List<(int, bool, double)>();
        for (var (x, step) = (at, trie.Root(text[at])); step >= 0; step = ++x < text.Length ? trie.Child(step, text[x]) : -1)
        {
            found.Add((x, JiebaWordTable.IsWord(step), trie.LogFrequency(step)));
        }

        return found;
    }
}
