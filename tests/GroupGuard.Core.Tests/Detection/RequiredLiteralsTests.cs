using System.Text;
using System.Text.RegularExpressions;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Text;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// What a regex needs in a text before it can match there: the engine runs a regex rule only on
/// messages that hold it, so a set that a matching text lacks would lose a hit.
/// </summary>
public sealed class RequiredLiteralsTests
{
    private static readonly string Digit = RequiredLiterals.DigitMark.ToString();

    private static List<HashSet<string>> Sets(string pattern) =>
        [.. RequiredLiterals.Of(pattern).Select(s => s.Strings.ToHashSet(StringComparer.Ordinal))];

    [Fact]
    public void A_literal_run_is_needed_whole()
    {
        Assert.Contains(Sets("加微信"), s => s.SetEquals(["加微信"]));
    }

    [Fact]
    public void Neighbouring_alternatives_join_into_every_pairing()
    {
        Assert.Contains(Sets("(?:一|每)(?:斤|个)"), s => s.SetEquals(["一斤", "一个", "每斤", "每个"]));
    }

    [Fact]
    public void A_lookbehind_says_what_stands_right_before()
    {
        // (?<=\d)折 needs a digit right before 折: 5折, 8折, whichever digit.
        Assert.Contains(Sets(@"(?<=\d)折"), s => s.SetEquals([Digit + "折"]));
        Assert.True(RequiredLiterals.Of(@"(?<=\d)折").All(s => s.FoundIn("全场８折")));
        Assert.False(RequiredLiterals.Of(@"(?<=\d)折").All(s => s.FoundIn("打折了")));
    }

    [Fact]
    public void A_class_with_a_subtraction_is_read_as_its_base()
    {
        // [a-z-[aeiou]] matches fewer letters than [a-z]; reading it as [a-z] still needs 微信 or vx.
        var pattern = @"(微信|vx)\s*[a-z0-9-[aeiou]]{6}";
        Assert.Contains(Sets(pattern), s => s.SetEquals(["微信", "vx"]));
        Assert.True(RequiredLiterals.Of(pattern).All(s => s.FoundIn("vx bcd123")));
        Assert.Contains(Sets(@"[\p{Ll}-[a-z-[x]]]加微"), s => s.SetEquals(["加微"])); // nested, and a class escape in the base
        Assert.Empty(Sets(@"[a-z-[aeiou]x]加微")); // not .NET's syntax for a subtraction: not guessed at
        Assert.True(RequiredLiterals.Of("[a-c1-[b1]]微").All(s => s.FoundIn("a微"))); // 1-[ after a character starts the subtraction, no range to [
    }

    [Fact]
    public void A_set_that_another_one_needed_implies_is_left_out()
    {
        // Wherever one of /个 /人 每个 每人 is, so are 个 or 人 and / or 每: asking for those too
        // would rule out nothing more and make every 人 in chat a literal the walk reports. The
        // digit after, which they do not imply, is asked for instead.
        var sets = Sets(@"(?:/|每)(?:个|人)\s*\d");

        Assert.Contains(sets, s => s.SetEquals(["/个", "/人", "每个", "每人"]));
        Assert.DoesNotContain(sets, s => s.SetEquals(["个", "人"]));
        Assert.DoesNotContain(sets, s => s.SetEquals(["/", "每"]));
        Assert.Contains(sets, s => s.SetEquals([Digit]));
    }

    [Fact]
    public void Both_halves_of_a_mirrored_pattern_are_needed()
    {
        var sets = Sets("(刷单|垫付).{0,40}(微信|qq)|(微信|qq).{0,40}(刷单|垫付)");

        Assert.Contains(sets, s => s.SetEquals(["刷单", "垫付"]));
        Assert.Contains(sets, s => s.SetEquals(["微信", "qq"]));
    }

    [Fact]
    public void A_longer_string_goes_where_a_shorter_one_of_the_set_is_inside_it()
    {
        Assert.Contains(Sets("(加|添加)好友"), s => s.SetEquals(["加好友"]));
    }

    [Fact]
    public void Two_needs_an_unknown_gap_apart_are_both_needed()
    {
        // \s* between a digit and 元 stops them joining, but both must be there.
        var sets = RequiredLiterals.Of(@"(?<=\d\s*)(?:元|块钱?)");

        Assert.True(sets.All(s => s.FoundIn("一共 5 元")));
        Assert.False(sets.All(s => s.FoundIn("这是元旦的事")));
        Assert.False(sets.All(s => s.FoundIn("3月15日")));
    }

