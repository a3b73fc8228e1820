using System.Globalization;
using GroupGuard.Core.Rules;

namespace GroupGuard.Host.WebConsole;

/// <summary>
/// Which folding made a hit match, told from what the user wrote and the rule's term: as written,
/// full width, case, traditional or compatibility forms, look-alike variants, inserted symbols,
/// repeated characters, pinyin.
/// </summary>
internal static class FoldExplainer
{
    public static IReadOnlyList<string> Explain(RuleSet rules, string written, string matched)
    {
        if (string.Equals(written, matched, StringComparison.Ordinal))
        {
            return ["as written"];
        }

        var ways = new List<string>();
        void Add(string way)
        {
            if (!ways.Contains(way))
            {
                ways.Add(way);
            }
        }

        var hasLatin = false;
        for (var k = 0; k < written.Length; k++)
        {
            var c = written[k];
            if (char.IsSurrogate(c))
            {
                Add("inserted symbols");
                continue;
            }

            hasLatin |= c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';
            var folded = rules.Fold(c.ToString());
            if (folded.Length == 0)
            {
                Add("inserted symbols");
            }
            else if (c is >= '\uFF01' and <= '\uFF5E' or '\u3000')
            {
                Add("full width");
            }
            else if (char.IsUpper(c))
            {
                Add("case");
            }
            else if (rules.Variants.ContainsKey(c))
            {
                Add("look-alike");
            }
            else if (!string.Equals(folded, c.ToString(), StringComparison.Ordinal))
            {
                Add(CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.OtherLetter ? "traditional form" : "compatibility form");
            }

            if (k > 0 && written[k - 1] == c && char.IsLetter(c))
            {
                Add("repeated characters");
            }
        }

        if (hasLatin && matched.Any(c => CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.OtherLetter))
        {
            Add("pinyin");
        }

        return ways.Count == 0 ? ["folded"] : ways;
    }
}
