using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// Messages written to hold up the single moderation worker: a megabyte of a term and of allow
/// phrases around it, or of near misses for the word check. Each must still get the right verdict.
/// </summary>
public sealed class HostileMessageTests
{
    // About the largest text a webhook body (1 MiB) can carry.
    private const int Repeats = 200_000;

    private static readonly string AllowedMegabyte = string.Concat(Enumerable.Repeat("你妈的电话", Repeats));

    private static RuleSet Mother(bool unless) => MessageDetectorTests.Load(
        "pack: m\nrules:\n  - id: m.mother\n    terms: [你妈的]\n" + (unless ? "    unless: [你妈的电话]\n" : ""),
        allow: unless ? null : "你妈的电话\n");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_megabyte_of_allowed_phrases_is_not_flagged(bool unless)
    {
        var verdict = MessageDetector.Detect(Mother(unless), AllowedMegabyte, "1");

        Assert.False(verdict.Flagged);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_one_term_after_a_megabyte_of_allowed_phrases_is_the_one_hit(bool unless)
    {
        var text = AllowedMegabyte + "，你妈的";

        var verdict = MessageDetector.Detect(Mother(unless), text, "1");

        var hit = Assert.Single(verdict.Hits);
        Assert.Equal(text.Length - 3, hit.Start);
        Assert.Equal(3, hit.Length);
    }

    [Fact]
    public void A_megabyte_of_a_term_gives_one_hit_for_its_rule()
    {
        var text = string.Concat(Enumerable.Repeat("你妈的", Repeats));

        var verdict = MessageDetector.Detect(Mother(unless: true), text, "1");

        var hit = Assert.Single(verdict.Hits);
        Assert.Equal(0, hit.Start);
    }

    [Fact]
    public void A_megabyte_of_near_misses_stops_asking_the_segmenter_and_is_flagged()
    {
        var rules = MessageDetectorTests.Load("pack: w\nrules:\n  - id: w.powder\n    terms: [白粉]\n    match: word\n");
        var words = new FakeSegmenter("漂白粉", "白粉");
        var text = string.Concat(Enumerable.Repeat("漂白粉", Repeats));

        var verdict = MessageDetector.Detect(rules, text, "1", words);

        // Past the budget a candidate is taken as a word, as without a segmenter: a flood of near
        // misses is flagged rather than let hide the real term behind it.
        Assert.Equal(DetectionEngine.MaxWordChecks, words.Segmented.Count);
        Assert.Equal("w.powder", Assert.Single(verdict.Hits).Rule.Id);
    }

    [Fact]
    public void Near_misses_aimed_at_nobody_ask_the_segmenter_nothing()
    {
        // A term that must be a word and aimed at a person: where no person is in reach, whether it
        // is a word does not matter, and the segmenter is not asked.
        var rules = MessageDetectorTests.Load("pack: w\nrules:\n  - id: w.powder\n    terms: [白粉]\n    match: word\n    target: person\n");
        var words = new FakeSegmenter("漂白粉", "白粉");
        var text = string.Concat(Enumerable.Repeat("漂白粉。", DetectionEngine.MaxWordChecks * 2));

        Assert.False(MessageDetector.Detect(rules, text, "1", words).Flagged);
        Assert.Empty(words.Segmented);

        var hit = Assert.Single(MessageDetector.Detect(rules, text + "你卖白粉", "1", words).Hits);
        Assert.Equal(text.Length + 2, hit.Start);
    }

    private static readonly Lazy<RuleSet> TrashAtPeople = new(() => MessageDetectorTests.Load("pack: p\nrules:\n  - id: p.trash\n    terms: [垃圾]\n    target: person\n"));

    [Fact]
    public void A_megabyte_of_insults_aimed_at_things_is_read_through_to_the_one_aimed_at_a_person()
    {
        // Nobody in reach of any 垃圾 but the last: each is dropped at a look, no segmenting, no budget.
        var things = string.Concat(Enumerable.Repeat("快递垃圾，", Repeats));
        var words = new FakeSegmenter("快递");

        Assert.False(MessageDetector.Detect(TrashAtPeople.Value, things, "1", words).Flagged);
        var hit = Assert.Single(MessageDetector.Detect(TrashAtPeople.Value, things + "你垃圾", "1", words).Hits);
        Assert.Equal(things.Length + 1, hit.Start);
        Assert.DoesNotContain(words.Segmented, w => w.Contains("快递", StringComparison.Ordinal)); // only the last clause was segmented
    }

    [Fact]
    public void A_megabyte_of_insults_near_words_that_name_nobody_stops_looking_for_a_person_and_is_flagged()
    {
        // 他 inside 其他 names nobody, but only the segmenter can tell.
        var text = string.Concat(Enumerable.Repeat("其他垃圾，", Repeats));

        var verdict = MessageDetector.Detect(TrashAtPeople.Value, text, "1", new FakeSegmenter("其他"));

        // As with the word checks: past the budget a hit is taken as aimed at a person.
        var hit = Assert.Single(verdict.Hits);
        Assert.Equal(DetectionEngine.MaxWordChecks * 5 + 2, hit.Start);
    }

    [Fact]
    public void Insults_near_words_that_name_nobody_within_the_budget_are_still_checked_one_by_one()
    {
        var things = string.Concat(Enumerable.Repeat("其他垃圾，", DetectionEngine.MaxWordChecks - 1));
        var words = new FakeSegmenter("其他");

        Assert.False(MessageDetector.Detect(TrashAtPeople.Value, things, "1", words).Flagged);
        var hit = Assert.Single(MessageDetector.Detect(TrashAtPeople.Value, things + "你垃圾", "1", words).Hits);
        Assert.Equal(things.Length + 1, hit.Start);
    }

    [Fact]
    public void Near_misses_within_the_budget_are_still_checked_one_by_one()
    {
        var rules = MessageDetectorTests.Load("pack: w\nrules:\n  - id: w.powder\n    terms: [白粉]\n    match: word\n");
        var words = new FakeSegmenter("漂白粉", "白粉", "卖");
        var nearMisses = string.Concat(Enumerable.Repeat("漂白粉，", DetectionEngine.MaxWordChecks - 1));

        Assert.False(MessageDetector.Detect(rules, nearMisses, "1", words).Flagged);
        var hit = Assert.Single(MessageDetector.Detect(rules, nearMisses + "卖白粉", "1", words).Hits);
        Assert.Equal(nearMisses.Length + 1, hit.Start);
    }

    private static readonly Lazy<RuleSet> Insult = new(() => MessageDetectorTests.Load("pack: i\nrules:\n  - id: i.insult\n    terms: [傻逼]\n"));

    [Theory]
    [InlineData('\uFDFA', 40)] // ﷺ: NFKC writes it as 18 letters and spaces
    [InlineData('\uFB03', 300)] // ﬃ: three letters
    public void Characters_that_fold_to_several_letters_do_not_hide_the_term_after_them(char ligature, int count)
    {
        var text = new string(ligature, count) + "傻逼";

        var verdict = FreshThread.Run(() => MessageDetector.Detect(Insult.Value, text, "1"));

        var hit = Assert.Single(verdict.Hits);
        Assert.Equal("i.insult", hit.Rule.Id);
        Assert.Equal(count, hit.Start);
        Assert.Equal(2, hit.Length);
    }

    /// <summary>
    /// A message of 20,000 ﷺ (NFKC writes each as 18 letters and spaces) grew the thread's fold
    /// buffers to some 320,000 characters, with the shipped packs' regexes its light fold too: about
    /// 8 MB kept by every thread that ever read one (25 MB for a message at the length limit). They
    /// are let go once its matching is done; an ordinary message's stay for the next.
    /// </summary>
    [Fact]
    public void A_long_messages_fold_buffers_are_let_go_once_it_is_matched()
    {
        var text = new string('\uFDFA', 20_000) + "傻逼";

        var (insult, after, ordinary) = FreshThread.Run(() =>
        {
            var insult = MessageDetector.Detect(Insult.Value, text, "1");
            MessageDetector.Detect(ShippedRules.Value, text, "1");
            var after = TextFolder.BufferCapacities;
            MessageDetector.Detect(ShippedRules.Value, "你个傻逼，加微信 abc12345", "1");
            return (insult, after, TextFolder.BufferCapacities);
        });

        Assert.Equal(20_000, Assert.Single(insult.Hits).Start);
        Assert.True(after.Fold <= TextFolder.KeptCapacity, $"fold buffer kept {after.Fold} characters");
        Assert.True(after.Light <= TextFolder.KeptCapacity, $"light buffer kept {after.Light} characters");
        Assert.True(after.Compact <= TextFolder.KeptCapacity, $"compact buffer kept {after.Compact} characters");
        Assert.InRange(ordinary.Fold, 1, TextFolder.KeptCapacity);
    }

    [Fact]
    public void A_term_written_with_characters_that_fold_to_several_letters_loads_and_matches()
    {
        var term = new string('\uFDFA', 30);

        var rules = FreshThread.Run(() => MessageDetectorTests.Load($"pack: i\nrules:\n  - id: i.blessing\n    terms: ['{term}']\n"));

        Assert.Equal("i.blessing", Assert.Single(MessageDetector.Detect(rules, "看 " + term, "1").Hits).Rule.Id);
    }

    // What bends the folds apart: clause breaks (kept in the compact text, yet counted as a gap),
    // characters NFKC writes as several letters, invisible ones, emoji, combining marks, surrogates
    // without their partner, circled and squared letters and digits, faces and mentions written as
    // text, and some of the shipped packs' words.
    private static readonly string[] Pieces =
    [
        "！", "？", "。", "，", "!", "\n", "\r\n", " ", "*", ".", "\uFDFA", "\uFB03", "\u3300", "\u200B", "\u200D", "\uFE0F",
        "😀", "👍🏻", "\u0301", "\uD800", "\uDC00", "ⓢ", "Ⓑ", "🅢", "🄱", "①", "[微笑]", "/斜眼笑", "@张三 ", "@",
        "a", "v", "傻", "逼", "出售", "冰毒", "加", "微信", "abc12345", "13800138000", "http://", "www。", "。com",
    ];

    private static readonly string[] Spam = ["出售冰毒 加微信abc12345 价格优惠", "加❤微❤信：shop_888 领券", "百家乐 首充返水 https://a.xyz/r", "代开发票 13800138000"];

    [Fact]
    public void Hostile_mixes_of_characters_up_to_a_webhooks_limit_never_make_the_shipped_packs_throw()
    {
        var random = new Random(20261206);
        var texts = new List<string>();
        for (var n = 0; n < 300; n++)
        {
            // Each text is made of a few pieces only, so that one kind can fill it.
            var alphabet = Enumerable.Range(0, random.Next(1, 5)).Select(_ => Pieces[random.Next(Pieces.Length)]).ToArray();
            var roll = random.Next(100);
            var length = roll < 70 ? random.Next(1, 300) : roll < 95 ? random.Next(300, 5_000) : random.Next(5_000, 65_536);
            // Half of them pad spam, so that the regexes run and read the compact text too.
            var text = new System.Text.StringBuilder(length + 16);
            if (random.Next(2) == 0)
            {
                text.Append(Spam[random.Next(Spam.Length)]);
                length = Math.Min(length + text.Length, 65_536);
            }

            while (text.Length < length)
            {
                // In runs, as a spammer pads (！！！！！！！！！！, ﷺﷺﷺ).
                text.Insert(text.Length, alphabet[random.Next(alphabet.Length)], random.Next(1, 16));
            }

            texts.Add(text.ToString(0, length));
        }

        // Each on a thread of its own, whose fold buffers start small: they only ever grow, so a text
        // read after a longer one would not show that it outgrows them.
        var failures = new List<string>();
        _ = ShippedRules.Value;
        foreach (var text in texts)
        {
            try
            {
                FreshThread.Run(() => MessageDetector.Detect(ShippedRules.Value, text, "1"));
            }
            catch (Exception ex)
            {
                var at = ex.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("GroupGuard.Core", StringComparison.Ordinal));
                failures.Add($"{ex.GetType().Name} {at?.Split(" in ")[0]} on {text.Length} chars starting '{Escape(text[..Math.Min(text.Length, 40)])}'");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {texts.Count} texts threw:\n" + string.Join("\n", failures.Take(20)));
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is < ' ' or (>= '\uD800' and <= '\uDFFF') or (>= '\uFB00' and <= '\uFEFF') ? $"\\u{(int)c:X4}" : c.ToString()));
}