    [Fact]
    public void The_trigger_walk_finds_strings_digits_and_pairs_in_one_pass()
    {
        var digitAndYuan = $"元{RequiredLiterals.And}{Digit}";
        var triggers = Triggers.Build([
            [new LiteralSet(["加微信"])],
            [new LiteralSet([digitAndYuan, "总价"])],
            [LiteralSet.AnyDigit],
        ])!;

        UInt128 Bits(string text) => triggers.Find(text, triggers.All);
        bool Runs(string text, int rule) => (Bits(text) & triggers.Needs[rule]) == triggers.Needs[rule];

        Assert.True(Runs("快加微信", 0));
        Assert.False(Runs("快加微 信", 0));
        Assert.True(Runs("5个苹果20元", 1)); // 元 and a digit, apart
        Assert.True(Runs("元宵节是15号", 1)); // in either order
        Assert.False(Runs("元宵节快乐", 1));
        Assert.True(Runs("总价面议", 1));
        Assert.True(Runs("第３名", 2)); // a full-width digit is a digit
        Assert.False(Runs("第三名", 2));
    }

    /// <summary>
    /// Past the sets the walk tracks, each rule keeps its first set before any rule's second is
    /// tracked: rules of two sets each (the second shared by none) come to a quarter more than the
    /// walk tracks, and the last rule, whose first set would once have gone untracked with its
    /// second, still runs only where its literal is.
    /// </summary>
    [Fact]
    public void Past_the_tracked_sets_every_rule_keeps_its_first_set_before_any_rule_s_others()
    {
        var count = Triggers.MaxSets * 5 / 8;
        var last = count - 1;
        var rules = Enumerable.Range(0, count)
            .Select(r => (IReadOnlyList<LiteralSet>)[new LiteralSet([$"甲{Name(r)}"]), new LiteralSet([$"乙{Name(r)}"])])
            .ToList();
        static char Name(int r) => (char)('\u4E00' + r); // a hanzi of its own per rule (digits are read as one mark)
        var triggers = Triggers.Build(rules)!;

        bool Runs(string text, int rule) => (triggers.Find(text, triggers.All) & triggers.Needs[rule]) == triggers.Needs[rule];

        Assert.All(Enumerable.Range(0, count), r => Assert.NotEqual(UInt128.Zero, triggers.Needs[r])); // every rule is guarded
        Assert.True(Runs($"甲{Name(last)}", last)); // its second set is not tracked
        Assert.False(Runs($"乙{Name(last)}", last)); // its first set is tracked: the rule needs it
        Assert.True(Runs($"甲{Name(last)} 乙{Name(last)}", last));
        Assert.False(Runs($"甲{Name(0)}", 0)); // an early rule keeps both
        Assert.True(Runs($"甲{Name(0)} 乙{Name(0)}", 0));
    }

    /// <summary>
    /// Past the sets the walk tracks, every rule's second set goes before any rule's third: rules of
    /// three sets each, a few short of half as many as the walk tracks, and the last rule still
    /// needs its first two words, while only the first rules keep their third.
    /// </summary>
    [Fact]
    public void Past_the_tracked_sets_the_second_sets_go_before_any_third()
    {
        static char Name(int r) => (char)('\u4E00' + r);
        var count = Triggers.MaxSets / 2 - 4;
        var last = count - 1;
        var rules = Enumerable.Range(0, count)
            .Select(r => (IReadOnlyList<LiteralSet>)[new LiteralSet([$"甲{Name(r)}"]), new LiteralSet([$"乙{Name(r)}"]), new LiteralSet([$"丙{Name(r)}"])])
            .ToList();
        var triggers = Triggers.Build(rules)!;

        bool Runs(string text, int rule) => (triggers.Find(text, triggers.All) & triggers.Needs[rule]) == triggers.Needs[rule];

        Assert.False(Runs($"甲{Name(last)}", last)); // its second set is tracked too
        Assert.True(Runs($"甲{Name(last)} 乙{Name(last)}", last)); // its third is not: the two suffice
        Assert.False(Runs($"甲{Name(0)} 乙{Name(0)}", 0)); // the first rules keep all three
        Assert.True(Runs($"甲{Name(0)} 乙{Name(0)} 丙{Name(0)}", 0));
    }

