using Microsoft.Extensions.Logging;

namespace GroupGuard.Text.Jieba.Tests;

[Collection(JiebaCollection.Name)]
public sealed class JiebaWordSegmenterTests
{
    private readonly LogCollector<JiebaWordSegmenter> _logger = new();
    private readonly JiebaWordSegmenter _segmenter;

    public JiebaWordSegmenterTests()
    {
        _segmenter = new JiebaWordSegmenter(_logger);
        // Each test starts from the main dictionary alone, whatever the test before it forced.
        UseTerms();
    }

    /// <summary>
    /// A rule reload that changes no forced term (a regex, an action, a comment) leaves the
    /// dictionary, and so the 17 MB word table laid out from it, as they are; one that changes a
    /// term lays it out again and segments by the new term.
    /// </summary>
    [Fact]
    public void A_reload_that_changes_no_term_keeps_the_word_table_and_one_that_does_reads_again()
    {
        UseTerms("白粉", "漂白剂");
        var generation = JiebaDictionary.Generation;

        _segmenter.UseTerms("same-terms-" + Guid.NewGuid(), ["漂白剂", "白粉", "狗"]); // 狗: one character, never forced

        Assert.Equal(generation, JiebaDictionary.Generation);
        Assert.StartsWith("same-terms-", JiebaDictionary.CurrentVersion, StringComparison.Ordinal);
        Assert.True(IsWord("他在卖白粉", "白粉"));

        UseTerms("漂白剂", "在卖白");
        Assert.True(JiebaDictionary.Generation > generation);
        Assert.True(IsWord("他在卖白粉", "在卖白"));
        Assert.False(IsWord("他在卖白粉", "白粉"));
    }

    [Fact]
    public void A_term_inside_a_longer_dictionary_word_is_not_a_word_of_its_own()
    {
        Assert.False(IsWord("我去买漂白粉", "白粉"));
        Assert.True(IsWord("我去买漂白粉", "漂白粉"));
        Assert.True(IsWord("他在卖白粉", "白粉"));
    }

    [Fact]
    public void Making_a_term_a_word_does_not_break_dictionary_words_that_contain_it()
    {
        UseTerms("白粉");

        Assert.False(IsWord("我去买漂白粉", "白粉"));
        Assert.True(IsWord("他在卖白粉", "白粉"));
    }

    [Fact]
    public void A_term_unknown_to_the_dictionary_becomes_a_word_once_used()
    {
        const string Text = "你这个傻逼真是脑残";
        Assert.False(IsWord(Text, "傻逼"));

        UseTerms("傻逼");

        Assert.True(IsWord(Text, "傻逼"));
        Assert.True(IsWord(Text, "脑残"));
    }

    [Fact]
    public void Terms_hold_against_their_neighbours_in_real_messages()
    {
        // From COLD: Jieba's own SuggestFreq leaves these split by the words around them.
        UseTerms("支那", "黑鬼", "母狗");

        Assert.True(IsWord("中国人被叫支那人东亚病夫", "支那"));
        Assert.True(IsWord("我是说这个黑鬼子，也不", "黑鬼"));
        Assert.True(IsWord("替这个老母狗洗白，我", "母狗"));
    }

    [Fact]
    public void A_term_dropped_from_the_rules_is_no_longer_forced()
    {
        const string Text = "你这个傻逼真是脑残";
        UseTerms("傻逼", "白粉");
        Assert.True(IsWord(Text, "傻逼"));

        UseTerms("脑残");

        Assert.False(IsWord(Text, "傻逼"));
        // 白粉 was a dictionary word before the rules named it; dropping the rule must not delete it.
        Assert.True(IsWord("他在卖白粉", "白粉"));
        Assert.False(IsWord("我去买漂白粉", "白粉"));
    }

    [Fact]
    public void A_second_call_with_the_same_version_changes_nothing()
    {
        const string Text = "你这个傻逼真是脑残";
        _segmenter.UseTerms("v-same", ["傻逼"]);

        _segmenter.UseTerms("v-same", []);

        Assert.True(IsWord(Text, "傻逼"));
    }

    [Fact]
    public void Terms_with_latin_letters_and_digits_become_words()
    {
        UseTerms("加v信", "pk10", "北京赛车pk10");

        Assert.True(IsWord("想赚钱的加v信：abc123", "加v信"));
        Assert.True(IsWord("玩北京赛车pk10稳赚", "北京赛车pk10"));
        Assert.True(IsWord("来一把pk10吗", "pk10"));
    }

