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
        var hits = rules.Engine.Match(text, groupId, segmenter, origin);

        // Most messages: one shared verdict per rule set, nothing allocated.
        return hits.Count == 0 ? rules.Clean : new Verdict(rules.Version, hits);
    }
}
