using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Detection;

public sealed class MessageDetectorTests
{
    internal static RuleSet Load(string yaml, string? variants = null, string? allow = null)
    {
        using var dir = new TempFolder();
        dir.Write("pack.yaml", yaml);
        if (variants is not null)
        {
            dir.Write("variants.txt", variants);
        }

        if (allow is not null)
        {
            dir.Write("allow.txt", allow);
        }

        var result = RuleLoader.Load(dir.Path);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.RuleSet!;
    }

    private static readonly RuleSet Rules = Load(
        """
        pack: test
        category: ads
        action: recall
        rules:
          - id: t.contact
            terms: [加微信, VX]
          - id: t.english
            terms: [av, fuck]
            unless: [fuck off]
          - id: t.site
            regex: 'https?://[^\s]*\.(xyz|top)'
          - id: t.banned
            terms: [法轮功]
          - id: t.insult
            terms: [傻逼]
            pinyin: true
          - id: t.drug
            terms: [白粉]
        """,
        variants: "微 薇 威 v V\n",
        allow: "微信支付\n");

    private static readonly FakeSegmenter Words = WithRuleTerms(new FakeSegmenter("漂白粉", "卖", "逼真", "你这个", "真是", "脑残"));

    // As the service does on every load: the rule terms become words first.
    private static FakeSegmenter WithRuleTerms(FakeSegmenter segmenter)
    {
        segmenter.UseTerms(Rules.Version, Rules.WordTerms);
        return segmenter;
    }

    private static RuleHit Single(string text)
    {
        var verdict = MessageDetector.Detect(Rules, text, "1", Words);
        return Assert.Single(verdict.Hits);
    }

    [Theory]
    [InlineData("快来加微信领红包", "t.contact", "加微信")]
    [InlineData("请加ＶＸ联系", "t.contact", "ＶＸ")] // full width, upper case
    [InlineData("看 AV 吗", "t.english", "AV")]
    [InlineData("ＦＵＣＫ", "t.english", "ＦＵＣＫ")]
    [InlineData("ｆuｃk this", "t.english", "ｆuｃk")]
    [InlineData("fuuuuck", "t.english", "fuuuuck")] // Latin letters repeated three times or more
    [InlineData("FFFUUUCCCKKK!", "t.english", "FFFUUUCCCKKK")]
    [InlineData("戳 https://evil.XYZ/a", "t.site", "https://evil.XYZ")]
    [InlineData("戳 https：//evil．xyz/a", "t.site", "https：//evil．xyz")] // full-width punctuation
    public void A_term_fires_after_width_and_case_folding_and_the_span_covers_what_was_written(string text, string rule, string written)
    {
        var hit = Single(text);

        Assert.Equal(rule, hit.Rule.Id);
        Assert.Equal(written, text.Substring(hit.Start, hit.Length));
    }

    [Theory]
    [InlineData("他是个ⓢⓑ", "t.insult", "ⓢⓑ")] // circled small letters
    [InlineData("他是个ⓈⒷ", "t.insult", "ⓈⒷ")] // circled capitals
    [InlineData("他是个🅢🅑", "t.insult", "🅢🅑")] // negative circled, outside the BMP
    [InlineData("他是个🅂🄱", "t.insult", "🅂🄱")] // squared
    [InlineData("ⓕⓤⓒⓚ this", "t.english", "ⓕⓤⓒⓚ")]
    [InlineData("请加ⓋⓍ联系", "t.contact", "ⓋⓍ")]
    [InlineData("请加🅥🅇联系", "t.contact", "🅥🅇")]
    [InlineData("快加ⓥ信", "t.contact", "加ⓥ信")] // a lone letter beside hanzi is the variant it stands for
    [InlineData("戳 https://evil.ⓍⓎⓏ/a", "t.site", "https://evil.ⓍⓎⓏ")] // a regex reads them lower case
    public void Circled_and_squared_letters_are_the_letters_they_enclose_and_the_span_covers_them(string text, string rule, string written)
    {
        var hit = Single(text);

        Assert.Equal(rule, hit.Rule.Id);
        Assert.Equal(written, text.Substring(hit.Start, hit.Length));
    }

