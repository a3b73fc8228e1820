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

BenchmarkSwitcher.FromAssembly(typeof(MatchingBenchmarks).Assembly).Run(args);
