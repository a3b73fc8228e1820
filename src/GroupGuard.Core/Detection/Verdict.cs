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

/// <summary>Why a rule's term (or regex or detector match) found in a message did not count.</summary>
public enum MissReason
{
    /// <summary>The rule does not apply in this group (its <c>groups:</c>).</summary>
    OtherGroup,

    /// <summary>An ASCII end of the term runs on into an ASCII word (av in have).</summary>
    InsideAsciiWord,

    /// <summary>The term was stitched across a clause break, a face or a mention (傻。逼急了).</summary>
    AcrossClauseBreak,

    /// <summary>An allow phrase covers it (<c>allow.txt</c>, the rule's <c>unless</c>, the group's allow list).</summary>
    Allowed,

    /// <summary>A word of the rule's <c>unless_preceded_by</c> stands right before it (不).</summary>
    PrecededBy,

    /// <summary>The rule asks for a target (<c>target: person</c> or <c>group</c>) and none is in reach.</summary>
    NoTarget,

    /// <summary>Only the target words in reach stand inside longer words (他 in 其他).</summary>
    TargetInsideWord,

    /// <summary>It was made by counting once a doubled character that is a word of its own (他妈妈的).</summary>
    HalfOfDoubledWord,

    /// <summary>A word-mode term that Jieba reads inside a longer word (死 in 死机).</summary>
    InsideWord,

    /// <summary>A phrase of the rule's <c>unless_near</c> stands in its sentence (诈骗 in a notice; the detail).</summary>
    Near,

    /// <summary>Each link the regex match takes in has its host on the rule's <c>allow_domains</c> (the detail: the first such link).</summary>
    AllowedDomain,
}

/// <summary>
/// A rule's term found in a message that did not count, and why (see <see cref="MissReason"/>).
/// <paramref name="Detail"/>: for <see cref="MissReason.Allowed"/>, the allowed text as written; for
/// <see cref="MissReason.Near"/>, the <c>unless_near</c> phrase, folded; for
/// <see cref="MissReason.AllowedDomain"/>, the allowed link as written; for
/// the target reasons, the target the rule asks for (person, group).
/// </summary>
public sealed record NearMiss(Rule Rule, string Matched, int Start, int Length, MissReason Reason, string? Detail = null);

/// <summary>The verdict on a message, with the near misses: what was found and did not count, and why.</summary>
public sealed record Explanation(Verdict Verdict, IReadOnlyList<NearMiss> Misses);
