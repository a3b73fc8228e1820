using BenchmarkDotNet.Attributes;
using GroupGuard.Core;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Benchmarks;

/// <summary>
/// One message as long as the receivers take (<see cref="MessageLimits.MaxTextLength"/> characters;
/// longer text is refused with 413 before moderation sees it), written to hold up the moderation
/// worker: a term inside allow phrases all the way, or near misses for the word check; against
/// an ordinary text of the same length under the same rules (chat with no term in it), so each
/// reads as a ratio within one run.
/// </summary>
[Config(typeof(BenchConfig))]
public class HostileMessageBenchmarks
{
    private const string AllowPhrase = "你妈的电话";
    private const string TermOutside = "，你妈的";
    private const string NearMiss = "漂白粉";
    private const string Ordinary = "今天下午三点在二楼会议室开会，记得带上笔记本。";

    private RuleSet _rules = RuleSet.Empty;
    private IWordSegmenter? _segmenter;
    private string _allowed = "";
    private string _nearMisses = "";
    private string _ordinary = "";

    [GlobalSetup]
    public void Setup()
    {
        _rules = BenchData.Load(
            ("p.yaml", "pack: p\nrules:\n  - id: p.mother\n    terms: [你妈的]\n  - id: p.powder\n    terms: [白粉]\n    match: word\n"),
            ("allow.txt", AllowPhrase + "\n"));
        _segmenter = BenchData.Segmenter(_rules);

        // As many whole phrases as fit under the cap: 65,534, 65,535 and 65,527 characters.
        _allowed = string.Concat(Enumerable.Repeat(AllowPhrase, (MessageLimits.MaxTextLength - TermOutside.Length) / AllowPhrase.Length)) + TermOutside;
        _nearMisses = string.Concat(Enumerable.Repeat(NearMiss, MessageLimits.MaxTextLength / NearMiss.Length));
        _ordinary = string.Concat(Enumerable.Repeat(Ordinary, MessageLimits.MaxTextLength / Ordinary.Length));
        if (new[] { _allowed, _nearMisses, _ordinary }.Any(text => text.Length > MessageLimits.MaxTextLength))
        {
            throw new InvalidOperationException($"A hostile message is longer than MessageLimits.MaxTextLength ({MessageLimits.MaxTextLength}): the receivers would refuse it.");
        }
    }

    [Benchmark(Baseline = true, Description = "at the cap: ordinary chat, no term (baseline)")]
    public int OrdinaryAtCap() => MessageDetector.Detect(_rules, _ordinary, groupId: null, _segmenter).Hits.Count;

    [Benchmark(Description = "at the cap: a term inside allow phrases, then one outside")]
    public int AllowedAtCap() => MessageDetector.Detect(_rules, _allowed, groupId: null, _segmenter).Hits.Count;

    [Benchmark(Description = "at the cap: near misses for the word check")]
    public int NearMissAtCap() => MessageDetector.Detect(_rules, _nearMisses, groupId: null, _segmenter).Hits.Count;
}
