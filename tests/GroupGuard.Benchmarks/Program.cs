using System.Globalization;
using BenchmarkDotNet.Running;
using GroupGuard.Benchmarks;

// `--corpora DIR` is ours, not BenchmarkDotNet's: taken out here and handed on as GROUPGUARD_CORPORA.
if (Corpora.TakeArgument(args, out var usageError) is not { } rest)
{
    Console.Error.WriteLine(usageError);
    return 2;
}

args = rest;

// `--memory`: what the shipped packs and a 50k-term rule set hold once built (retained heap), outside BenchmarkDotNet.
if (args is ["--memory", ..])
{
    // The heap a rule set keeps once built: the live heap after it, less the live heap before.
    static (T Built, double MiB) Retained<T>(Func<T> build)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var built = build();
        return (built, (GC.GetTotalMemory(forceFullCollection: true) - before) / 1048576.0);
    }

    var (shipped, shippedMiB) = Retained(() => ShippedPacks.Rules);
    var regexes = shipped.Rules.Count(r => r.Regex is not null);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"shipped packs ({shipped.TermCount} terms, {regexes} regex rules): {shippedMiB:0.0} MiB retained"));

    var terms = BenchData.SampleTerms(50_000);
    var (rules, rulesMiB) = Retained(() => BenchData.Build(terms));
    GC.KeepAlive(shipped);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"50k-term rule set ({rules.TermCount} terms): {rulesMiB:0.0} MiB retained"));
    return 0;
}

// `--quick`: a rough look while working (best of 5 runs, Stopwatch); the README's figures come from BenchmarkDotNet.
if (args is ["--quick", ..])
{
    if (Corpora.Problem() is { } problem)
    {
        Console.Error.WriteLine(problem);
        return 2;
    }

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

    return 0;
}

// `--shipped`: where the shipped packs' time goes on the corpora (best of 3, Stopwatch), a working aid;
// `--shipped --loop SECONDS`: the shipped packs on the corpora, round after round, for a profiler;
// `--shipped --paired SECONDS`: a round of the restart trie, then one of the shipped packs, over and over,
// and the ratio of each pair: on a machine whose speed drifts (a busy host) the pairs still compare.
if (args is ["--shipped", ..])
{
    if (Corpora.Problem() is { } problem)
    {
        Console.Error.WriteLine(problem);
        return 2;
    }

    if (args is [_, "--paired", var pairedSeconds, ..])
    {
        // The trie and the shipped packs in turn, round after round: a ratio that holds on a noisy machine.
        ShippedProfile.Paired(TimeSpan.FromSeconds(double.Parse(pairedSeconds, CultureInfo.InvariantCulture)));
        return 0;
    }

    if (args is [_, "--loop", var seconds, ..])
    {
        // Detection alone, over and over, for a profiler to attach to (dotnet-trace collect -p PID).
        ShippedProfile.Loop(TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture)));
        return 0;
    }

    ShippedProfile.Run();
    return 0;
}

// Said once, before BenchmarkDotNet builds and starts anything, rather than by every child process.
if (Corpora.NeededBy(args) && Corpora.Problem() is { } missing)
{
    Console.Error.WriteLine(missing);
    return 2;
}

// A benchmark whose setup or run threw, or that did not build, still leaves a summary: the run
// fails when any of them did not run to the end, naming which, so a script or CI sees it.
var summaries = BenchmarkSwitcher.FromAssembly(typeof(MatchingBenchmarks).Assembly).Run(args).ToList();
var failed = summaries
    .SelectMany(s => s.Reports.Where(r => !r.Success).Select(r => $"{r.BenchmarkCase.Descriptor.DisplayInfo} {r.BenchmarkCase.Parameters.DisplayInfo}")
        .Concat(s.HasCriticalValidationErrors ? s.ValidationErrors.Where(e => e.IsCritical).Select(e => e.Message) : []))
    .ToList();
// A filter that picks nothing (a misspelt class) ran nothing: said as a failure, not a quiet 0.
if (summaries.Sum(s => s.Reports.Length) == 0 && Corpora.FilterPatterns(args) is { Count: > 0 } patterns
    && !args.Any(a => a is "--list" or "--help" or "-h" or "-?" or "--info" or "--version"))
{
    Console.Error.WriteLine($"No benchmark matches --filter {string.Join(' ', patterns)}: `--list flat` lists them.");
    return 1;
}

if (failed.Count > 0)
{
    Console.Error.WriteLine($"{failed.Count} benchmark(s) did not run successfully:");
    foreach (var name in failed)
    {
        Console.Error.WriteLine($"  {name}");
    }

    return 1;
}

return 0;
