using BenchmarkDotNet.Attributes;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Benchmarks;

/// <summary>
/// One message of about a megabyte (the most a webhook body carries) written to hold up the
/// moderation worker: a term inside allow phrases all the way, or near misses for the word check.
/// </summary>
[Config(typeof(BenchConfig))]
public class HostileMessageBenchmarks
{
    private const int Repeats = 200_000;

    private RuleSet _rules = RuleSet.Empty;
    private IWordSegmenter? _segmenter;
    private string _allowed = "";
    private string _nearMisses = "";

    [GlobalSetup]
    public void Setup()
    {
        _rules = BenchData.Load(
            ("p.yaml", "pack: p\nrules:\n  - id: p.mother\n    terms: [你妈的]\n  - id: p.powder\n    terms: [白粉]\n    match: word\n"),
            ("allow.txt", "你妈的电话\n"));
        _segmenter = BenchData.Segmenter(_rules);
        _allowed = string.Concat(Enumerable.Repeat("你妈的电话", Repeats)) + "，你妈的";
        _nearMisses = string.Concat(Enumerable.Repeat("漂白粉", Repeats * 5 / 3));
    }

    [Benchmark(Description = "1 MB: a term inside allow phrases, then one outside")]
    public int AllowedMegabyte() => MessageDetector.Detect(_rules, _allowed, groupId: null, _segmenter).Hits.Count;

    [Benchmark(Description = "1 MB: near misses for the word check")]
    public int NearMissMegabyte() => MessageDetector.Detect(_rules, _nearMisses, groupId: null, _segmenter).Hits.Count;
}
