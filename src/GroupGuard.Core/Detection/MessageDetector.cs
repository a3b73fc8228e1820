using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Core.Detection;

/// <summary>Normalize, match, and say which rules fired on a message.</summary>
public static class MessageDetector
{
    public static Verdict Detect(RuleSet rules, ChatMessage message) =>
        Detect(rules, message.ScanText, message.GroupId);

    public static Verdict Detect(RuleSet rules, string text, string groupId)
    {
        var normalized = TextNormalizer.Normalize(text);
        return new Verdict(rules.Version, rules.Matcher.Match(normalized, groupId));
    }
}
