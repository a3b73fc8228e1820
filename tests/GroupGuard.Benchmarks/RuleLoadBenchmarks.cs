using BenchmarkDotNet.Attributes;
using GroupGuard.Core.Rules;

namespace GroupGuard.Benchmarks;

/// <summary>
/// What loading the shipped rules costs: a reload in which no regex changed (what every edit of a
/// rules file costs; the loader carries unchanged regexes over, <c>RegexReuse</c>) against a first
/// load that builds every regex, as at start-up. Neither touches the segmenter. Each is timed one
/// load an iteration, after its own setup (so both run in one job and compare).
/// </summary>
[Config(typeof(BenchConfig))]
public class RuleLoadBenchmarks
{
    private readonly string _folder = Path.Combine(BenchData.Repository(), "rules");

    /// <summary>A load before each reload: the regexes it carries over are the ones just built.</summary>
    [IterationSetup(Target = nameof(Reload))]
    public void LoadOnce() => Load();

    [Benchmark(Baseline = true, Description = "reload, no regex changed (baseline)")]
    public RuleSet Reload() => Load();

    /// <summary>Forgets every regex built so far, so the next load builds them all.</summary>
    [IterationSetup(Target = nameof(FirstLoad))]
    public void ForgetRegexes()
    {
        RegexReuse.LoadFinished();
        RegexReuse.LoadFinished();
    }

    [Benchmark(Description = "first load, every regex built")]
    public RuleSet FirstLoad() => Load();

    private RuleSet Load()
    {
        var result = RuleLoader.Load(_folder);
        return result.RuleSet ?? throw new InvalidOperationException(string.Join('\n', result.Errors.Take(5)));
    }
}
