using System.Globalization;
using BenchmarkDotNet.Running;
using GroupGuard.Benchmarks;

// `--memory`: what a 50k-term rule set holds once built (retained heap), outside BenchmarkDotNet.
if (args is ["--memory", ..])
{
    var terms = BenchData.SampleTerms(50_000);
    var before = GC.GetTotalMemory(forceFullCollection: true);
    var rules = BenchData.Build(terms);
    var after = GC.GetTotalMemory(forceFullCollection: true);
    GC.KeepAlive(rules);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"50k-term rule set ({rules.TermCount} terms): {(after - before) / 1048576.0:0.0} MiB retained"));
    return;
}

// `--quick`: a rough look while working (best of 5 runs, Stopwatch); the README's figures come from BenchmarkDotNet.
if (args is ["--quick", ..])
{
    foreach (var count in new[] { 1_000, 5_000, 10_000, 50_000 })
    {
        var rules = BenchData.Rules(count);
        var trie = new RestartTrie(BenchData.SampleTerms(count));
        var clean = BenchData.Clean(count);
        var chars = BenchData.Chars(clean);
        double Best(Action run)
        {
            var best = double.MaxValue;
            for (var k = 0; k < 5; k++)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                run();
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }

            return chars / best / 1e6;
        }

        var engine = Best(() =>
        {
            foreach (var m in clean)
            {
                GroupGuard.Core.Detection.MessageDetector.Detect(rules, m, null, null);
            }
        });
        var baseline = Best(() =>
        {
            foreach (var m in clean)
            {
                trie.ContainsAny(m);
            }
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count,6} terms: {clean.Length,6} clean messages, {chars,9} chars: engine {engine,6:0.0} M chars/s, trie {baseline,6:0.0} M chars/s ({engine / baseline:0.00}x)"));
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(MatchingBenchmarks).Assembly).Run(args);
