namespace GroupGuard.Core.Rules;

/// <summary>Where the rule packs are: <c>GroupGuard:Rules</c>.</summary>
public sealed class RulesOptions
{
    public const string Section = "GroupGuard:Rules";

    /// <summary>
    /// The rules folder. A relative path is taken from the current directory; the default
    /// <c>rules</c> falls back to the packs shipped beside the executable when the current
    /// directory has none.
    /// </summary>
    public string Path { get; set; } = DefaultPath;

    internal const string DefaultPath = "rules";

    /// <summary>The folder the service reads, after the fallback above.</summary>
    public string ResolvePath()
    {
        var fromCurrent = System.IO.Path.GetFullPath(Path);
        if (Path != DefaultPath || Directory.Exists(fromCurrent))
        {
            return fromCurrent;
        }

        var shipped = System.IO.Path.Combine(AppContext.BaseDirectory, DefaultPath);
        return Directory.Exists(shipped) ? shipped : fromCurrent;
    }
}
