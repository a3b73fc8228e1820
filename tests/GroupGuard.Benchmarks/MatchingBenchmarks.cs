using BenchmarkDotNet.Attributes;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;
using GroupGuard.Testing;

namespace GroupGuard.Benchmarks;

/// <summary>
/// Engine throughput, normalization included, on the corpora's messages one at a time, against the
/// restart-at-every-position trie in the same run. "clean" is the messages on which the engine
/// finds no candidate: most chat, and the case the targets are set for.
/// </summary>
[Config(typeof(BenchConfig))]
public class MatchingBenchmarks
{
    private string[] _messages = [];
    private RuleSet _rules = RuleSet.Empty;
    private RestartTrie _trie = new([]);
    private IWordSegmenter? _segmenter;

    [Params(1_000, 5_000, 10_000, 50_000)]
    public int Terms { get; set; }

    [Params("clean", "all")]
    public string Dataset { get; set; } = "clean";

    [GlobalSetup]
    public void Setup()
    {
        _rules = BenchData.Rules(Terms);
        _messages = BenchData.Dataset(Dataset, Terms);
        _trie = new RestartTrie(BenchData.SampleTerms(Terms));
        _segmenter = BenchData.Segmenter(_rules);
    }

    [Benchmark(Baseline = true, Description = "restart trie (raw text)")]
    public int Trie()
    {
        var found = 0;
        foreach (var message in _messages)
        {
            if (_trie.ContainsAny(message))
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark(Description = "GroupGuard engine (normalized)")]
    public int Engine()
    {
        var found = 0;
        foreach (var message in _messages)
        {
            if (MessageDetector.Detect(_rules, message, groupId: null, _segmenter).Flagged)
            {
                found++;
            }
        }

        return found;
    }
}

/// <summary>
/// Building a rule set of 50,000 terms: the restart trie from the terms in memory, against
/// GroupGuard's loader reading a rules folder (a pack's YAML and its terms file, written once in
/// setup, so the page cache holds them), folding every term and building the automaton. Writing the
/// folder is not timed.
/// </summary>
[Config(typeof(BenchConfig))]
public class BuildBenchmarks
{
    private string[] _terms = [];
    private TempFolder? _folder;

    [Params(50_000)]
    public int Terms { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _terms = BenchData.SampleTerms(Terms);
        _folder = BenchData.TermsFolder(_terms);
    }

    [GlobalCleanup]
    public void Cleanup() => _folder?.Dispose();

    [Benchmark(Baseline = true, Description = "restart trie build")]
    public object TrieBuild() => new RestartTrie(_terms);

    [Benchmark(Description = "GroupGuard rule set load (rules folder read, terms folded, automaton built)")]
    public object EngineBuild() => BenchData.LoadFolder(_folder!.Path);
}
