using System.Collections.Concurrent;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;
using GroupGuard.Testing;
using GroupGuard.Text.Jieba;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupGuard.Benchmarks;

/// <summary>
/// The data every benchmark reads, loaded the same way in BenchmarkDotNet's host process (for the
/// throughput column) and in the process that runs the benchmark.
/// </summary>
internal static class BenchData
{
    private static readonly ConcurrentDictionary<string, string[]> Messages = new();
    private static readonly ConcurrentDictionary<int, RuleSet> RuleSets = new();

    /// <summary>
    /// The repository's folder (rules/, tools/fixtures/, the tests' samples), found upwards from the
    /// benchmark: BenchmarkDotNet runs it from a folder under bin/.
    /// </summary>
    public static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GroupGuard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No GroupGuard.sln above {AppContext.BaseDirectory}: the benchmarks read the repository's rules, fixtures and samples.");
    }

    /// <summary>Real Chinese social-media messages, one at a time, as the corpora hold them.</summary>
    public static string[] Corpus() => Messages.GetOrAdd("all", _ =>
    {
        // Program checks this before a run; here for whatever its check cannot foresee.
        var folder = Corpora.Folder();
        return Corpora.Files.Select(f => Path.Combine(folder, f)).SelectMany(File.ReadLines)
            .Select(line => line[(line.IndexOf('\t', StringComparison.Ordinal) + 1)..])
            .Where(text => text.Length > 0)
            .ToArray();
    });

    /// <summary>The messages on which the <paramref name="terms"/>-term set finds no candidate at all: what most chat is.</summary>
    public static string[] Clean(int terms) => Messages.GetOrAdd($"clean-{terms}", _ =>
    {
        var rules = Rules(terms);
        return Corpus().Where(m => !MessageDetector.Detect(rules, m, groupId: null, segmenter: null).Flagged).ToArray();
    });

    public static string[] Dataset(string dataset, int terms) => dataset == "clean" ? Clean(terms) : Corpus();

    public static long Chars(string[] messages) => messages.Sum(m => (long)m.Length);

    /// <summary>The Jieba segmenter with the terms of <paramref name="rules"/> made words, as the service sets it up.</summary>
    public static IWordSegmenter Segmenter(RuleSet rules)
    {
        var segmenter = new JiebaWordSegmenter(NullLogger<JiebaWordSegmenter>.Instance);
        segmenter.UseTerms(rules.Version, rules.WordTerms);
        return segmenter;
    }

    /// <summary>A rule set of <paramref name="count"/> words taken evenly from Jieba's dictionary.</summary>
    public static RuleSet Rules(int count) => RuleSets.GetOrAdd(count, n => Build(SampleTerms(n)));

    public static string[] SampleTerms(int count)
    {
        var dict = Path.Combine(AppContext.BaseDirectory, "jieba", "dict.txt");
        var words = File.ReadLines(dict)
            .Select(line => line.Split(' ')[0])
            .Where(w => w.Length >= 2)
            .ToArray();
        var step = Math.Max(1, words.Length / count);
        return [.. Enumerable.Range(0, count).Select(i => words[(i * step) % words.Length]).Distinct()];
    }

    public static RuleSet Build(string[] terms)
    {
        using var folder = TermsFolder(terms);
        return LoadFolder(folder.Path);
    }

    /// <summary>A temporary rules folder holding one pack whose one rule reads <paramref name="terms"/> from its terms file.</summary>
    public static TempFolder TermsFolder(string[] terms) => Folder(
        ("bench.yaml", "pack: bench\ncategory: bench\nrules:\n  - id: bench.terms\n    terms_file: terms.txt\n"),
        ("terms.txt", string.Join('\n', terms) + "\n"));

    /// <summary>The rule set of a rules folder holding <paramref name="files"/> (name, text), written to a temporary folder.</summary>
    public static RuleSet Load(params (string Name, string Text)[] files)
    {
        using var folder = Folder(files);
        return LoadFolder(folder.Path);
    }

    /// <summary>The rule set loaded from the rules folder <paramref name="path"/>; throws with the loader's first errors.</summary>
    public static RuleSet LoadFolder(string path)
    {
        var result = RuleLoader.Load(path);
        return result.RuleSet ?? throw new InvalidOperationException(string.Join("\n", result.Errors.Take(5)));
    }

    private static TempFolder Folder(params (string Name, string Text)[] files)
    {
        var folder = new TempFolder();
        foreach (var (name, text) in files)
        {
            folder.Write(name, text);
        }

        return folder;
    }
}
