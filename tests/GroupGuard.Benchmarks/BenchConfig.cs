using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace GroupGuard.Benchmarks;

/// <summary>A short job (these are 2-core machines), memory, ratios to the baseline, and M chars/s.</summary>
internal sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddJob(ShortJob);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new ThroughputColumn());
        SummaryStyle = BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend);
    }

    /// <summary>
    /// The job of every class: one process, two warm-up iterations, six measured. A class whose
    /// code is still getting faster after two (the JIT recompiling hot methods in the background)
    /// asks for more with <c>[WarmupCount]</c>, as <see cref="PromoBenchmarks"/> and
    /// <see cref="ShippedPacksBenchmarks"/> do. The child process tiers up as the service does: the
    /// host sets <c>TieredCompilation.CallCountingDelayMs</c> to 0 in its runtimeconfig
    /// (GroupGuard.Host.csproj), and the same setting reaches a benchmark's process as
    /// <c>DOTNET_TC_CallCountingDelayMs=0</c>; without it the runtime waits for 100 ms with no new
    /// method compiled before it starts counting calls, and a warm-up may end before that.
    /// </summary>
    public static Job ShortJob { get; } = Job.Default
        .WithLaunchCount(1)
        .WithWarmupCount(2)
        .WithIterationCount(6)
        .WithEnvironmentVariable("DOTNET_TC_CallCountingDelayMs", "0");
}

/// <summary>Millions of message characters per second, from the mean time and the dataset's size.</summary>
internal sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);
    public string ColumnName => "M chars/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Millions of message characters matched per second (mean)";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var type = benchmarkCase.Descriptor.Type;
        if ((type != typeof(MatchingBenchmarks) && type != typeof(ShippedPacksBenchmarks)) || summary[benchmarkCase]?.ResultStatistics is not { } stats)
        {
            return "-";
        }

        var chars = type == typeof(ShippedPacksBenchmarks)
            ? BenchData.Chars(BenchData.Corpus())
            : BenchData.Chars(BenchData.Dataset((string)benchmarkCase.Parameters["Dataset"], (int)benchmarkCase.Parameters["Terms"]));
        return (chars / (stats.Mean / 1e9) / 1e6).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
    }
}