    [Theory]
    [InlineData("法 轮 功")] // spaces
    [InlineData("法*轮*功")] // symbols
    [InlineData("法①轮②功")] // circled digits
    [InlineData("法😀轮🎉功")] // emoji
    [InlineData("法\u200B轮\u200B功")] // zero width
    [InlineData("法\u200D轮\uFE0F功")] // joiner, variation selector
    [InlineData("法輪功")] // traditional
    [InlineData("法法轮轮功功")] // repeats
    [InlineData("（法）【轮】《功》")] // brackets
    public void Evasions_between_the_letters_of_a_term_are_seen_through(string text)
    {
        var hit = Single(text);
        var covered = text.Substring(hit.Start, hit.Length);

        Assert.Equal("t.banned", hit.Rule.Id);
        Assert.Equal(text.IndexOf('法', StringComparison.Ordinal), hit.Start);
        Assert.EndsWith("功", covered, StringComparison.Ordinal);
        Assert.Equal(text.LastIndexOf('功') + 1, hit.Start + hit.Length);
    }

    [Theory]
    [InlineData("快加薇信")]
    [InlineData("快加威信")]
    [InlineData("快加v信")]
    [InlineData("快加V信")]
    [InlineData("快加 V 信")]
    public void Variants_stand_for_their_canonical_character(string text)
    {
        Assert.Equal("t.contact", Single(text).Rule.Id);
    }

    [Theory]
    [InlineData("他是个傻逼")]
    [InlineData("他是个shabi")]
    [InlineData("他是个 SHA BI")]
    [InlineData("他是个sb")]
    [InlineData("他是个傻b")]
    [InlineData("他是个sha逼")]
    [InlineData("傻傻逼逼")]
    public void Pinyin_forms_fire_for_rules_that_ask_for_them(string text)
    {
        Assert.Equal("t.insult", Single(text).Rule.Id);
    }

    [Theory]
    [InlineData("I have a plan")] // av inside a word
    [InlineData("the sbt build tool")] // sb inside a word
    [InlineData("shabby chic")] // shab… is not shabi
    [InlineData("a good avocado")] // doubles stay: good is not god, av is still inside avocado
    [InlineData("今天天气不错，微信支付可以用")] // allow.txt covers 微信
    [InlineData("fuck off already")] // the rule's unless covers it
    [InlineData("漂白粉可以消毒")] // 白粉 inside the word 漂白粉
    [InlineData("你这个傻。逼急了可不好")] // a short term across a clause break
    [InlineData("")]
    [InlineData("   ")]
    public void Ordinary_chat_is_not_flagged(string text)
    {
        var verdict = MessageDetector.Detect(Rules, text, "1", Words);

        Assert.False(verdict.Flagged, string.Join(", ", verdict.Hits.Select(h => $"{h.Rule.Id}@{h.Start}")));
    }

    [Fact]
    public void Each_verdict_keeps_its_own_hits_when_the_next_message_is_read()
    {
        // The engine gathers hits in buffers of its thread; a verdict the caller holds must not change.
        var first = MessageDetector.Detect(Rules, "加微信 看 https://evil.xyz/a", "1", Words);
        var clean = MessageDetector.Detect(Rules, "今天天气不错", "1", Words);
        var second = MessageDetector.Detect(Rules, "卖白粉", "1", Words);

        Assert.Equal(["t.contact", "t.site"], first.Hits.Select(h => h.Rule.Id));
        Assert.Empty(clean.Hits);
        Assert.Equal(["t.drug"], second.Hits.Select(h => h.Rule.Id));
    }

    private static readonly Lazy<RuleSet> Stitchable = new(() => Load("""
        pack: s
        rules:
          - id: s.terms
            terms: [尼哥, 死妈, 女人都是, 法轮功, 加微信]
        """));

    [Theory]
    [InlineData("女人，都是有故事的")] // the words: a four-character term across a comma
    [InlineData("新闻已死: 妈的")] // across a repost's colon
    [InlineData("新闻已死：妈的")]
    [InlineData("今日悉尼: 哥错捏")]
    [InlineData("法轮。功")]
    [InlineData("法，轮，功")]
    [InlineData("加, 微信")] // ASCII punctuation ends a clause as well
    [InlineData("加!微信")]
    [InlineData("加微\n信")] // a line break
    public void No_term_is_stitched_together_across_a_clause_break(string text)
    {
        var verdict = MessageDetector.Detect(Stitchable.Value, text, "1");

        Assert.False(verdict.Flagged, string.Join(", ", verdict.Hits.Select(h => $"{h.Matched}@{h.Start}")));
    }

