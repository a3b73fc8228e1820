using System.Text.RegularExpressions;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Core.Detection;

/// <summary>
/// The first matcher: every term normalized once at build time, looked for with ordinal search.
/// Adequate for the shipped packs; the detection issue replaces it with one automaton for all
/// packs behind the same <see cref="Match"/> call.
/// </summary>
internal sealed class TermMatcher
{
    private readonly (string Normalized, RuleTerm Term, Rule Rule, bool AsciiWord)[] _terms;
    private readonly Rule[] _regexRules;

    public TermMatcher(IEnumerable<Rule> rules)
    {
        var terms = new List<(string, RuleTerm, Rule, bool)>();
        var regexRules = new List<Rule>();
        foreach (var rule in rules)
        {
            foreach (var term in rule.Terms)
            {
                var normalized = TextNormalizer.Normalize(term.Text);
                if (normalized.Length > 0)
                {
                    terms.Add((normalized, term, rule, IsAsciiWord(normalized)));
                }
            }

            if (rule.Regex is not null)
            {
                regexRules.Add(rule);
            }
        }

        _terms = [.. terms];
        _regexRules = [.. regexRules];
    }

    /// <summary>The first hit of each rule that applies to <paramref name="groupId"/>, in rule order.</summary>
    public IReadOnlyList<RuleHit> Match(string normalizedText, string groupId)
    {
        List<RuleHit>? hits = null;
        HashSet<string>? fired = null;

        foreach (var (normalized, term, rule, asciiWord) in _terms)
        {
            if (fired?.Contains(rule.Id) == true || !rule.Groups.Covers(groupId))
            {
                continue;
            }

            var at = Find(normalizedText, normalized, asciiWord);
            if (at >= 0)
            {
                (hits ??= []).Add(new RuleHit(rule, term.Text, at, normalized.Length));
                (fired ??= new HashSet<string>(StringComparer.Ordinal)).Add(rule.Id);
            }
        }

        foreach (var rule in _regexRules)
        {
            if (fired?.Contains(rule.Id) == true || !rule.Groups.Covers(groupId))
            {
                continue;
            }

            Match m;
            try
            {
                m = rule.Regex!.Match(normalizedText);
            }
            catch (RegexMatchTimeoutException)
            {
                // A pathological pattern on a hostile message is the rule's fault, not the message's:
                // skip it here; the rule-set health reports timeouts once the detection issue counts them.
                continue;
            }

            if (m.Success)
            {
                (hits ??= []).Add(new RuleHit(rule, m.Value, m.Index, m.Length));
                (fired ??= new HashSet<string>(StringComparer.Ordinal)).Add(rule.Id);
            }
        }

        return hits ?? (IReadOnlyList<RuleHit>)[];
    }

    /// <summary>
    /// Ordinal search; an ASCII word term (<c>av</c>) only counts where it is not part of a longer
    /// ASCII word (<c>have</c>).
    /// </summary>
    private static int Find(string text, string term, bool asciiWord)
    {
        var from = 0;
        while (from <= text.Length - term.Length)
        {
            var at = text.IndexOf(term, from, StringComparison.Ordinal);
            if (at < 0 || !asciiWord)
            {
                return at;
            }

            var end = at + term.Length;
            var before = at == 0 || !IsAsciiLetterOrDigit(text[at - 1]);
            var after = end == text.Length || !IsAsciiLetterOrDigit(text[end]);
            if (before && after)
            {
                return at;
            }

            from = at + 1;
        }

        return -1;
    }

    private static bool IsAsciiWord(string term) => term.All(IsAsciiLetterOrDigit);

    private static bool IsAsciiLetterOrDigit(char c) => char.IsAsciiLetterOrDigit(c);
}
