using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

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
}