    /// <summary>
    /// The walk finds every set a plain search finds, and no other, on random text made of the
    /// literals' pieces: literals that begin inside others (微信 in 加微信), share a first pair
    /// (信用, 信用卡), are one character, or hold digits and parts.
    /// </summary>
    [Fact]
    public void The_trigger_walk_finds_what_a_plain_search_finds()
    {
        LiteralSet[] sets =
        [
            new(["加微信", "加v"]), new(["微信"]), new(["信用卡", "卡号"]), new(["信用"]), new(["+"]),
            new([$"元{RequiredLiterals.And}{Digit}"]), new([$"{Digit}{Digit}元"]), new(["元"]), new(["vv", "vx"]),
            LiteralSet.AnyDigit, new(["号码", "码"]),
        ];
        var triggers = Triggers.Build([.. sets.Select(set => (IReadOnlyList<LiteralSet>)[set])])!;
        string[] pieces = ["加", "微", "信", "用", "卡", "号", "码", "元", "v", "x", "+", "1", "2", "的", " ", "v"];
        var random = new Random(20261203);
        var wrong = new List<string>();
        for (var n = 0; n < 20_000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 10)).Select(_ => pieces[random.Next(pieces.Length)]));
            var found = triggers.Find(text, triggers.All);
            for (var r = 0; r < sets.Length; r++)
            {
                if (((found & triggers.Needs[r]) == triggers.Needs[r]) != sets[r].FoundIn(text))
                {
                    wrong.Add($"{text} (set {r})");
                }
            }
        }

        Assert.Empty(wrong);
    }

    /// <summary>
    /// The pass straight over the message (one-character literals read from a table, the trie asked
    /// only where a pair of characters could begin a longer literal) finds every set a plain search
    /// of the light fold finds, and no other: literals inside others, literals that share a first
    /// pair, one-character parts of combinations (past 64 of them they take the trie too), digits,
    /// and zero-width characters between the pieces.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_pass_over_the_raw_text_finds_what_a_plain_search_finds(bool manyParts)
    {
        var and = RequiredLiterals.And;
        var parts = Enumerable.Range(0, manyParts ? 40 : 3).Select(k => $"{(char)('甲' + 2 * k)}{and}{(char)('甲' + 2 * k + 1)}").ToList();
        LiteralSet[] sets =
        [
            new(["加微信", "加v"]), new(["微信"]), new(["信用卡", "卡号"]), new(["信用"]), new(["+"]),
            new([$"元{and}{Digit}"]), new([$"{Digit}{Digit}元"]), new(["元"]), new(["vv", "vx"]),
            new([$"不{and}收费", $"一{and}斤"]), new([$"不{and}不要钱"]), new([.. parts]),
            LiteralSet.AnyDigit, new(["号码", "码"]),
        ];
        var triggers = Triggers.Build([.. sets.Select(set => (IReadOnlyList<LiteralSet>)[set])])!;
        var folder = TextFolder.Plain;
        var raw = triggers.RawSymbols(folder.Table);
        List<string> pieces = ["加", "微", "信", "用", "卡", "号", "码", "元", "v", "x", "+", "1", "２", "的", " ", "V", "不", "收", "费", "要", "钱", "一", "斤", "\u200b"];
        pieces.AddRange(parts.SelectMany(p => p.Split(and)));
        var random = new Random(20261204);
        var wrong = new List<string>();
        for (var n = 0; n < 20_000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Count)]));
            var light = folder.FoldLight(text).Text.ToString();
            Assert.True(triggers.TryFindInRaw(text, raw, triggers.All, out var found), text);
            for (var r = 0; r < sets.Length; r++)
            {
                if (((found & triggers.Needs[r]) == triggers.Needs[r]) != sets[r].FoundIn(light))
                {
                    wrong.Add($"{text} (set {r})");
                }
            }
        }

        Assert.Empty(wrong);
    }

    /// <summary>
    /// The walk straight over the message (a table from each character to the symbol of its light
    /// fold) finds what the walk over the written-out light fold finds, or says it cannot, on text
    /// with full-width and other digits, case, interference, dropped marks and emoji.
    /// </summary>
    [Theory]
    [InlineData("快加微信，5个苹果20元")]
    [InlineData("快加ＷＥＩ信 总价 ３８８ 元")]
    [InlineData("加\u200b微\u200d信，总\u00ad价")] // zero-width characters and a soft hyphen
    [InlineData("元宵节是١٥号")] // Arabic-Indic digits are digits too
    [InlineData("加V：abc123，总價面議")]
    [InlineData("快加微信😀5元")] // an emoji: only the light fold can tell
    [InlineData("第三名")]
    [InlineData("")]
    public void The_walk_over_the_raw_text_finds_what_the_walk_over_the_light_fold_finds(string text)
    {
        var digitAndYuan = $"元{RequiredLiterals.And}{Digit}";
        var triggers = Triggers.Build([
            [new LiteralSet(["加微信", "加v"])],
            [new LiteralSet([digitAndYuan, "总价"])],
            [LiteralSet.AnyDigit],
        ])!;
        var folder = TextFolder.Plain;
        var light = folder.FoldLight(text).Text.ToString();
        var expected = triggers.Find(light, triggers.All);

        if (triggers.TryFindInRaw(text, triggers.RawSymbols(folder.Table), triggers.All, out var found))
        {
            Assert.Equal(expected, found);
        }
        else
        {
            Assert.Contains(text, c => char.IsSurrogate(c) || folder.Table[c] is var entry && (CharTables.Flags(entry) & CharFlags.KindMask) is not (CharFlags.Keep or CharFlags.Skip or CharFlags.Drop));
        }
    }

    [Theory]
    [InlineData("(?i)abc")] // inline options change what a literal matches
    [InlineData("a|")] // a branch that needs nothing
    [InlineData(".*")]
    [InlineData(@"(a)\1")] // a back-reference
    [InlineData("[^abc]+")]
    [InlineData(@"\w{3}")]
    [InlineData("(unbalanced")]
    public void What_cannot_be_read_needs_nothing(string pattern)
    {
        Assert.Empty(RequiredLiterals.Of(pattern));
    }

    [Fact]
    public void Nesting_past_the_bound_needs_nothing_rather_than_overflowing()
    {
        var deep = new string('(', 5000) + "a" + new string(')', 5000);

        Assert.Empty(RequiredLiterals.Of(deep));
    }

    /// <summary>
    /// Random patterns over a small alphabet (literals, classes with and without a subtraction, \d, dots, groups, alternation,
    /// every quantifier, anchors and all four lookarounds) against random texts: wherever the
    /// pattern matches, the text holds every set read from it.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_text_a_pattern_matches_holds_what_it_needs(int seed)
    {
        var random = new Random(seed);
        var matched = 0;
        var withSets = 0;
        for (var p = 0; p < 400; p++)
        {
            var pattern = RandomPattern(random, depth: 0);
            var sets = RequiredLiterals.Of(pattern);
            var regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
            withSets += sets.Count > 0 ? 1 : 0;
            for (var t = 0; t < 200; t++)
            {
                var text = RandomText(random);
                if (!IsMatch(regex, text))
                {
                    continue;
                }

                matched++;
                foreach (var set in sets)
                {
                    Assert.True(set.FoundIn(text), $"/{pattern}/ matches '{text}', which lacks all of {{{string.Join(",", set.Strings)}}}");
                }
            }
        }

        // Not vacuous: patterns were read and texts matched.
        Assert.True(withSets > 100, $"only {withSets} of 400 patterns gave sets");
        Assert.True(matched > 2000, $"only {matched} matches");
    }

    // .NET 10's backtracking interpreter throws IndexOutOfRangeException on some lazy loops of
    // loops inside a lookbehind ((?<=(?:[ac]*)+?(?:a?)?(?!$)|$)(?<=.*b{2}(?<!b+))[a1]+ on " 11"), a
    // fault of its own: such a text counts as no match. The rules run with NonBacktracking, which
    // takes no lookaround.
    private static bool IsMatch(Regex regex, string text)
    {
        try
        {
            return regex.IsMatch(text);
        }
        catch (IndexOutOfRangeException)
        {
            return false;
        }
    }

    private const string Alphabet = "ab1加微";

    private static string RandomText(Random random)
    {
        const string TextAlphabet = "ab1加微c2０ ";
        var length = random.Next(0, 14);
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(TextAlphabet[random.Next(TextAlphabet.Length)]);
        }

        return text.ToString();
    }

    private static string RandomPattern(Random random, int depth)
    {
        var pieces = random.Next(1, 4);
        var pattern = new StringBuilder();
        for (var i = 0; i < pieces; i++)
        {
            pattern.Append(RandomPiece(random, depth));
        }

        if (depth < 2 && random.Next(4) == 0)
        {
            pattern.Append('|').Append(RandomPattern(random, depth + 1));
        }

        return pattern.ToString();
    }

    private static string RandomPiece(Random random, int depth)
    {
        var atom = random.Next(depth < 2 ? 12 : 7) switch
        {
            0 or 1 or 2 => Alphabet[random.Next(Alphabet.Length)].ToString(),
            3 => @"\d",
            4 => random.Next(3) switch { 0 => "[a1]", 1 => "[a-c1-[b1]]", _ => "[ab加微-[a]]" }, // subtractions read as their base
            5 => ".",
            6 => random.Next(2) == 0 ? "^" : "$",
            7 or 8 => "(?:" + RandomPattern(random, depth + 1) + ")",
            9 => "(?<=" + RandomPattern(random, depth + 1) + ")",
            10 => "(?=" + RandomPattern(random, depth + 1) + ")",
            _ => (random.Next(2) == 0 ? "(?<!" : "(?!") + RandomPattern(random, depth + 1) + ")",
        };

        if (atom is "^" or "$" || atom.StartsWith("(?<", StringComparison.Ordinal) || atom.StartsWith("(?=", StringComparison.Ordinal) || atom.StartsWith("(?!", StringComparison.Ordinal))
        {
            return atom;
        }

        return atom + random.Next(9) switch
        {
            0 => "?",
            1 => "*",
            2 => "+",
            3 => "{2}",
            4 => "{1,3}",
            5 => "+?",
            _ => "",
        };
    }
}
