using System.Diagnostics;
using System.Globalization;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Benchmarks;

/// <summary>A rough look at where the shipped packs spend their time (Stopwatch, best of 3); the README's figures come from BenchmarkDotNet.</summary>
internal static class ShippedProfile
{
    public static void Run()
    {
        var messages = BenchData.Corpus();
        var chars = BenchData.Chars(messages);
        var full = ShippedPacks.Rules;
        var segmenter = BenchData.Segmenter(full);
        var trie = new RestartTrie(ShippedPacks.PlainTerms());
        Console.WriteLine($"{messages.Length} messages, {chars} chars; {full.Summary}; {ShippedPacks.PlainTerms().Length} plain terms");

        void Report(string name, Action<string> each)
        {
            var best = double.MaxValue;
            for (var k = 0; k < 3; k++)
            {
                var watch = Stopwatch.StartNew();
                foreach (var m in messages)
                {
                    each(m);
                }

                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-40} {chars / best / 1e6,7:0.0} M chars/s  {best * 1000,8:0} ms"));
        }

        var parse = Stopwatch.StartNew();
        foreach (var rule in full.Rules.Where(r => r.Regex is not null))
        {
            RequiredLiterals.Of(rule.Regex!.ToString());
        }

        Console.WriteLine($"reading the regexes' literals: {parse.ElapsedMilliseconds} ms");
        foreach (var rule in full.Rules.Where(r => r.Regex is not null))
        {
            var again = Stopwatch.StartNew();
            RequiredLiterals.Of(rule.Regex!.ToString());
            Console.WriteLine($"  {rule.Id}: {again.Elapsed.TotalMilliseconds:0.0} ms");
        }

        var build = Stopwatch.StartNew();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var rebuilt = RuleLoader.Load(full.Directory).RuleSet!;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Console.WriteLine($"building the shipped rule set again: {build.ElapsedMilliseconds} ms, {allocated / 1048576.0:0.0} MiB allocated");
        long Allocated(Action action)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            action();
            return (GC.GetTotalAllocatedBytes(precise: true) - before) / 1048576;
        }

        Console.WriteLine($"  of which reading literals: {Allocated(() => { foreach (var r in full.Rules.Where(r => r.Regex is not null)) { RequiredLiterals.Of(r.Regex!.ToString()); } })} MiB");
        Console.WriteLine($"  of which regex construction: {Allocated(() => { foreach (var r in full.Rules.Where(r => r.Regex is not null)) { _ = new System.Text.RegularExpressions.Regex(r.Regex!.ToString(), System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.NonBacktracking).IsMatch("x"); } })} MiB");
        GC.Collect();
        var loh = GC.GetGCMemoryInfo().GenerationInfo[3];
        Console.WriteLine($"LOH after: {loh.SizeAfterBytes / 1048576.0:0.0} MiB, fragmentation {loh.FragmentationAfterBytes / 1048576.0:0.0} MiB");
        GC.KeepAlive(rebuilt);
        foreach (var rule in full.Rules.Where(r => r.Regex is not null || r.Detector is not null))
        {
            var sets = rule.Regex is not null ? RequiredLiterals.Of(rule.Regex.ToString()) : rule.Detector!.Parts.Count == 0 ? [] : [new LiteralSet([.. rule.Detector.Parts.SelectMany(p => p.Take(1)).SelectMany(set => set.Strings)])];
            var runs = messages.Count(m =>
            {
                var light = full.Engine.Folder.FoldLight(m).Text.ToString();
                return sets.All(set => set.FoundIn(light));
            });
            Console.WriteLine($"{rule.Id} runs on {runs} messages: " + string.Join(" AND ", sets.Select(set => "{" + string.Join(",", set.Strings.OrderBy(x => x.Length).Take(40)).Replace(RequiredLiterals.DigitMark, '#') + (set.Strings.Count > 40 ? $",…{set.Strings.Count}" : "") + "}")));
        }

        Report("promo: Score", m => GroupGuard.Core.Detection.Detectors.PromoDetector.Score(m));
        Report("restart trie, plain terms", m => trie.ContainsAny(m));
        Report("shipped packs, Jieba", m => MessageDetector.Detect(full, m, null, segmenter));
        var counting = new CountingSegmenter(segmenter);
        foreach (var m in messages)
        {
            MessageDetector.Detect(full, m, null, counting);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Jieba: {counting.Calls} calls, {counting.Chars} chars, {counting.Seconds * 1000:0} ms; pieces of 2 chars: {counting.Doubles}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SureBoundaries (per window, without a reader): {counting.SureCalls} calls, {counting.SureChars} chars"));
        Report("shipped packs, no Jieba", m => MessageDetector.Detect(full, m, null, null));
        var terms = ShippedPacks.Only(r => r.Regex is null && r.DetectorName is null);
        Report("term rules, Jieba", m => MessageDetector.Detect(terms, m, null, segmenter));
        Report("term rules, no Jieba", m => MessageDetector.Detect(terms, m, null, null));
        foreach (var rule in full.Rules.Where(r => r.Regex is not null || r.DetectorName is not null))
        {
            var one = ShippedPacks.Only(r => r.Id == rule.Id);
            Report(rule.Id + (rule.Regex is null ? " (" + rule.DetectorName + ")" : " (regex)"), m => MessageDetector.Detect(one, m, null, null));
        }
    }

