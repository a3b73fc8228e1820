using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Detection;

/// <summary>One rule that fired on a message: the term (or regex match) and where it stands.</summary>
/// <param name="Matched">The term as the rule wrote it, or the text a regex matched.</param>
/// <param name="Start">Start in the scanned text, UTF-16 code units.</param>
/// <param name="Length">Length in the scanned text, UTF-16 code units.</param>
public sealed record RuleHit(Rule Rule, string Matched, int Start, int Length);

/// <summary>What the detector made of one message under one rule-set version.</summary>
public sealed record Verdict(string RuleSetVersion, IReadOnlyList<RuleHit> Hits)
{
    public bool Flagged => Hits.Count > 0;
}
