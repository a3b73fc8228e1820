using BenchmarkDotNet.Attributes;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Benchmarks;

/// <summary>
/// The shipped packs (terms, regexes, detectors, the Jieba word check) on every corpus message,
/// one at a time, against the restart trie loaded with the packs' plain terms, in the same run.
/// A pass runs hundreds of methods (the generated regexes among them) that the JIT compiles again
/// in the background once they are hot: with the config's two warm-up passes the first measured
/// passes were still getting faster (167, 154, 142, 120 ms), so these run fifteen first and measure
/// ten, which is what a service that has run for a minute does; and four passes a measurement, as
/// BenchmarkDotNet's pilot, timing the first slow passes, chose one, which a collection could double.
/// </summary>
[Config(typeof(BenchConfig))]
[WarmupCount(15)]
[IterationCount(10)]
[InvocationCount(4, 1)]
public class ShippedPacksBenchmarks
{
    private string[] _messages = [];
    private RuleSet _rules = RuleSet.Empty;
    private RestartTrie _trie = new([]);
    private IWordSegmenter? _segmenter;

    [GlobalSetup]
    public void Setup()
    {
        _messages = BenchData.Corpus();
        _rules = ShippedPacks.Rules;
        _trie = new RestartTrie(ShippedPacks.PlainTerms());
        _segmenter = BenchData.Segmenter(_rules);
    }

    [Benchmark(Baseline = true, Description = "restart trie, the packs' plain terms (raw text)")]
    public int Trie()
    {
        var found = 0;
        foreach (var message in _messages)
        {
            found += _trie.ContainsAny(message) ? 1 : 0;
        }

        return found;
    }

    [Benchmark(Description = "shipped packs, all")]
    public int Shipped()
    {
        var found = 0;
        foreach (var message in _messages)
        {
            found += MessageDetector.Detect(_rules, message, groupId: null, _segmenter).Flagged ? 1 : 0;
        }

        return found;
    }

    [Benchmark(Description = "shipped packs, all, no word check")]
    public int ShippedWithoutJieba()
    {
        var found = 0;
        foreach (var message in _messages)
        {
            found += MessageDetector.Detect(_rules, message, groupId: null, segmenter: null).Flagged ? 1 : 0;
        }

        return found;
    }
}
