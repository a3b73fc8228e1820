using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Core.Detection;

/// <summary>Normalize, match, confirm, and say which rules fired on a message.</summary>
public static class MessageDetector
{
    public static Verdict Detect(RuleSet rules, ChatMessage message, IWordSegmenter? segmenter = null) =>
        Detect(rules, message.ScanText, message.GroupId, segmenter);

    /// <summary>
    /// The verdict on <paramref name="text"/> in group <paramref name="groupId"/>. Hit spans index
    /// <paramref name="text"/> in UTF-16 code units and cover what the user wrote.
    /// </summary>
    public static Verdict Detect(RuleSet rules, string text, string? groupId, IWordSegmenter? segmenter = null) =>
        Detect(rules, text, groupId, TextOrigin.Typed, segmenter);

    /// <summary>
    /// The verdict on <paramref name="text"/> that came from <paramref name="origin"/>: a QR code's
    /// payload is matched like typed text, and the <c>qr</c> detector fires on it alone.
    /// </summary>
    public static Verdict Detect(RuleSet rules, string text, string? groupId, TextOrigin origin, IWordSegmenter? segmenter = null)
    {
        return VerdictOf(rules, rules.Engine.Match(text, groupId, segmenter, origin));
    }

    /// <summary>
    /// The verdict, as <see cref="Detect(RuleSet, string, string?, IWordSegmenter?)"/> gives it,
    /// and the near misses: each rule's term found in the text that did not count, and why (an
    /// allow phrase covers it, no person in reach for <c>target: person</c>, inside a longer word…),
    /// at most <see cref="DetectionEngine.MaxMisses"/>; none of a rule that fired. For an
    /// administrator asking why a message was not flagged; slower than Detect.
    /// </summary>
    public static Explanation Explain(RuleSet rules, string text, string? groupId, IWordSegmenter? segmenter = null)
    {
        var misses = new List<NearMiss>();
        var hits = rules.Engine.Match(text, groupId, segmenter, TextOrigin.Typed, misses);
        return new Explanation(VerdictOf(rules, hits), misses);
    }

    // Most messages: one shared verdict per rule set, nothing allocated.
    private static Verdict VerdictOf(RuleSet rules, IReadOnlyList<RuleHit> hits) =>
        hits.Count == 0 ? rules.Clean : new Verdict(rules.Version, hits);
}
