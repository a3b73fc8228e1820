namespace GroupGuard.Core.Rules;

/// <summary>
/// How a rules folder stands against the packs shipped beside the executable: an upgrade leaves
/// the operator's copy (<c>/var/lib/groupguard/rules</c>) as it was, so packs improved in the new
/// version (a rule that stops removing anti-fraud notices, a new pack) reach nobody who does not
/// compare the two by hand. Said once at start and by <c>rules check</c>; never an error, since an
/// edited pack is meant to differ.
/// </summary>
public sealed record ShippedRulesComparison(string Folder, string ShippedFolder, IReadOnlyList<string> Changed, IReadOnlyList<string> Missing)
{
    /// <summary>Whether the folder holds every shipped file as shipped.</summary>
    public bool Same => Changed.Count == 0 && Missing.Count == 0;

    /// <summary>One sentence for the log: which files differ and which are not there.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Changed.Count > 0)
        {
            parts.Add($"changed there: {string.Join(", ", Changed)}");
        }

        if (Missing.Count > 0)
        {
            parts.Add($"not there: {string.Join(", ", Missing)}");
        }

        return $"the rules folder {Folder} differs from the packs shipped with this version in {ShippedFolder} ({string.Join("; ", parts)}); "
            + "a pack you have not edited can be copied over whole, an edited one merged (README, Upgrading)";
    }
}

/// <summary>Compares a rules folder with the packs shipped beside the executable (<see cref="ShippedRulesComparison"/>).</summary>
public static class ShippedRules
{
    /// <summary>The packs shipped beside the executable.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, RulesOptions.DefaultPath);

    /// <summary>
    /// The shipped files (packs, terms files, allow lists: <c>*.yaml</c>, <c>*.yml</c>, <c>*.txt</c>
    /// at the top of <paramref name="shippedFolder"/>) that <paramref name="folder"/> holds with
    /// other bytes, and those it does not hold; null when the two are one folder, the shipped one
    /// is not there, or the folder holds none of its files (a folder of the operator's own, not a
    /// copy). A file that cannot be read counts as neither (the load names it).
    /// </summary>
    public static ShippedRulesComparison? Compare(string folder, string? shippedFolder = null)
    {
        var shipped = Path.GetFullPath(shippedFolder ?? Folder);
        var mine = Path.GetFullPath(folder);
        if (!Directory.Exists(shipped) || !Directory.Exists(mine) || SameFolder(shipped, mine))
        {
            return null;
        }

        var changed = new List<string>();
        var missing = new List<string>();
        List<string> files;
        try
        {
            files = [.. Directory.EnumerateFiles(shipped).Where(IsRuleFile).Order(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            var copy = Path.Combine(mine, name);
            try
            {
                if (!File.Exists(copy))
                {
                    missing.Add(name);
                }
                else if (!SameBytes(file, copy))
                {
                    changed.Add(name);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Unreadable: the load says so, naming the file.
            }
        }

        // A folder that holds none of the shipped files is the operator's own, not a copy that
        // fell behind: naming every shipped pack as missing from it would only be noise.
        var held = files.Count - missing.Count;
        return held == 0 ? null : new ShippedRulesComparison(mine, shipped, changed, missing);
    }

    private static bool IsRuleFile(string path) =>
        Path.GetExtension(path) is ".yaml" or ".yml" or ".txt" && !Path.GetFileName(path).StartsWith('.');

    private static bool SameFolder(string a, string b)
    {
        var trim = (string p) => Path.TrimEndingDirectorySeparator(p);
        if (string.Equals(trim(a), trim(b), StringComparison.Ordinal))
        {
            return true;
        }

        // The same folder by another path (a link to it): the files are the same files.
        try
        {
            var linkA = new DirectoryInfo(a).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? a;
            var linkB = new DirectoryInfo(b).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? b;
            return string.Equals(trim(linkA), trim(linkB), StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool SameBytes(string a, string b)
    {
        var infoA = new FileInfo(a);
        var infoB = new FileInfo(b);
        if (infoB.LinkTarget is not null)
        {
            infoB = (FileInfo?)infoB.ResolveLinkTarget(returnFinalTarget: true) ?? infoB;
        }

        if (infoA.Length != infoB.Length)
        {
            return false;
        }

        // The shipped files are at most a few hundred KB, and a copy of another length was told above.
        return File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));
    }
}
