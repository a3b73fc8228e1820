using BenchmarkDotNet.Attributes;
using GroupGuard.Core;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Testing;

namespace GroupGuard.Benchmarks;

/// <summary>
/// What the stream rules (floods, repeated texts, @all) cost the worker per message when many
/// members talk: 200,000 group messages from 100,000 members in 200 groups over 200 seconds, each
/// text its own, through a fresh tracker with its default bound, against the least any memory of
/// senders does (a dictionary counting each sender's messages under the same key).
/// </summary>
[Config(typeof(BenchConfig))]
public class StreamBenchmarks
{
    private const int Count = 200_000;
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
    private ChatMessage[] _messages = [];
    private RuleSet _rules = null!;

    [Params("flood and @all (shipped)", "flood, @all and repeat")]
    public string Rules { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var repeat = Rules.Contains("repeat", StringComparison.Ordinal) ? "  - id: s.repeat\n    repeat: { times: 4, seconds: 300 }\n" : "";
        _rules = BenchData.Load(("s.yaml", "pack: s\nrules:\n  - id: s.flood\n    flood: { messages: 10, seconds: 15 }\n  - id: s.at-all\n    mention_all: true\n" + repeat));

        var random = new Random(20261205);
        _messages = [.. Enumerable.Range(0, Count).Select(i => Messages.Group(
            $"今天的作业是第{i}页，明天交",
            id: i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            group: (700_000 + random.Next(200)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            user: (3_000_000 + random.Next(100_000)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            time: T0.AddMilliseconds(i)))];
    }

    [Benchmark(Baseline = true, Description = "a count per sender (baseline)")]
    public int CountPerSender()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var message in _messages)
        {
            var key = StreamTracker.SenderInGroup(message);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return counts.Count;
    }

    [Benchmark(Description = "stream tracker")]
    public int Tracker()
    {
        var tracker = new StreamTracker();
        var hits = 0;
        foreach (var message in _messages)
        {
            hits += tracker.Observe(_rules, message).Count;
        }

        return hits + tracker.Senders;
    }
}
