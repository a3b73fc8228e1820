namespace GroupGuard.Host.Cli;

/// <summary>
/// The command line split into verbs (<c>incidents export</c>) and options (<c>--format csv</c>).
/// Every option also reaches configuration, so <c>--urls</c> and
/// <c>--GroupGuard:Storage:ConnectionString=…</c> work with any verb.
/// </summary>
internal sealed class CommandLine
{
    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "--help", "-h", "-?", "--version", "--false-positive", "--not-false-positive" };

    private CommandLine(IReadOnlyList<string> verbs, IReadOnlyDictionary<string, string?> options)
    {
        Verbs = verbs;
        Options = options;
    }

    public IReadOnlyList<string> Verbs { get; }

    public IReadOnlyDictionary<string, string?> Options { get; }

    public bool Help => Options.ContainsKey("help") || Options.ContainsKey("h") || Options.ContainsKey("?") || Verbs is ["help", ..];

    public string? Option(string name) => Options.TryGetValue(name, out var value) ? value : null;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var verbs = new List<string>();
        var options = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-")
            {
                verbs.Add(arg);
                continue;
            }

            var name = arg.TrimStart('-', '/');
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (!Flags.Contains(arg) && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            options[name] = value;
        }

        return new CommandLine(verbs, options);
    }
}
