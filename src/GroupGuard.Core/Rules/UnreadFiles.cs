namespace GroupGuard.Core.Rules;

/// <summary>
/// The files at the top of a rules folder that a load passes over although their names say they
/// were meant to be read: an allow list misnamed (<c>allow_654321.txt</c>, <c>Allow-654321.txt</c>,
/// <c>allow-654321.TXT</c>), a group's list whose id has a letter among its digits
/// (<c>allow-65432l.txt</c>, read, but for a group no platform has), a pack saved with another
/// ending (<c>ads.yml.txt</c>, <c>ads.ymal</c>), a misnamed <c>variants.txt</c>, and, once every
/// pack has been read, a text file no pack names as its <c>terms_file</c> or
/// <c>unless_near_file</c>. Each is a warning naming the file and, where it can be told, the name
/// it was probably meant to have. Never warned of: hidden files, an editor's or a merge's
/// leftovers (<c>*~</c>, <c>*.orig</c>, <c>*.rej</c>, <c>*.bak</c>: what the build leaves out of
/// the shipped packs too), notes for people (<c>README*</c>, <c>LICENSE*</c>, <c>NOTES*</c> …),
/// and files of any other kind (<c>*.md</c>, <c>*.json</c>, a pack set aside as <c>ads.yaml.off</c>).
/// </summary>
internal static class UnreadFiles
{
    private const string TextEnding = ".txt";

    // The names (before their first dot, in any case) of files people keep beside what a program reads.
    private static readonly HashSet<string> NotesForPeople = new(StringComparer.OrdinalIgnoreCase)
    {
        "readme", "license", "licence", "copying", "notice", "notes", "changelog", "changes", "history", "authors", "todo",
    };

    // Characters that stand between "allow" and a group id where '-' was meant.
    private static readonly char[] Separators = ['-', '_', ' ', '.', '–', '—', '－', '＿', '·'];