    [Theory]
    [InlineData("法 轮*功", "法 轮*功")] // interference inside a word is still seen through
    [InlineData("法-轮-功好", "法-轮-功")]
    [InlineData("法.轮.功", "法.轮.功")] // an ASCII full stop is not a clause break
    [InlineData("女人都是，骗子", "女人都是")]
    [InlineData("好的。加😀微😀信", "加😀微😀信")]
    [InlineData("你死妈了", "死妈")]
    public void A_term_within_one_clause_still_fires_across_interference(string text, string written)
    {
        var hit = Assert.Single(MessageDetector.Detect(Stitchable.Value, text, "1").Hits);

        Assert.Equal(written, text.Substring(hit.Start, hit.Length));
    }

    [Fact]
    public void An_allow_phrase_still_covers_a_hit_across_a_clause_break()
    {
        var rules = Load("""
            pack: a
            rules:
              - id: a.insult
                terms: [恶心]
                unless: [恶心呕吐]
            """);

        Assert.False(MessageDetector.Detect(rules, "出现发热、咳嗽、恶心、呕吐等症状时请就医", "1").Flagged);
        Assert.True(MessageDetector.Detect(rules, "你真恶心", "1").Flagged);
    }

    private static readonly Lazy<(RuleSet Rules, FakeSegmenter Words)> Repeats = new(() =>
    {
        var rules = Load("""
            pack: r
            rules:
              - id: r.terms
                terms: [他妈的, 你妈的, 妈的, 个屁, 傻逼, 兼职刷单]
            """);
        var words = new FakeSegmenter("妈妈", "屁屁", "的确", "路上", "手机");
        words.UseTerms(rules.Version, rules.WordTerms);
        return (rules, words);
    });

    [Theory]
    [InlineData("他妈妈的")] // the words: 妈妈 is a word, so this is not 他妈的
    [InlineData("你妈妈的路上")] // nor 你妈的, nor 妈的
    [InlineData("好个屁屁")] // nor 个屁
    [InlineData("我妈妈的手机")]
    public void Counting_a_doubled_word_once_never_makes_a_term(string text)
    {
        var verdict = MessageDetector.Detect(Repeats.Value.Rules, text, "1", Repeats.Value.Words);

        Assert.False(verdict.Flagged, string.Join(", ", verdict.Hits.Select(h => $"{h.Matched}@{h.Start}")));
    }

    [Theory]
    [InlineData("傻傻逼逼", "傻逼")] // a stutter: every character repeated
    [InlineData("兼兼职职刷刷单单", "兼职刷单")]
    [InlineData("他他妈妈的的", "他妈的")]
    [InlineData("傻逼逼逼", "傻逼")] // three copies or more are emphasis
    [InlineData("兼职职刷单", "兼职刷单")] // a double that is no word counts once
    [InlineData("他妈的的确很烦", "他妈的")] // the term is there as written; 的的 is no word
    public void Repeated_characters_still_count_once_in_a_stutter_emphasis_or_a_double_that_is_no_word(string text, string term)
    {
        var verdict = MessageDetector.Detect(Repeats.Value.Rules, text, "1", Repeats.Value.Words);

        Assert.Equal(term, Assert.Single(verdict.Hits).Matched);
    }

    [Fact]
    public void A_short_term_fires_where_it_stands_as_a_word()
    {
        Assert.Equal("t.drug", Single("他在卖白粉").Rule.Id);
        Assert.Equal("t.insult", Single("你这个傻逼真是脑残").Rule.Id);
    }

    [Fact]
    public void Each_rule_fires_once_however_many_of_its_terms_appear_in_text_order()
    {
        var verdict = MessageDetector.Detect(Rules, "vx 加微信 加微信 av", "1", Words);

        Assert.Equal(["t.contact", "t.english"], verdict.Hits.Select(h => h.Rule.Id));
        Assert.Equal(0, verdict.Hits[0].Start);
    }

