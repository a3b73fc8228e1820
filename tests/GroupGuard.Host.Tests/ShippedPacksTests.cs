using GroupGuard.Core;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Text.Jieba;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupGuard.Host.Tests;

/// <summary>
/// The shipped rule packs on the fixtures under tools/fixtures, with the real Jieba segmenter: an
/// official report and everyday group chat stay quiet, and spam that must be removed is caught.
/// (The corpora figures in docs/rule-packs.md come from tools/measure-packs.sh, not from tests.)
/// </summary>
[Collection(JiebaCollection.Name)]
public sealed class ShippedPacksTests
{
    private static readonly Lazy<(RuleSet Rules, JiebaWordSegmenter Segmenter)> Shipped = new(() =>
    {
        var result = RuleLoader.Load(Path.Combine(RepoPaths.Root, "rules"));
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var segmenter = new JiebaWordSegmenter(NullLogger<JiebaWordSegmenter>.Instance);
        segmenter.UseTerms(result.RuleSet!.Version, result.RuleSet.WordTerms);
        return (result.RuleSet, segmenter);
    });

    private static IEnumerable<string> Lines(string fixture) =>
        File.ReadLines(Path.Combine(RepoPaths.Root, "tools", "fixtures", fixture)).Where(l => l.Trim().Length > 0);

    private static Verdict Detect(string line) => MessageDetector.Detect(Shipped.Value.Rules, line, "123456", Shipped.Value.Segmenter);

    [Theory]
    [InlineData("official-report.txt")]
    [InlineData("everyday-chat.txt")]
    public void Ordinary_text_makes_no_hit(string fixture)
    {
        var flagged = Lines(fixture)
            .Select(line => (line, verdict: Detect(line)))
            .Where(x => x.verdict.Flagged)
            .Select(x => $"{x.verdict.Hits[0].Rule.Id} '{x.verdict.Hits[0].Matched}' in: {x.line}")
            .ToList();

        Assert.Empty(flagged);
    }

    [Fact]
    public void Spam_and_abuse_are_caught()
    {
        var lines = Lines("spam.tsv").Select(l => l.Split('\t', 2)).Where(p => p[0] == "1").Select(p => p[1]).ToList();

        var missed = lines.Where(line => !Detect(line).Flagged).ToList();
        var removed = lines.Count(line => Detect(line).Hits.Any(h => h.Rule.Action is ModerationAction.Recall or ModerationAction.Mute or ModerationAction.Kick));

        Assert.Empty(missed);
        Assert.True(removed >= lines.Count / 2, $"only {removed} of {lines.Count} spam lines hit a rule that removes the message");
    }
}
