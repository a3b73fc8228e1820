using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Text;

namespace GroupGuard.Core.Rules;

/// <summary>
/// Reads every <c>*.yaml</c>/<c>*.yml</c> pack in a folder (term files beside them) and reports
/// every problem at once, each as <c>path:line: message</c>, instead of stopping at the first;
/// warns of the files beside them it does not read though their names say it should (<see cref="UnreadFiles"/>).
/// </summary>
public static class RuleLoader
{
    /// <summary>Phrases that cancel any hit they cover, in every pack (a group's own: <see cref="GroupAllowList"/>).</summary>
    public const string AllowFile = "allow.txt";

    /// <summary>Look-alike and homophone substitutes: <c>微 薇 威 v</c>, canonical first.</summary>
    public const string VariantsFile = "variants.txt";

    /// <summary>The most pack files a folder may hold; the shipped rules are a handful.</summary>
    public const int MaxPackFiles = 1000;

    /// <summary>The most lines of terms and phrases a folder may hold (terms files, inline terms, unless phrases, the allow lists).</summary>
    public const int MaxTermLines = LoadBudget.MaxTermLines;

    /// <summary>The most characters of terms and phrases a folder may hold, as written.</summary>
    public const int MaxTermCharacters = LoadBudget.MaxTermCharacters;

    /// <summary>The most group allow lists (<c>allow-&lt;group id&gt;.txt</c>) a folder may hold: one a group, for more groups than one bot is in.</summary>
    public const int MaxGroupAllowLists = 10_000;

