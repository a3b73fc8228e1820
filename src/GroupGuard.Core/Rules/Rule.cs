using System.Text.RegularExpressions;
using GroupGuard.Core.Detection.Detectors;

namespace GroupGuard.Core.Rules;

/// <summary><c>enforce</c> acts on hits; <c>shadow</c> records them and never acts.</summary>
public enum RuleMode
{
    Enforce,
    Shadow,
}

/// <summary>How a term must line up with the text (the detection issue gives <c>word</c> its Jieba check).</summary>
public enum TermMatch
{
    Auto,
    Word,
    Substring,
}

/// <summary>
/// What a term's hit must be aimed at (<c>target:</c>). <c>any</c>: anything. <c>person</c>: a
/// person named near it in the same clause (a second- or third-person pronoun, a word for people,
/// a mention), so 垃圾 about a courier or a phone stays quiet while 你就是个垃圾 fires. <c>group</c>:
/// a people, a region's people or a sex named in the same sentence, so 河南人……都是骗子 fires while
/// 小心骗子 stays quiet.
/// </summary>
public enum TermTarget
{
    Any,
    Person,
    Group,
}

/// <summary>
/// How far a target is looked for (<c>target_scope:</c>): the hit's <c>clause</c> (the default for
/// <c>person</c>), its <c>sentence</c> (the default for <c>group</c>; a comma does not end it), or the
/// whole <c>message</c> within <see cref="Detection.DetectionEngine.MessageRadius"/> characters, for a
/// word that is contempt wherever the group is named (上海人……真让我恶心).
/// </summary>
public enum TargetScope
{
    Clause,
    Sentence,
    Message,
}

/// <summary>
/// What a regex rule does with the interference in a message (<c>interference:</c>): <c>skip</c> (the
/// default) reads the message a second time without the spaces, symbols, emoji and punctuation
/// other than clause breaks put inside and between words, where the first reading finds nothing,
/// as terms are read (出❤售冰❤毒); <c>keep</c> reads it only as written, for a pattern whose spaces
/// or symbols are what it means.
/// </summary>
public enum Interference
{
    Skip,
    Keep,
}

/// <summary>One rule, with its pack's defaults already applied where it does not override them.</summary>
public sealed record Rule
{
    public required string Id { get; init; }

    /// <summary>
    /// The rule's <c>name:</c>, a short label a leader reads in digests and alerts in place of its id
    /// (<c>贷款诈骗</c> for <c>fraud.loan</c>), at most <see cref="MaxNameLength"/> characters; null when the pack gives none.
    /// </summary>
    public string? Name { get; init; }

    /// <summary>The longest rule <see cref="Name"/>: a label read at a glance on a digest's line, not a description.</summary>
    public const int MaxNameLength = 16;

    /// <summary>The rule as a leader reads it: its <see cref="Name"/>, else its id.</summary>
    public string Label => Name ?? Id;

    public required string PackId { get; init; }
    public required string Category { get; init; }
    public required Severity Severity { get; init; }
    public required ModerationAction Action { get; init; }
    public int MuteMinutes { get; init; }
    public RuleMode Mode { get; init; }
    public TermMatch Match { get; init; }
    public required GroupScope Groups { get; init; }
    public IReadOnlyList<RuleTerm> Terms { get; init; } = [];

    /// <summary>Also match the terms in full pinyin, initials and mixed forms (傻b).</summary>
    public bool Pinyin { get; init; }

    /// <summary>Phrases that cancel a hit of this rule when they cover it (<c>unless:</c>).</summary>
    public IReadOnlyList<RuleTerm> Unless { get; init; } = [];

    /// <summary>
    /// Words that cancel a hit of this rule when they come right before it, in the same clause
    /// (<c>unless_preceded_by:</c>): the negations of 不讨厌黑人, 没有看不起外地人.
    /// </summary>
    public IReadOnlyList<RuleTerm> UnlessPrecededBy { get; init; } = [];

    /// <summary>
    /// Phrases that cancel a hit of this rule when they stand in its sentence, unless a negation
    /// stands right before them (<c>unless_near:</c>): the 诈骗 and 骗局 of an anti-fraud notice
    /// that quotes the offer (警惕刷单，日赚三百都是骗局), not the 不是骗局 of an advert.
    /// </summary>
    public IReadOnlyList<RuleTerm> UnlessNear { get; init; } = [];

    /// <summary>What a hit must be aimed at (<c>target:</c>): anything, a person named nearby, or a group.</summary>
    public TermTarget Target { get; init; }

    /// <summary>How far the target is looked for (<c>target_scope:</c>).</summary>
    public TargetScope TargetScope { get; init; }

    public Regex? Regex { get; init; }

    /// <summary>Whether a regex also reads the message without interference (<c>interference:</c>).</summary>
    public Interference Interference { get; init; }

    /// <summary>The built-in detector's name (<c>cn_id_card</c>, …) when the rule uses one.</summary>
    public string? DetectorName { get; init; }

    internal IDetector? Detector { get; init; }

    /// <summary>
    /// A regex rule's <c>allow_domains</c>: a match each of whose links has its host on the list does
    /// not count; null when the rule has none (a url detector keeps its list in the detector).
    /// </summary>
    internal LinkHosts? AllowedLinks { get; init; }

    /// <summary>A condition on the message stream (flood, repeat, @all) instead of on the text.</summary>
    public StreamRule? Stream { get; init; }

    /// <summary>
    /// The warning posted in the group (after an @ of the sender) when the action is warn, or when a
    /// platform cannot carry out the action. <c>{pack}</c>, <c>{rule}</c> (its <c>name:</c>, else its id) and <c>{category}</c> are filled in.
    /// </summary>
    public string? WarningTemplate { get; init; }

    /// <summary>
    /// <c>newcomer_hours:</c> the rule applies only to members who joined the group within this many
    /// hours of the message; null applies it to every member.
    /// </summary>
    public int? NewcomerHours { get; init; }

    /// <summary>The pack's display name, for warnings and digests.</summary>
    public string PackName { get; init; } = "";

    /// <summary>Whether the pack has a name members can read: not one of Latin letters alone, which is its id again (or an id's like).</summary>
    public bool PackNamed => !PackName.All(char.IsAscii);

    /// <summary>
    /// The rule as people in a group read it (<c>/gg 检查</c>): its <see cref="Name"/> (<c>加联系方式引流</c>);
    /// without one, its pack's Chinese name before its id (<c>广告引流 ads.contact</c>), or the id alone
    /// where the pack has no such name either (<see cref="PackNamed"/>).
    /// </summary>
    public string ShownName => Name ?? (PackNamed ? $"{PackName} {Id}" : Id);

    public required string SourcePath { get; init; }
    public int Line { get; init; }
}
