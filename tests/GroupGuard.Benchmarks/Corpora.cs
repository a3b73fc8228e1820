using System.Reflection;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;

namespace GroupGuard.Benchmarks;

/// <summary>
/// Where the labelled corpora are: <c>--corpora DIR</c> on the command line, else the
/// <see cref="Variable"/> environment variable. The argument is handed on as that variable, since
/// BenchmarkDotNet runs each benchmark in a child process that inherits the environment but not
/// our arguments. The corpora are not in the repository (docs/detection.md says where they come from).
/// </summary>
internal static class Corpora
{
    public const string Variable = "GROUPGUARD_CORPORA";

    public static readonly string[] Files = ["cold-train.tsv", "cold-dev.tsv", "swsr-comments.tsv"];

    // Benchmarks whose setup reads the corpora; the others run without them.
    private static readonly Type[] Readers = [typeof(MatchingBenchmarks), typeof(ShippedPacksBenchmarks)];

    /// <summary>
    /// Takes <c>--corpora DIR</c> (or <c>--corpora=DIR</c>) out of <paramref name="args"/> and puts
    /// the folder, made absolute, into <see cref="Variable"/>. Returns what is left for
    /// BenchmarkDotNet, or null with <paramref name="error"/> when the option has no folder.
    /// </summary>
    public static string[]? TakeArgument(string[] args, out string? error)
    {
        error = null;
        var rest = new List<string>(args.Length);
        string? folder = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--corpora")
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith('-'))
                {
                    error = "--corpora needs a folder: --corpora DIR";
                    return null;
                }

                folder = args[++i];
            }
            else if (args[i].StartsWith("--corpora=", StringComparison.Ordinal))
            {
                folder = args[i]["--corpora=".Length..];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        folder ??= Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(folder))
        {
            // Absolute: BenchmarkDotNet's child processes run in a folder of their own.
            Environment.SetEnvironmentVariable(Variable, Path.GetFullPath(folder));
        }

        return [.. rest];
    }

    /// <summary>Why the corpora cannot be read (no folder given, or a file missing from it), or null.</summary>
    public static string? Problem()
    {
        var folder = Environment.GetEnvironmentVariable(Variable);
        const string Where = "cold-train.tsv and cold-dev.tsv come from COLD (github.com/thu-coai/COLDataset), "
            + "swsr-comments.tsv from SWSR (github.com/aggiejiang/SWSR), each as label<TAB>text lines; docs/detection.md says how to make them.";
        if (string.IsNullOrEmpty(folder))
        {
            return $"These benchmarks read the corpora: give their folder as --corpora DIR, or set {Variable}=DIR.\n{Where}";
        }

        var missing = Files.Where(f => !File.Exists(Path.Combine(folder, f))).ToArray();
        return missing.Length == 0
            ? null
            : $"{string.Join(", ", missing)} not in {Path.GetFullPath(folder)} (from --corpora DIR or {Variable}).\n{Where}";
    }

    /// <summary>The folder with every corpus file; throws with <see cref="Problem"/> otherwise.</summary>
    public static string Folder() =>
        Problem() is { } problem
            ? throw new FileNotFoundException(problem)
            : Environment.GetEnvironmentVariable(Variable)!;

    /// <summary>
    /// Whether a BenchmarkDotNet run with <paramref name="args"/> would run a benchmark that reads
    /// the corpora: not for a listing or help, nor when every <c>--filter</c> pattern leaves them out.
    /// Without a filter BenchmarkDotNet asks which to run, so the corpora may be needed. A pattern
    /// may name one case with its parameters (<c>*MatchingBenchmarks.Trie(Terms: 1000, Dataset: "clean")</c>),
    /// which BenchmarkDotNet matches against the name with them; here the part before its first
    /// <c>(</c> is matched against the name without them, so such a pattern counts too.
    /// </summary>
    public static bool NeededBy(string[] args)
    {
        if (args.Any(a => a is "--list" or "--help" or "-h" or "-?" or "--info" or "--version"))
        {
            return false;
        }

        var patterns = FilterPatterns(args);
        if (patterns.Count == 0)
        {
            return true;
        }

        var names = Readers.SelectMany(type => type.GetMethods()
            .Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null)
            .Select(m => $"{type.FullName}.{m.Name}"));
        return patterns.Any(pattern => names.Any(name => Matches(pattern, name)));
    }

    /// <summary>
    /// Whether <paramref name="pattern"/> picks the benchmark <paramref name="name"/>
    /// (Namespace.Type.Method): the whole pattern, or its part before the parameters' <c>(</c>.
    /// </summary>
    public static bool Matches(string pattern, string name)
    {
        var open = pattern.IndexOf('(', StringComparison.Ordinal);
        return Glob(pattern).IsMatch(name) || (open >= 0 && Glob(pattern[..open]).IsMatch(name));
    }

    // The values after --filter (or -f), up to the next option, as BenchmarkDotNet reads them.
    internal static List<string> FilterPatterns(string[] args)
    {
        var patterns = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--filter" or "-f")
            {
                for (i++; i < args.Length && !args[i].StartsWith('-'); i++)
                {
                    patterns.Add(args[i]);
                }

                i--;
            }
        }

        return patterns;
    }

    // BenchmarkDotNet's filter globs: * and ?, case-insensitive, over Namespace.Type.Method.
    private static Regex Glob(string pattern) =>
        new('^' + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + '$',
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