    [Fact]
    public void A_pack_applies_only_to_its_groups()
    {
        var scoped = Load("""
            pack: scoped
            groups: ["100", "200"]
            rules:
              - id: s.word
                terms: [广告位]
            """);
        var excluding = Load("""
            pack: excluding
            groups: ["!300"]
            rules:
              - id: e.word
                terms: [广告位]
            """);

        Assert.True(MessageDetector.Detect(scoped, "广告位", "100").Flagged);
        Assert.False(MessageDetector.Detect(scoped, "广告位", "300").Flagged);
        Assert.True(MessageDetector.Detect(scoped, "广告位", groupId: null).Flagged);
        Assert.True(MessageDetector.Detect(excluding, "广告位", "100").Flagged);
        Assert.False(MessageDetector.Detect(excluding, "广告位", "300").Flagged);
    }

    [Fact]
    public void Substring_mode_fires_inside_words_and_word_mode_does_not()
    {
        var rules = Load("""
            pack: modes
            rules:
              - id: m.sub
                terms: [白粉]
                match: substring
              - id: m.word
                terms: [消毒液]
                match: word
            """);
        var words = new FakeSegmenter("漂白粉", "消毒液体");

        Assert.Equal("m.sub", Assert.Single(MessageDetector.Detect(rules, "漂白粉", "1", words).Hits).Rule.Id);
        Assert.False(MessageDetector.Detect(rules, "买消毒液体", "1", words).Flagged);
        Assert.True(MessageDetector.Detect(rules, "买消毒液", "1", words).Flagged);
    }

    [Theory]
    [InlineData("我最讨厌河南人了", true)]
    [InlineData("我不讨厌河南人", false)]
    [InlineData("我们从来没有讨厌河南人", false)]
    [InlineData("我不 讨厌河南人", false)] // interference between the negation and the hit is skipped as usual
    [InlineData("我不。讨厌河南人就是讨厌", true)] // a clause break ends the negation's reach
    [InlineData("我不讨厌河南人，但讨厌河南人的骗子", true)] // a later, plain occurrence still fires
    [InlineData("不知道为什么讨厌河南人", true)] // 不 is not right before the hit
    public void A_negation_right_before_a_hit_cancels_it(string text, bool flagged)
    {
        var rules = Load("""
            pack: neg
            rules:
              - id: n.hate
                terms: [讨厌河南人]
                unless_preceded_by: [不, 没有]
            """);

        var verdict = MessageDetector.Detect(rules, text, "1");

        Assert.Equal(flagged, verdict.Flagged);
    }

    [Theory]
    [InlineData("河南人偷井盖", true)]
    [InlineData("都说河南人偷井盖", false)] // hearsay of the group's act: the word stands before the group word
    [InlineData("都说偷井盖", false)]
    [InlineData("都说，河南人偷井盖", true)] // a clause break between them ends the reach
    [InlineData("都说河南人，偷井盖", true)] // and so does one between the group word and the hit
    [InlineData("都说我们偷井盖", true)] // 我们 is no group word
    [InlineData("不河南人偷井盖", true)] // one character before a group word is not taken as a denial
    [InlineData("不偷井盖", false)] // right before the hit it is
    public void A_negation_before_a_group_word_that_stands_right_before_a_hit_cancels_it(string text, bool flagged)
    {
        var rules = Load("""
            pack: neg
            rules:
              - id: n.region
                terms: [偷井盖]
                unless_preceded_by: [不, 都说]
            """);

        var verdict = MessageDetector.Detect(rules, text, "1");

        Assert.Equal(flagged, verdict.Flagged);
    }

    private static readonly Lazy<RuleSet> PowderInWordMode = new(() => Load("""
        pack: w
        rules:
          - id: w.powder
            terms: [白粉]
            match: word
        """));

    [Fact]
    public void The_word_check_segments_only_the_clause_around_a_candidate()
    {
        var rules = PowderInWordMode.Value;
        var words = new FakeSegmenter("漂白粉", "白粉");
        var text = "今天我们去超市买了很多东西，有漂白粉和洗衣液，还有一些水果和蔬菜。" + new string('好', 200) + "，卖白粉的又来了。";

        var verdict = MessageDetector.Detect(rules, text, "1", words);

        // 漂白粉 in the second clause is a word of its own: no hit there; 白粉 in the last clause is.
        var hit = Assert.Single(verdict.Hits);
        Assert.Equal("白粉", text.Substring(hit.Start, hit.Length));
        Assert.Equal(text.LastIndexOf("白粉", StringComparison.Ordinal), hit.Start);
        Assert.Equal(["有漂白粉和洗衣液", "卖白粉的又来了"], words.Segmented);
    }