    /// <summary>The shipped packs with Jieba on every corpus message, round after round until <paramref name="duration"/> is up.</summary>
    public static void Loop(TimeSpan duration)
    {
        var messages = BenchData.Corpus();
        var full = ShippedPacks.Rules;
        var segmenter = BenchData.Segmenter(full);
        Console.WriteLine($"pid {Environment.ProcessId}: {messages.Length} messages a round for {duration.TotalSeconds:0} s");
        var watch = Stopwatch.StartNew();
        var rounds = 0;
        var times = new List<double>();
        while (watch.Elapsed < duration)
        {
            var round = Stopwatch.GetTimestamp();
            foreach (var m in messages)
            {
                MessageDetector.Detect(full, m, null, segmenter);
            }

            rounds++;
            if (watch.Elapsed.TotalSeconds > Math.Min(3, duration.TotalSeconds / 3))
            {
                times.Add(Stopwatch.GetElapsedTime(round).TotalMilliseconds);
            }
        }

        // The rounds after the first seconds (JIT tiers settle), for comparing two builds run in turn.
        times.Sort();
        var median = times.Count == 0 ? double.NaN : times[times.Count / 2];
        var best = times.Count == 0 ? double.NaN : times[0];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rounds} rounds, {watch.Elapsed.TotalMilliseconds / rounds:0} ms a round; after warm-up: median {median:0.0} ms, best {best:0.0} ms"));
    }

    /// <summary>
    /// A round of the restart trie on the packs' plain terms, then one of the shipped packs with
    /// Jieba, in turn until <paramref name="duration"/> is up; prints the quartiles of the pairs'
    /// ratios after the first third (the JIT's tiers settle), each pair run seconds apart.
    /// </summary>
    public static void Paired(TimeSpan duration)
    {
        var messages = BenchData.Corpus();
        var full = ShippedPacks.Rules;
        var segmenter = BenchData.Segmenter(full);
        var trie = new RestartTrie(ShippedPacks.PlainTerms());
        var watch = Stopwatch.StartNew();
        var ratios = new List<double>();
        var found = 0;
        while (watch.Elapsed < duration)
        {
            var start = Stopwatch.GetTimestamp();
            foreach (var m in messages)
            {
                found += trie.ContainsAny(m) ? 1 : 0;
            }

            var middle = Stopwatch.GetTimestamp();
            foreach (var m in messages)
            {
                found += MessageDetector.Detect(full, m, null, segmenter).Flagged ? 1 : 0;
            }

            var end = Stopwatch.GetTimestamp();
            if (watch.Elapsed > duration / 3)
            {
                ratios.Add((double)(end - middle) / (middle - start));
            }
        }

        ratios.Sort();
        double At(double q) => ratios.Count == 0 ? double.NaN : ratios[(int)(q * (ratios.Count - 1))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ratios.Count} pairs: shipped packs / trie, quartiles {At(0.25):0.000} {At(0.5):0.000} {At(0.75):0.000} ({found} flagged or found)"));
    }

    private sealed class CountingSegmenter(GroupGuard.Core.Text.IWordSegmenter inner) : GroupGuard.Core.Text.IWordSegmenter
    {
        public int Calls;
        public long Chars;
        public int Doubles;
        public double Seconds;

        public void UseTerms(string version, IReadOnlyCollection<string> terms) => inner.UseTerms(version, terms);

        public int SureCalls;
        public long SureChars;

        public bool SureBoundaries(ReadOnlySpan<char> text, Span<sbyte> states)
        {
            SureCalls++;
            SureChars += text.Length;
            return inner.SureBoundaries(text, states);
        }

        public IReadOnlyList<int> Boundaries(string text)
        {
            Calls++;
            Chars += text.Length;
            Doubles += text.Length == 2 && text[0] == text[1] ? 1 : 0;
            var watch = Stopwatch.StartNew();
            var result = inner.Boundaries(text);
            Seconds += watch.Elapsed.TotalSeconds;
            return result;
        }
    }
}