    public static RuleLoadResult Load(string directory, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var errors = new RuleProblems();
        var warnings = new RuleProblems();
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
        {
            errors.Add(new RuleError(full, 0, "rules folder does not exist"));
            return Result(null, full, errors, warnings);
        }

        string[] files;
        try
        {
            // Folders too: one named like a pack is read, and reported, rather than passed over in silence.
            files = System.IO.Directory.EnumerateFileSystemEntries(full)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(new RuleError(full, 0, $"cannot list the rules folder: {ex.Message}"));
            return Result(null, full, errors, warnings);
        }

        if (files.Length > MaxPackFiles)
        {
            errors.Add(new RuleError(RuleTextFiles.Display(full), 0, string.Create(CultureInfo.InvariantCulture, $"{files.Length:N0} pack files; the limit is {MaxPackFiles:N0}")));
            return Result(null, full, errors, warnings);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var budget = new LoadBudget(errors);
        var allow = ReadPhrases(Path.Combine(full, AllowFile), errors, warnings, hash, budget);
        var groupAllow = ReadGroupAllowLists(full, errors, warnings, hash, budget);
        var variants = ReadVariants(Path.Combine(full, VariantsFile), errors, hash);
        var folder = TextFolder.WithVariants(variants);
        var packs = new List<RulePack>();
        var packIds = new Dictionary<string, (string Path, int Line)>(StringComparer.Ordinal);
        var ruleIds = new Dictionary<string, (string Path, int Line)>(StringComparer.Ordinal);
        var named = new HashSet<string>(StringComparer.Ordinal);

        foreach (var file in files)
        {
            var display = RuleTextFiles.Display(file);
            var reader = new PackReader(file, display, errors, hash, time, folder, warnings, budget, named);
            var pack = reader.Read();
            if (pack is null)
            {
                continue;
            }

            if (packIds.TryGetValue(pack.Id, out var first))
            {
                errors.Add(new RuleError(display, reader.PackLine, $"duplicate pack id '{pack.Id}' (first at {first.Path}:{first.Line})"));
            }
            else
            {
                packIds[pack.Id] = (display, reader.PackLine);
            }

            foreach (var rule in pack.Rules)
            {
                if (ruleIds.TryGetValue(rule.Id, out var seen))
                {
                    errors.Add(new RuleError(display, rule.Line, $"duplicate rule id '{rule.Id}' (first at {seen.Path}:{seen.Line})"));
                }
                else
                {
                    ruleIds[rule.Id] = (display, rule.Line);
                }
            }

            packs.Add(pack);
        }

        WarnOfAllowedTerms(allow, packs, folder, warnings);

        // Files the packs and lists above never read, though their names say they were meant to be.
        UnreadFiles.Warn(full, named, packsRead: errors.Count == 0, warnings);

        if (errors.Count > 0)
        {
            RegexReuse.LoadFinished();
            return Result(null, full, errors, warnings);
        }

        var version = Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
        RuleSet set;
        try
        {
            set = new RuleSet(version, full, packs, allow, variants, groupAllow, folder) { TermLines = budget.TermLines, TermCharacters = budget.TermCharacters };
        }
        catch (AutomatonTooLargeException ex)
        {
            // Within the bound on characters as written only by way of pinyin forms.
            errors.Add(new RuleError(RuleTextFiles.Display(full), 0, string.Create(CultureInfo.InvariantCulture, $"{ex.Message}, the limit: the folder holds {budget.TermCharacters:N0} characters of terms and phrases, and rules with 'pinyin: true' add the pinyin forms of each of their terms; take terms out, or 'pinyin: true' off the rules with the most terms")));
            return Result(null, full, errors, warnings);
        }
        finally
        {
            RegexReuse.LoadFinished();
        }

        return Result(set, full, errors, warnings);
    }

    /// <summary>
    /// Warns of a line of <c>allow.txt</c> that is a rule's term itself: it covers every hit of the
    /// term, in every group, so the term never fires, though the rule lists it. A group's own list
    /// may hold a term (the one group lets the word pass), so only allow.txt is read for it.
    /// </summary>
    private static void WarnOfAllowedTerms(IReadOnlyList<RuleTerm> allow, List<RulePack> packs, TextFolder folder, RuleProblems warnings)
    {
        if (allow.Count == 0)
        {
            return;
        }

        var phrases = new Dictionary<string, RuleTerm>(StringComparer.Ordinal);
        foreach (var phrase in allow)
        {
            phrases.TryAdd(folder.FoldToString(phrase.Text), phrase);
        }

        var said = new HashSet<RuleTerm>();
        foreach (var rule in packs.SelectMany(p => p.Rules))
        {
            foreach (var term in rule.Terms)
            {
                if (phrases.TryGetValue(folder.FoldToString(term.Text), out var phrase) && said.Add(phrase))
                {
                    warnings.Add(new RuleError(phrase.SourcePath, phrase.Line, $"allow phrase '{phrase.Text}' is the term '{term.Text}' of rule '{rule.Id}' ({term.SourcePath}:{term.Line}) itself, so it covers every hit of that term, in every group, and the term never fires; an allow phrase is a longer saying that holds a term (微信支付 for 微信): write the saying, or take the term out of the rule (to let one group use the word, put it in that group's allow-<group id>.txt)"));
                }
            }
        }
    }

    private static RuleLoadResult Result(RuleSet? set, string folder, RuleProblems errors, RuleProblems warnings)
    {
        var display = RuleTextFiles.Display(folder);
        return new(set, errors.Listed(display, "problems"), warnings.Listed(display, "warnings"))
        {
            ErrorTotal = errors.Total,
            WarningTotal = warnings.Total,
        };
    }

    /// <summary>
    /// Each <c>allow-&lt;group id&gt;.txt</c> of the folder (not its subfolders), read like
    /// <c>allow.txt</c>, by group id. A file whose name gives no usable group id is an error.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<RuleTerm>> ReadGroupAllowLists(string folder, RuleProblems errors, RuleProblems warnings, IncrementalHash hash, LoadBudget budget)
    {
        var lists = new Dictionary<string, IReadOnlyList<RuleTerm>>(StringComparer.Ordinal);
        List<string> files;
        try
        {
            files = System.IO.Directory.EnumerateFiles(folder, GroupAllowList.FilePrefix + "*" + GroupAllowList.FileSuffix)
                .Where(f => GroupAllowList.GroupOf(Path.GetFileName(f)) is not null)
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(new RuleError(RuleTextFiles.Display(folder), 0, $"cannot list the group allow lists: {ex.Message}"));
            return lists;
        }

        if (files.Count > MaxGroupAllowLists)
        {
            errors.AddAlways(new RuleError(RuleTextFiles.Display(folder), 0, string.Create(CultureInfo.InvariantCulture, $"{files.Count:N0} group allow lists (allow-<group id>.txt); the limit is {MaxGroupAllowLists:N0}: none of them is read")));
            return lists;
        }

        foreach (var file in files)
        {
            var group = GroupAllowList.GroupOf(Path.GetFileName(file))!;
            if (!GroupAllowList.IsFileGroupId(group))
            {
                errors.Add(new RuleError(RuleTextFiles.Display(file), 0, $"'{group}' is not a group id: name a group's allow list allow-<group id>.txt (letters, digits, _ - . @)"));
                continue;
            }

            lists[group] = ReadPhrases(file, errors, warnings, hash, budget);
        }

        return lists;
    }

    /// <summary>
    /// A list of phrases, one a line, '#' starting a comment; empty when the file is absent. A line
    /// of several run together (加微信群，扫码进群) loads as one phrase, with a warning on its line.
    /// </summary>
    private static List<RuleTerm> ReadPhrases(string path, RuleProblems errors, RuleProblems warnings, IncrementalHash hash, LoadBudget budget)
    {
        var phrases = new List<RuleTerm>();
        if (!Path.Exists(path))
        {
            return phrases;
        }

        var display = RuleTextFiles.Display(path);
        foreach (var (line, text) in RuleTextFiles.ReadLines(path, display, errors, hash))
        {
            if (!budget.TakeTermLine(display, line, ruleId: null, text.Length))
            {
                break;
            }

            if (text.Length > LoadBudget.MaxTermLength)
            {
                errors.Add(new RuleError(display, line, PackReader.TooLong(null, "allow phrase", text.Length)));
                continue;
            }

            if (TextFolder.Plain.FoldToString(text).Length == 0)
            {
                errors.Add(new RuleError(display, line, $"'{text}' has no letters, digits or hanzi left after normalization"));
                continue;
            }

            if (PackReader.RunTogether(text))
            {
                warnings.Add(new RuleError(display, line, PackReader.SeveralPhrases("allow phrase", text, "an allow list takes one phrase a line: put {1} on lines of their own")));
            }

            phrases.Add(new RuleTerm(text, display, line));
        }

        return phrases;
    }

    /// <summary>The shipped variants, used when a rules folder has no variants.txt.</summary>
    public const string BuiltInVariants = "(built-in variants.txt)";

    private static Dictionary<char, char> ReadVariants(string path, RuleProblems errors, IncrementalHash hash)
    {
        var variants = new Dictionary<char, char>();
        List<(int Line, string Text)> lines;
        string display;
        if (Path.Exists(path))
        {
            display = RuleTextFiles.Display(path);
            lines = RuleTextFiles.ReadLines(path, display, errors, hash);
        }
        else
        {
            display = BuiltInVariants;
            using var stream = typeof(RuleLoader).Assembly.GetManifestResourceStream("GroupGuard.Core.Rules.variants.txt")
                ?? throw new InvalidOperationException("The built-in variants.txt is missing from GroupGuard.Core");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            lines = RuleTextFiles.ParseLines(reader.ReadToEnd());
        }

        var seenAt = new Dictionary<char, int>();
        foreach (var (line, text) in lines)
        {
            var items = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (items.Length < 2)
            {
                errors.Add(new RuleError(display, line, $"'{text}': give the canonical character, then its variants, separated by spaces"));
                continue;
            }

            if (items.FirstOrDefault(i => i.Length != 1) is { } wide)
            {
                errors.Add(new RuleError(display, line, $"'{wide}' is not a single character; variants map one character to one"));
                continue;
            }

            var canonical = items[0][0];
            foreach (var item in items.Skip(1))
            {
                var variant = item[0];
                if (variant == canonical)
                {
                    continue;
                }

                if (variants.TryGetValue(variant, out var other) && other != canonical)
                {
                    errors.Add(new RuleError(display, line, $"'{variant}' is already a variant of '{other}' (line {seenAt[variant]})"));
                    continue;
                }

                variants[variant] = canonical;
                seenAt.TryAdd(variant, line);
            }
        }

        return variants;
    }
}
