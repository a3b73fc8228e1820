using System.Globalization;
using System.Text;
using GroupGuard.Core.Rules;

namespace GroupGuard.Host.WebConsole;

/// <summary>
/// Which folding made a hit match, told from what the user wrote: as written, full width, case,
/// traditional or compatibility forms, look-alike variants, inserted symbols, repeated characters,
/// pinyin. A term's hit is told from the rule's term; a regex's from how its characters fold for
/// the regex and whether it matched only once the interference inside was left out. A detector
/// reads the text as written in a way of its own (full-width digits, separators), which this
/// cannot tell: nothing, rather than a wrong "as written".
/// </summary>
internal static class FoldExplainer
{
    /// <summary>How the hit of <paramref name="rule"/> at [<paramref name="start"/>, +<paramref name="length"/>) of <paramref name="line"/> matched; empty when it cannot be told.</summary>
    public static IReadOnlyList<string> Explain(RuleSet rules, Rule rule, string line, int start, int length, string matched)
    {
        var written = line.Substring(start, length);
        if (rule.Regex is not null)
        {
            return ExplainRegex(rules, rule, line, start, length, written);
        }

        return rule.Terms.Count > 0 ? ExplainTerm(rules, written, matched) : [];
    }

    /// <summary>
    /// A regex reads each character folded (full width, case, traditional forms, look-alikes), the
    /// interference kept; where that finds nothing it reads the text again without the interference
    /// put inside words. A regex hit's <c>matched</c> is the written text itself, so it says nothing.
    /// </summary>
    private static List<string> ExplainRegex(RuleSet rules, Rule rule, string line, int start, int length, string written)
    {
        var ways = new List<string>();
        foreach (var rune in written.EnumerateRunes())
        {
            var text = rune.ToString();
            var folded = rules.FoldForRegex(text);
            if (string.Equals(folded, text, StringComparison.Ordinal))
            {
                continue;
            }

            Add(ways, folded.Length == 0 ? "inserted symbols" : Kind(rules, rune));
        }

        if (!rules.RegexMatchesFirstReading(rule, line, start, length))
        {
            Add(ways, "inserted symbols");
        }

        return ways.Count == 0 ? ["as written"] : ways;
    }

    private static List<string> ExplainTerm(RuleSet rules, string written, string matched)
    {
        if (string.Equals(written, matched, StringComparison.Ordinal))
        {
            return ["as written"];
        }

        var ways = new List<string>();
        var hasLatin = false;
        for (var k = 0; k < written.Length; k++)
        {
            var c = written[k];
            if (char.IsSurrogate(c))
            {
                Add(ways, "inserted symbols");
                continue;
            }

            hasLatin |= c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';
            var folded = rules.Fold(c.ToString());
            if (folded.Length == 0)
            {
                Add(ways, "inserted symbols");
            }
            else if (!string.Equals(folded, c.ToString(), StringComparison.Ordinal) || rules.Variants.ContainsKey(c))
            {
                Add(ways, Kind(rules, new Rune(c)));
            }

            if (k > 0 && written[k - 1] == c && char.IsLetter(c))
            {
                Add(ways, "repeated characters");
            }
        }

        if (hasLatin && matched.Any(c => CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.OtherLetter))
        {
            Add(ways, "pinyin");
        }

        return ways.Count == 0 ? ["folded"] : ways;
    }

    /// <summary>What folding a character that folds to another went through.</summary>
    private static string Kind(RuleSet rules, Rune rune)
    {
        if (!rune.IsBmp)
        {
            return "compatibility form";
        }

        var c = (char)rune.Value;
        return c is >= '\uFF01' and <= '\uFF5E' or '\u3000' ? "full width"
            : char.IsUpper(c) ? "case"
            : rules.Variants.ContainsKey(c) ? "look-alike"
            : CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.OtherLetter ? "traditional form"
            : "compatibility form";
    }

    private static void Add(List<string> ways, string way)
    {
        if (!ways.Contains(way))
        {
            ways.Add(way);
        }
    }
}