    /// <summary>
    /// Adds a warning for each file at the top of <paramref name="folder"/> that is read by
    /// mistake or not at all, as above. <paramref name="named"/>: the full paths the packs name as
    /// <c>terms_file</c> or <c>unless_near_file</c>; <paramref name="packsRead"/>: whether every pack
    /// was read without errors, so that <paramref name="named"/> holds every file the packs name
    /// (a pack that does not parse names none, and its files would all be warned of).
    /// </summary>
    public static void Warn(string folder, IReadOnlySet<string> named, bool packsRead, RuleProblems warnings)
    {
        List<string> files;
        try
        {
            files = [.. Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return; // listing the folder is the load's own error
        }

        var names = files.Select(f => Path.GetFileName(f)).ToHashSet(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            if (named.Contains(file) || Ignored(name))
            {
                continue;
            }

            if (Problem(name, packsRead) is { } problem)
            {
                var there = problem.Meant is { } meant && names.Contains(meant) ? $"; {meant} is there too, and only it is read" : "";
                warnings.Add(new RuleError(RuleTextFiles.Display(file), 0, problem.Message + there));
            }
        }
    }

    /// <summary>
    /// A file in the folder of <paramref name="path"/> (a file a pack names that is not there) whose
    /// name is the same but for case, separators or a character or two: what the pack probably meant; null when none is.
    /// </summary>
    public static string? Nearest(string path)
    {
        var folder = Path.GetDirectoryName(path);
        var wanted = Path.GetFileName(path);
        if (folder is null || wanted.Length == 0 || !Directory.Exists(folder))
        {
            return null;
        }

        try
        {
            return Directory.EnumerateFiles(folder)
                .Select(f => Path.GetFileName(f))
                .Where(n => !Ignored(n) && Distance(Plain(n), Plain(wanted)) <= (wanted.Length >= 8 ? 2 : 1))
                .OrderBy(n => Distance(n, wanted))
                .ThenBy(n => n, StringComparer.Ordinal)
                .FirstOrDefault();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // Without its .txt endings, however many (Windows hides the one an editor adds: ads-contact.txt.txt).
        static string Plain(string name) => new([.. StripTextEnding(name, out _).ToLowerInvariant().Select(c => Array.IndexOf(Separators, c) >= 0 ? '-' : c)]);
    }

    /// <summary>Whether <paramref name="name"/> is <paramref name="wanted"/> with a .txt ending more or less (<c>ads-contact.txt.txt</c> for <c>ads-contact.txt</c>).</summary>
    public static bool OnlyTextEndingDiffers(string name, string wanted) =>
        name != wanted && string.Equals(StripTextEnding(name, out _), StripTextEnding(wanted, out _), StringComparison.Ordinal);

    /// <summary>
    /// Whether a file is none of the loader's business whatever it holds: hidden, an editor's or a
    /// merge's leftover, or notes for people.
    /// </summary>
    internal static bool Ignored(string name) =>
        name.StartsWith('.')
        || name.EndsWith('~')
        || name.EndsWith(".orig", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".rej", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".bak", StringComparison.OrdinalIgnoreCase)
        || NotesForPeople.Contains(name.Split('.')[0].Trim());

    private sealed record Found(string Message, string? Meant);

    /// <summary>What is wrong with the file <paramref name="name"/>, or null when nothing is (it is read, or is no rules file).</summary>
    private static Found? Problem(string name, bool packsRead)
    {
        // Read: packs (any case), the allow lists and the variants.
        if (name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            || name is RuleLoader.AllowFile or RuleLoader.VariantsFile)
        {
            return null;
        }

        if (GroupAllowList.GroupOf(name) is { } group)
        {
            // Read, for the group its name gives: wrong when that holds a second .txt, or is a number with a letter in it.
            var once = StripTextEnding(group, out _);
            var digits = DigitsButFor(once);
            var meant = digits ?? once;
            if (meant == group || !GroupAllowList.IsFileGroupId(meant))
            {
                return null;
            }

            var why = digits is not null ? "digits but for a letter that looks like one" : "its name ends in .txt twice";
            return new Found($"read as the allow list of group '{group}', {why}; probably meant {GroupAllowList.FileName(meant)}{(digits is not null ? " (a QQ group's id is digits only)" : "")}", GroupAllowList.FileName(meant));
        }

        var text = StripTextEnding(name, out var hadTextEnding);
        if (hadTextEnding || !name.Contains('.', StringComparison.Ordinal))
        {
            if (AllowListMeant(text) is { } allow)
            {
                return new Found($"not read: probably meant {allow} ({(allow == RuleLoader.AllowFile ? "the allow list of every group" : "a group's allow list is allow-<group id>.txt")}, in lower case)", allow == GroupAllowList.FileName("<group id>") ? null : allow);
            }

            if (Distance(text.ToLowerInvariant(), "variants") <= 2)
            {
                return new Found($"not read: probably meant {RuleLoader.VariantsFile} (the look-alike characters are read from that name only)", RuleLoader.VariantsFile);
            }
        }

        if (PackMeant(name, text, hadTextEnding) is { } pack)
        {
            return new Found($"not read: probably meant {pack} (a pack is read from a file whose name ends in .yaml or .yml)", pack);
        }

        if (hadTextEnding && packsRead)
        {
            return new Found("not read: no pack names it as its terms_file or unless_near_file; name it in a rule, or move it out of the rules folder", null);
        }

        return null;
    }

    /// <summary><paramref name="name"/> without its endings <c>.txt</c> (any case, however often written: <c>allow.txt.txt</c>).</summary>
    private static string StripTextEnding(string name, out bool stripped)
    {
        stripped = false;
        while (name.Length > TextEnding.Length && name.EndsWith(TextEnding, StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^TextEnding.Length];
            stripped = true;
        }

        return name;
    }

    /// <summary>
    /// The allow list a name without its <c>.txt</c> probably meant: <c>allow.txt</c> for <c>Allow</c>,
    /// <c>allow-654321.txt</c> for <c>allow_654321</c>, <c>Allow-654321</c>, <c>alow-654321</c> or
    /// <c>allow654321</c>; null when the name is no allow list's.
    /// </summary>
    private static string? AllowListMeant(string stem)
    {
        var letters = 0;
        while (letters < stem.Length && char.IsAsciiLetter(stem[letters]))
        {
            letters++;
        }

        if (letters == 0 || char.ToLowerInvariant(stem[0]) != 'a' || Distance(stem[..letters].ToLowerInvariant(), "allow") > 1)
        {
            return null;
        }

        var id = stem[letters..].TrimStart(Separators);
        if (id.Length == 0)
        {
            return RuleLoader.AllowFile;
        }

        id = DigitsButFor(id) ?? id;
        return GroupAllowList.FileName(GroupAllowList.IsFileGroupId(id) ? id : "<group id>");
    }

    /// <summary>
    /// The pack a file's name probably meant: the name without the <c>.txt</c> an editor added
    /// (<c>ads.yml.txt</c>), without spaces or dots after its ending, or with its ending spelled
    /// right (<c>ads.ymal</c>, <c>ads.yam</c>); null when it is none of these.
    /// </summary>
    private static string? PackMeant(string name, string withoutText, bool hadTextEnding)
    {
        static bool IsPack(string n) =>
            n.Length > 5 && n.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
            || n.Length > 4 && n.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

        if (hadTextEnding && IsPack(withoutText))
        {
            return withoutText;
        }

        var trimmed = name.TrimEnd(' ', '.', '\t');
        if (trimmed != name && IsPack(trimmed))
        {
            return trimmed;
        }

        var ending = Path.GetExtension(name);
        var stem = name[..^ending.Length];
        if (ending.Length < 3 || stem.Length == 0 || !ending[1..].All(char.IsAsciiLetter))
        {
            return null;
        }

        var spelled = ending[1..].ToLowerInvariant();
        if (spelled == "xml")
        {
            return null; // one letter from yml, and a format of its own
        }

        var toYaml = Distance(spelled, "yaml");
        var toYml = Distance(spelled, "yml");
        return Math.Min(toYaml, toYml) > 1 ? null : stem + (toYaml <= toYml ? ".yaml" : ".yml");
    }

    /// <summary>
    /// The number <paramref name="id"/> was meant to be when it is digits (four or more) but for a
    /// letter or two that look like one (<c>l</c> and <c>I</c> for 1, <c>O</c> and <c>o</c> for 0):
    /// <c>654321</c> for <c>65432l</c>; null when it is anything else.
    /// </summary>
    internal static string? DigitsButFor(string id)
    {
        var digits = id.Count(char.IsAsciiDigit);
        var lookalikes = id.Count(c => c is 'l' or 'I' or 'O' or 'o');
        if (lookalikes == 0 || digits < 4 || digits < 2 * lookalikes || digits + lookalikes != id.Length)
        {
            return null;
        }

        return new string([.. id.Select(c => c switch { 'l' or 'I' => '1', 'O' or 'o' => '0', _ => c })]);
    }

    /// <summary>The edits (a character put in, taken out, changed, or two side by side swapped) that make <paramref name="a"/> <paramref name="b"/>.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
