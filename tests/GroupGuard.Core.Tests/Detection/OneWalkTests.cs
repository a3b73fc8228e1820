using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// The fast pass walks one automaton that holds the regex and detector literals as well as the
/// terms, folded as terms are. A literal may be found where the light fold (which regexes read)
/// does not hold it, which only runs a regex that then finds nothing; never the other way, or a
/// rule would not run where it matches.
/// </summary>
public sealed class OneWalkTests
{
    private static readonly RuleSet Rules = MessageDetectorTests.Load(
        """
        pack: walk
        category: ads
        rules:
          - id: w.plus
            regex: '\+\s*(微信|vx)'
          - id: w.link
            regex: 'https?://\S+'
          - id: w.colon
            regex: '[a-z]+://'
          - id: w.phone
            regex: '1\d{10}'
          - id: w.front
            regex: '前\d名'
          - id: w.unit
            regex: '\d+元/个'
          - id: w.per
            regex: '/(个|人)\d'
          - id: w.double
            regex: '扣扣\s*\d+|时时彩'
          - id: w.latin
            regex: '(line|vx)\s*[:：]\s*\w+'
          - id: w.term
            terms: [加微信]
          - id: w.glued
            regex: '加v\w{3}|\w\wv群'
          - id: w.mobile
            detector: cn_mobile
        """,
        variants: "微 薇 v\n");

    // Pieces that each bend the two folds apart: interference that is a literal (+, full-width ＋),
    // interference inside literals (:, /, .) and before them (/人), digits the fold writes otherwise (① written 1, ٣ an
    // Arabic-Indic digit, ５ full width), doubled hanzi, case and full-width letters, a letter that
    // stands for a hanzi beside hanzi (v), zero-width and variation marks, an emoji, long gaps,
    // and symbols a regex reads through in the compact text (❤ · … *).
    private static readonly string[] Pieces =
    [
        "+", "＋", ":", "：", "/", "／", ".", " ", "http", "s", "line", "LINE", "vx", "ＶＸ", "v", "微", "薇", "信", "加",
        "1", "3", "8", "０", "５", "①", "٣", "前", "名", "元", "个", "人", "扣", "时", "彩", "\u200B", "\uFE0F", "😀",
        "        ", "，", "abc", "的", "❤", "·", "…", "*",
    ];

    [Fact]
    public void The_one_walk_finds_every_literal_the_light_fold_holds()
    {
        var random = new Random(20261204);
        var missed = new List<string>();
        var walked = 0;
        for (var n = 0; n < 30_000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 16)).Select(_ => Pieces[random.Next(Pieces.Length)]));
            var (whole, seen, light) = Rules.Engine.CompareWalks(text);
            if (whole)
            {
                walked++;
                if ((seen & light) != light)
                {
                    missed.Add(text);
                }
            }
        }

        Assert.Empty(missed);
        Assert.True(walked > 10_000, $"only {walked} texts walked to the end: the test no longer tries the one walk");
    }

    [Fact]
    public void Rules_fire_as_when_every_regex_and_detector_runs_on_every_message()
    {
        var everything = Rules.EngineWithoutTriggers();
        var random = new Random(20261205);
        var differ = new List<string>();
        for (var n = 0; n < 20_000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 16)).Select(_ => Pieces[random.Next(Pieces.Length)]));
            var withTriggers = Describe(Rules.Engine.Match(text, "1", segmenter: null));
            var without = Describe(everything.Match(text, "1", segmenter: null));
            if (withTriggers != without)
            {
                differ.Add($"{text}: {withTriggers} / {without}");
            }
        }

        Assert.Empty(differ);
    }

    [Theory]
    [InlineData("加我+微信", "w.plus")]
    [InlineData("加我＋ 微信", "w.plus")]
    [InlineData("前①名", "w.front")] // the light fold writes ① as 1
    [InlineData("前٣名", "w.front")] // \d is any decimal digit
    [InlineData("５元/个", "w.unit")]
    [InlineData("50元 /人5", "w.per")]
    [InlineData("包邮／个9", "w.per")] // full-width slash
    [InlineData("扣扣 123456", "w.double")]
    [InlineData("看https://a.cn", "w.link")]
    [InlineData("LINE：abc", "w.latin")]
    [InlineData("看完MV加vx：abc", "w.latin")] // v beside a letter is the letter, read by the fast pass
    [InlineData("看完mv快加v信", "w.term")] // and alone beside hanzi it stands for 微
    [InlineData("快加vabc", "w.glued")] // a literal's v at its edge, beside hanzi, may be either in the text
    [InlineData("进abv群", "w.glued")]
    public void A_literal_the_fold_bends_still_lets_its_rule_run(string text, string rule)
    {
        Assert.Contains(MessageDetector.Detect(Rules, text, "1").Hits, hit => hit.Rule.Id == rule);
    }

    private static string Describe(IReadOnlyList<RuleHit> hits) => string.Join(";", hits.Select(h => $"{h.Rule.Id}@{h.Start}+{h.Length}"));
}
