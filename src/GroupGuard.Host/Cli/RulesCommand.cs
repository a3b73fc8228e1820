using GroupGuard.Core.Rules;

namespace GroupGuard.Host.Cli;

internal static class RulesCommand
{
    /// <summary>
    /// <c>groupguard rules check [--rules DIR] [--strict]</c>: every problem as <c>path:line: message</c> and
    /// exit 1, or a one-line summary and exit 0; warnings are printed too, and with
    /// <paramref name="strict"/> exit 1 as well. Notes (never a failure) name each file that
    /// differs from the packs shipped beside the executable, or is not there.
    /// </summary>
    public static int Check(string folder, TextWriter output, TimeProvider time, bool strict = false)
    {
        var result = RuleLoader.Load(folder, time);
        foreach (var error in result.Errors)
        {
            output.WriteLine(error.ToString());
        }

        foreach (var warning in result.Warnings)
        {
            output.WriteLine(warning.Line > 0 ? $"{warning.Path}:{warning.Line}: warning: {warning.Message}" : $"{warning.Path}: warning: {warning.Message}");
        }

        // Advice too: what this version ships that the folder holds otherwise (an upgrade leaves the folder as it was).
        if (ShippedRules.Compare(folder) is { } shipped)
        {
            foreach (var name in shipped.Changed)
            {
                output.WriteLine($"{Path.Combine(shipped.Folder, name)}: note: differs from the one shipped with this version; to see how: diff -u {Path.Combine(shipped.Folder, name)} {Path.Combine(shipped.ShippedFolder, name)}");
            }

            foreach (var name in shipped.Missing)
            {
                output.WriteLine($"{Path.Combine(shipped.Folder, name)}: note: not there, while this version ships {Path.Combine(shipped.ShippedFolder, name)}");
            }
        }

        if (result.RuleSet is not { } set)
        {
            output.WriteLine($"{result.ErrorTotal} {(result.ErrorTotal == 1 ? "problem" : "problems")} in {Path.GetFullPath(folder)}");
            return 1;
        }

        if (strict && result.Warnings.Count > 0)
        {
            output.WriteLine($"{result.WarningTotal} {(result.WarningTotal == 1 ? "warning" : "warnings")} in {set.Directory} (--strict)");
            return 1;
        }

        // Advice, not a warning (--strict does not fail on it): such a regex costs every message.
        foreach (var rule in set.RegexesOnEveryMessage)
        {
            output.WriteLine($"{rule.SourcePath}:{rule.Line}: note: rule '{rule.Id}': its regex names no text that every match must contain, so it runs on every message; a word that every match holds (出售, 微信, http) lets it run only on the messages that have one");
        }

        // Past 64 regex and detector rules (and detector parts) needing words of their own, the walk
        // that finds them cannot look for the later ones' words: those run on every message.
        foreach (var rule in set.RulesPastTheWalk)
        {
            output.WriteLine($"{rule.SourcePath}:{rule.Line}: note: rule '{rule.Id}': more than {RuleSet.WalkSets} regex and detector rules need words of their own, and detection looks for {RuleSet.WalkSets} in one walk, so this one runs on every message (slower, same verdicts); fewer regex rules, or regexes that share their words, bring it back");
        }

        // Said on the last line too, which is the one read: the rules load, and the warnings above want a look.
        var warned = result.WarningTotal == 0 ? "" : $", with {result.WarningTotal} {(result.WarningTotal == 1 ? "warning" : "warnings")} above (they load as they are; --strict fails on them),";
        output.WriteLine($"rules OK{warned} in {set.Directory}: {set.Packs.Count} packs, {set.Rules.Count} rules, {set.TermCount} terms, {set.Allow.Count} allow phrases{(set.GroupAllow.Count == 0 ? "" : $" (+{set.GroupAllow.Values.Sum(l => l.Count)} in {set.GroupAllow.Count} groups' lists)")}, {set.Variants.Count} variants{(File.Exists(Path.Combine(set.Directory, RuleLoader.VariantsFile)) ? "" : " (built in)")} (version {set.Version})");
        return 0;
    }
}
