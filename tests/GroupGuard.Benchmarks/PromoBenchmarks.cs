using BenchmarkDotNet.Attributes;
using GroupGuard.Core.Detection.Detectors;

namespace GroupGuard.Benchmarks;

/// <summary>
/// What the scoring <c>promo</c> detector costs per message, against the <c>cn_mobile</c> detector
/// (one pass over the digits) on the same messages: the repository's promotion fixtures (adverts and
/// the hard cases beside them) and its everyday-chat and official-report fixtures, each line a
/// message. "chat" is the two ordinary fixtures alone, where most lines carry no offer and the
/// detector stops after its offer scans.
/// The detector keeps getting faster for about ten iterations after the first, as the JIT
/// recompiles its hot methods (one run on a busy machine, twenty warm-up iterations: on the promo
/// fixtures 14.5 ms a pass over the first seven, then 12, then 10-11 from the twelfth; on "chat"
/// 640-830 µs, then 510-570 from the eighth). With the config's two, before the job tiered up
/// as the service does, a run measured 33 ms ± 8 at 198x; so these warm up for fifteen.
/// </summary>
[Config(typeof(BenchConfig))]
[WarmupCount(15)]
public class PromoBenchmarks
{
    private readonly List<DetectorMatch> _matches = new(4);
    private readonly IDetector _promo = new PromoDetector();
    private readonly IDetector _mobile = new ChineseMobileDetector();
    private string[] _lines = [];

    [Params("promo fixtures", "chat")]
    public string Data { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var fixtures = Path.Combine(BenchData.Repository(), "tools", "fixtures");
        IEnumerable<string> Text(string name) => File.ReadLines(Path.Combine(fixtures, name)).Where(l => l.Trim().Length > 0);
        IEnumerable<string> Labelled(string name) => Text(name).Where(l => !l.StartsWith("# ", StringComparison.Ordinal)).Select(l => l.Split('\t', 2)[^1]);

        _lines = Data == "chat"
            ? [.. Text("everyday-chat.txt"), .. Text("official-report.txt")]
            : [.. Labelled("promo-tune.tsv"), .. Labelled("promo-held.tsv")];
    }

    [Benchmark(Baseline = true, Description = "cn_mobile detector")]
    public int Mobile() => Run(_mobile);

    [Benchmark(Description = "promo detector")]
    public int Promo() => Run(_promo);

    private int Run(IDetector detector)
    {
        var found = 0;
        foreach (var line in _lines)
        {
            _matches.Clear();
            detector.Find(line, _matches);
            found += _matches.Count;
        }

        return found;
    }
}