    [Fact]
    public void In_a_long_clause_the_word_check_looks_a_bounded_distance_either_side()
    {
        var rules = PowderInWordMode.Value;
        var words = new FakeSegmenter("漂白粉", "白粉");
        var text = new string('好', 500) + "漂白粉" + new string('好', 500);

        Assert.False(MessageDetector.Detect(rules, text, "1", words).Flagged);
        var segmented = Assert.Single(words.Segmented);
        Assert.True(segmented.Length < 60, $"segmented {segmented.Length} characters");
        Assert.Contains("漂白粉", segmented, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_text_is_scanned_with_the_message()
    {
        var message = Messages.Group("看看这个", cards: [new CardContent("json", "福利", "加微信领取", "https://example.com")]);

        var verdict = MessageDetector.Detect(Rules, message, Words);

        Assert.Equal("t.contact", Assert.Single(verdict.Hits).Rule.Id);
    }

    [Fact]
    public void A_rules_folder_without_variants_gets_the_shipped_ones_and_an_empty_file_turns_them_off()
    {
        const string pack = "pack: v\nrules:\n  - id: v.wx\n    terms: [加微信]\n";

        var builtIn = Load(pack);
        var none = Load(pack, variants: "# none\n");

        Assert.NotEmpty(builtIn.Variants);
        Assert.True(MessageDetector.Detect(builtIn, "快加威信", "1").Flagged);
        Assert.True(MessageDetector.Detect(builtIn, "快加V信", "1").Flagged);
        Assert.Empty(none.Variants);
        Assert.False(MessageDetector.Detect(none, "快加威信", "1").Flagged);
    }

    [Fact]
    public void Word_terms_are_handed_to_the_segmenter_folded()
    {
        Assert.Contains("白粉", Rules.WordTerms);
        Assert.Contains("傻逼", Rules.WordTerms);
        Assert.DoesNotContain("法轮功", Rules.WordTerms); // three characters: substring mode
    }
}

public sealed class FastPassTests
{
    [Fact]
    public void The_fast_pass_never_rules_out_a_message_the_full_pass_would_match()
    {
        var rules = MessageDetectorTests.Load(
            """
            pack: fast
            rules:
              - id: f.terms
                terms: [加微信, 傻逼, 白粉, vx, 法轮功, pk10, fuck, 屌]
                pinyin: true
                unless: [微信支付]
            """,
            variants: "微 薇 v\n");
        string[] pieces = ["uuu", "kk", "fu", "c", "加", "微", "薇", "信", "傻", "逼", "白", "粉", "法", "轮", "輪", "功", "v", "V", "x", "ｖ", "p", "k", "1", "0",
            "sha", "bi", "s", "b", " ", "，", "。", "*", "①", "😀", "\u200B", "\uFE0F", "𠀀", "𝐀", "㈱", "的", "a", "屌", "吊", "        "];
        string[] filler = ["今天", "天气", "不错", "我们", "去", "吃饭", "[阴险]", "@张三 ", "/斜眼笑", "ok", "。", "，", "  ", "微笑", "白天", "信封"];
        var random = new Random(20261126);
        var misses = new List<string>();
        var differ = new List<string>();
        for (var n = 0; n < 20_000; n++)
        {
            // Short texts, and long ones whose first pattern comes late (a walk started shortly before it).
            var text = n % 2 == 0
                ? string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)]))
                : string.Concat(Enumerable.Range(0, random.Next(20, 60)).Select(_ => random.Next(3) == 0 ? pieces[random.Next(pieces.Length)] : filler[random.Next(filler.Length)]));
            var (fast, full, same) = rules.Engine.CompareFastAndFull(text);
            if (full && !fast)
            {
                misses.Add(text);
            }

            if (fast && !same)
            {
                differ.Add(text);
            }
        }

        Assert.Empty(misses);
        Assert.Empty(differ); // the full pass, started where the fast pass says, finds all it finds from the start
    }
}