    [Fact]
    public void Empty_and_one_character_terms_are_skipped()
    {
        UseTerms("", " ", "狗");

        // 狗 forced as a word would tear 热狗 apart and every hot dog would count as an insult.
        Assert.False(IsWord("我买了热狗", "狗"));
        Assert.True(IsWord("我买了热狗", "热狗"));
    }

    [Fact]
    public void Empty_text_has_one_boundary_at_zero()
    {
        Assert.Equal([0], _segmenter.Boundaries(""));
    }

    [Fact]
    public void Offsets_count_utf16_units_when_emoji_come_before_the_word()
    {
        const string Text = "😀👍🏻他在卖白粉😀";
        var boundaries = _segmenter.Boundaries(Text);

        Assert.True(IsWord(Text, "白粉"));
        Assert.Equal(9, Text.IndexOf("白粉", StringComparison.Ordinal));
        Assert.Contains(9, boundaries);
        Assert.Contains(11, boundaries);
        // No boundary splits an emoji: a span never starts or ends half-way through one.
        Assert.DoesNotContain(boundaries, b => b > 0 && b < Text.Length && char.IsLowSurrogate(Text[b]));
        AssertWellFormed(Text, boundaries);
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public void Mixed_latin_digits_punctuation_and_whitespace_are_all_covered()
    {
        const string Text = "Hello, 世界!\r\n加我qq: 123456 ～ ＦＵＣＫ\t漂白粉…… c++ 3.14% a.b-c";
        var boundaries = _segmenter.Boundaries(Text);

        AssertWellFormed(Text, boundaries);
        Assert.True(IsWord(Text, "漂白粉"));
        Assert.False(IsWord(Text, "白粉"));
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public void Any_sequence_of_utf16_units_is_segmented_without_failing()
    {
        var random = new Random(20240601);
        for (var round = 0; round < 300; round++)
        {
            var chars = new char[random.Next(1, 200)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = random.Next(4) switch
                {
                    0 => (char)random.Next(0x4E00, 0x9FFF),                  // hanzi
                    1 => (char)random.Next(0xD800, 0xE000),                  // lone surrogate halves
                    2 => (char)random.Next(0, 0x80),                         // ASCII, controls included
                    _ => (char)random.Next(0, 0x10000),                      // anything
                };
            }

            var text = new string(chars);
            AssertWellFormed(text, _segmenter.Boundaries(text));
        }

        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public void A_100_kb_line_is_segmented_the_same_as_its_sentences()
    {
        string[] sentences = ["他在卖白粉", "我去买漂白粉", "今天天气不错", "😀哈哈哈哈哈", "加我qq123详聊"];
        var text = string.Join("，", Enumerable.Range(0, 100_000 / 6).Select(i => sentences[i % sentences.Length]));
        Assert.True(text.Length > 100_000);

        var boundaries = _segmenter.Boundaries(text);

        AssertWellFormed(text, boundaries);
        // Cutting the line into pieces for Jieba must not move a single boundary.
        var expected = new List<int>();
        var offset = 0;
        foreach (var sentence in text.Split('，'))
        {
            expected.AddRange(_segmenter.Boundaries(sentence).SkipLast(1).Select(b => b + offset));
            expected.Add(offset + sentence.Length); // the comma is a word of its own
            offset += sentence.Length + 1;
        }

        Assert.Equal(expected, boundaries);
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public void A_100_kb_run_of_characters_unknown_to_the_dictionary_goes_to_jieba_in_bounded_pieces()
    {
        // Hanzi that are not in dict.txt all go to Jieba's HMM buffer, which grows by string
        // concatenation: in one piece this line took over 3 s on a 2-core machine, in pieces well under 1 s.
        // Speed is measured with BenchmarkDotNet, never asserted in a test; the cut that bounds it is.
        var unknown = Enumerable.Range(0x4E00, 0x9FD6 - 0x4E00).Select(c => (char)c)
            .Where(c => !JiebaNet.Segmenter.WordDictionary.Instance.ContainsWord(c.ToString()))
            .ToArray();
        var random = new Random(7);
        var text = new string([.. Enumerable.Range(0, 100_000).Select(_ => unknown[random.Next(unknown.Length)])]);

        var boundaries = _segmenter.Boundaries(text);

        AssertWellFormed(text, boundaries);
        // A run without separators is cut every MaxPieceLength characters, each piece segmented on its own.
        var expected = new List<int>();
        for (var start = 0; start < text.Length; start += JiebaWordSegmenter.MaxPieceLength)
        {
            var piece = text.Substring(start, Math.Min(JiebaWordSegmenter.MaxPieceLength, text.Length - start));
            expected.AddRange(_segmenter.Boundaries(piece).SkipLast(1).Select(b => b + start));
        }

        expected.Add(text.Length);
        Assert.Equal(expected, boundaries);
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public async Task Boundaries_on_eight_threads_while_terms_change_neither_hang_nor_fail()
    {
        string[] texts = ["你这个傻逼真是脑残", "我去买漂白粉", "他在卖白粉😀", "加v信领红包", "Hello 世界 123"];
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 8).Select(n => Task.Run(() =>
        {
            var calls = 0;
            while (!stop.IsCancellationRequested || calls < 50)
            {
                var text = texts[(n + calls) % texts.Length];
                AssertWellFormed(text, _segmenter.Boundaries(text));
                // Whatever the terms, a dictionary word holding a term never gives it up.
                if (text == "我去买漂白粉")
                {
                    Assert.False(IsWord(text, "白粉"));
                }

                calls++;
            }
        })).ToList();

        var writer = Task.Run(() =>
        {
            // As many new words as a large public term list, so Jieba's dictionary grows (and rehashes) under the readers.
            var many = Enumerable.Range(0, 60_000).Select(i => "词" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            _segmenter.UseTerms("concurrent-1", [.. many, "傻逼", "白粉", "加v信"]);
            _segmenter.UseTerms("concurrent-2", [.. many.Take(100), "脑残"]);
        });

        var all = Task.WhenAll([writer, .. readers]);
        await writer.WaitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await all.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("concurrent-2", JiebaDictionary.CurrentVersion);
        Assert.False(IsWord("你这个傻逼真是脑残", "傻逼"));
        Assert.DoesNotContain(_logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    /// <summary>
    /// What the reader says of the offsets around a span from the words near it alone is what
    /// Jieba's own cut of the window says, at every offset it claims to know, on windows of the
    /// fixtures; it knows both ends of most spans, and never calls a term inside a longer word (白粉
    /// in 漂白粉) or across two (恶心 in 罪恶心理) a word.
    /// </summary>
    [Fact]
    public void What_the_words_near_a_span_settle_is_what_the_cut_of_its_window_says()
    {
        var lines = Fixtures().Where(l => l.Length is > 8 and <= 400).Take(3000).ToList();
        UseTerms("白粉", "傻逼", "恶心", "垃圾", "刷单");
        var random = new Random(11);
        var asked = 0;
        var bothKnown = 0;
        var offsetsKnown = 0;
        var wrong = new List<string>();
        foreach (var line in lines)
        {
            using var paths = _segmenter.PathsOver(line.ToCharArray(), line.Length);
            Assert.NotNull(paths);
            for (var k = 0; k < 8; k++)
            {
                var from = random.Next(line.Length);
                var to = Math.Min(line.Length, from + 2 + random.Next(48));
                var lo = from + random.Next(Math.Max(1, to - from - 1));
                var hi = Math.Min(to, lo + 1 + random.Next(4));
                if (hi <= lo)
                {
                    continue;
                }

                asked++;
                var states = new sbyte[to - from + 1];
                states.AsSpan().Fill(-1);
                if (!paths.SureNear(from, to, lo, hi, states))
                {
                    continue;
                }

                bothKnown += states[lo - from] >= 0 && states[hi - from] >= 0 ? 1 : 0;
                var cut = _segmenter.Boundaries(line[from..to]);
                for (var x = 0; x < states.Length; x++)
                {
                    if (states[x] >= 0)
                    {
                        offsetsKnown++;
                        if ((states[x] == 1) != cut.Contains(x))
                        {
                            wrong.Add($"{line[from..to]} at {x}: said {states[x]}, cut [{string.Join(',', cut)}]");
                        }
                    }
                }
            }
        }

        Assert.Empty(wrong);
        Assert.True(bothKnown > asked / 2, $"both ends known {bothKnown} times of {asked}");
        Assert.True(offsetsKnown > bothKnown * 2, $"{offsetsKnown} offsets known");

        foreach (var (text, term) in new[] { ("我去买漂白粉了", "白粉"), ("他的罪恶心理很重", "恶心") })
        {
            using var paths = _segmenter.PathsOver(text.ToCharArray(), text.Length);
            var start = text.IndexOf(term, StringComparison.Ordinal);
            var states = new sbyte[text.Length + 1];
            states.AsSpan().Fill(-1);
            paths!.SureNear(0, text.Length, start, start + term.Length, states);
            Assert.False(states[start] == 1 && states[start + term.Length] == 1, text);
        }

        using var plain = _segmenter.PathsOver("你真恶心。".ToCharArray(), 5);
        var said = new sbyte[6];
        said.AsSpan().Fill(-1);
        Assert.True(plain!.SureNear(0, 5, 2, 4, said));
        Assert.Equal((1, 1), (said[2], said[4]));
    }

    /// <summary>
    /// One reader over a whole line (what a message's word and target checks share) answers every
    /// window of it as a fresh look at that window alone does: the words it remembers from one
    /// window change nothing for the next.
    /// </summary>
    [Fact]
    public void A_reader_over_a_line_answers_each_window_as_the_window_alone()
    {
        var lines = Fixtures().Where(l => l.Length is > 8 and <= 400).Take(3000).ToList();
        UseTerms("白粉", "傻逼", "兼职", "刷单", "微信");
        var random = new Random(7);
        var windows = 0;
        foreach (var line in lines)
        {
            var paths = _segmenter.PathsOver(line.ToCharArray(), line.Length);
            Assert.NotNull(paths);
            for (var k = 0; k < 6; k++)
            {
                var from = random.Next(line.Length);
                var to = Math.Min(line.Length, from + 1 + random.Next(48));
                var shared = new sbyte[to - from + 1];
                var alone = new sbyte[to - from + 1];
                Assert.True(paths.SureBoundaries(from, to, shared));
                Assert.True(_segmenter.SureBoundaries(line.AsSpan(from, to - from), alone));
                Assert.Equal(alone, shared);
                windows++;
            }
        }

        Assert.True(windows > 1000, $"only {windows} windows compared");
    }

    [Fact]
    public void A_reader_made_before_a_term_update_answers_with_the_new_terms()
    {
        const string Text = "你这个傻逼真是脑残";
        var paths = _segmenter.PathsOver(Text.ToCharArray(), Text.Length)!;
        var before = new sbyte[Text.Length + 1];
        Assert.True(paths.SureBoundaries(0, Text.Length, before));
        Assert.NotEqual(1, before[5]); // 逼真 runs across the end of 傻逼

        // 傻逼, new, is a word now: the words the reader looked up before are looked up again.
        UseTerms("傻逼");

        var after = new sbyte[Text.Length + 1];
        Assert.True(paths.SureBoundaries(0, Text.Length, after));
        var fresh = new sbyte[Text.Length + 1];
        Assert.True(_segmenter.SureBoundaries(Text, fresh));
        Assert.Equal(fresh, after);
        Assert.Equal(1, after[5]);
    }

    [Fact]
    public void A_reader_refuses_windows_outside_its_text_and_texts_past_its_limit()
    {
        const string Text = "他在卖白粉";
        var paths = _segmenter.PathsOver(Text.ToCharArray(), Text.Length)!;
        Assert.False(paths.SureBoundaries(2, 9, new sbyte[8]));
        Assert.False(paths.SureBoundaries(0, 5, new sbyte[3])); // states of the wrong length
        Assert.Null(_segmenter.PathsOver(new char[JiebaWordSegmenter.MaxPathsLength + 1], JiebaWordSegmenter.MaxPathsLength + 1));
        Assert.Null(_segmenter.PathsOver(Text.ToCharArray(), Text.Length + 1));
    }

    [Fact]
    public void A_reader_given_back_answers_nothing_and_its_buffers_serve_the_next_text_afresh()
    {
        UseTerms("白粉");
        var first = _segmenter.PathsOver("我去买漂白粉".ToCharArray(), 6)!;
        var bleach = new sbyte[7];
        Assert.True(first.SureBoundaries(0, 6, bleach));
        Assert.Equal(0, bleach[4]); // 漂白粉 is one word: no boundary before 白粉
        first.Dispose();
        Assert.False(first.SureBoundaries(0, 6, new sbyte[7]));

        // The next reader on this thread reuses those buffers: nothing of 漂白粉 may stay.
        using var next = _segmenter.PathsOver("他在卖白粉".ToCharArray(), 5)!;
        var states = new sbyte[6];
        Assert.True(next.SureBoundaries(0, 5, states));
        var fresh = new sbyte[6];
        Assert.True(_segmenter.SureBoundaries("他在卖白粉", fresh));
        Assert.Equal(fresh, states);
        Assert.Equal(1, states[3]);
    }

    /// <summary>
    /// On every fixture line, with the fixtures' frequent pairs and triples forced as terms, what
    /// SureBoundaries says of each offset is what Jieba's cut says, the HMM's cuts of unknown runs
    /// (names, slang, letters and numbers among hanzi) included.
    /// </summary>
    [Fact]
    public void Sure_boundaries_are_the_cut_s_boundaries()
    {
        var lines = Fixtures().Where(l => l.Length <= JiebaWordSegmenter.MaxPieceLength).ToList();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            for (var i = 0; i + 2 <= line.Length; i++)
            {
                var piece = line.Substring(i, 2);
                counts[piece] = counts.GetValueOrDefault(piece) + 1;
            }
        }

        UseTerms([.. counts.Where(c => c.Value >= 3 && c.Key.All(ch => ch is >= '\u4E00' and <= '\u9FD5')).Select(c => c.Key)]);

        int known = 0, unknown = 0;
        string[] more =
        [
            "他去商店买了一袋漂白粉\r\n然后 回家了", "你这个傻逼真是脑残😀好吧", "王小二和李大嘴昨天去了趟渣渣辉的店",
            "gdp增长了3.5%左右abc1.2.3x", "a+b#c&d_e·f-g%h.i", "萨瓦迪卡呜呜呜嘤嘤嘤", "iphone15pro到手了绝绝子yyds",
        ];
        foreach (var line in lines.Concat(more))
        {
            var states = new sbyte[line.Length + 1];
            Assert.True(_segmenter.SureBoundaries(line, states));
            var boundaries = _segmenter.Boundaries(line).ToHashSet();
            for (var at = 0; at <= line.Length; at++)
            {
                if (states[at] < 0)
                {
                    unknown++;
                    continue;
                }

                known++;
                Assert.True(boundaries.Contains(at) == (states[at] == 1),
                    $"offset {at} of '{line}': sure it is {(states[at] == 1 ? "" : "not ")}a boundary; Jieba cut {string.Join("/", Words(line, boundaries))}");
            }
        }

        Assert.True(known > 1000, $"only {known} offsets compared");
        Assert.Equal(0, unknown);
    }

    private static IEnumerable<string> Words(string text, HashSet<int> boundaries)
    {
        var cuts = boundaries.Order().ToList();
        return cuts.Zip(cuts.Skip(1), (a, b) => text[a..b]);
    }

    private static IEnumerable<string> Fixtures()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GroupGuard.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Directory.GetFiles(Path.Combine(dir.FullName, "tools", "fixtures"))
            .SelectMany(File.ReadLines)
            .Select(l => l.Contains('\t', StringComparison.Ordinal) ? l.Split('\t', 2)[1] : l)
            .Where(l => l.Length > 0);
    }

    private static int _versions;

    private void UseTerms(params string[] terms) =>
        _segmenter.UseTerms("test-" + Interlocked.Increment(ref _versions).ToString(System.Globalization.CultureInfo.InvariantCulture), terms);

    /// <summary>What the matcher asks: does the first occurrence of <paramref name="term"/> line up with words?</summary>
    private bool IsWord(string text, string term)
    {
        var start = text.IndexOf(term, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{term}' is not in '{text}'");
        var boundaries = _segmenter.Boundaries(text);
        return boundaries.Contains(start) && boundaries.Contains(start + term.Length);
    }

    private static void AssertWellFormed(string text, IReadOnlyList<int> boundaries)
    {
        Assert.NotEmpty(boundaries);
        Assert.Equal(0, boundaries[0]);
        Assert.Equal(text.Length, boundaries[^1]);
        for (var i = 1; i < boundaries.Count; i++)
        {
            Assert.True(boundaries[i] > boundaries[i - 1], $"boundaries not ascending at {i}");
        }
    }
}
