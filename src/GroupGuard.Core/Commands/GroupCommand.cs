namespace GroupGuard.Core.Commands;

/// <summary>What a command in the group asks for.</summary>
public enum GroupCommandVerb
{
    /// <summary>The prefix alone, or <c>帮助</c>: the list of commands.</summary>
    Help,

    /// <summary><c>状态</c>: today's counts for the group.</summary>
    Status,

    /// <summary><c>误判</c>, in reply to a message or to a warning: its incidents were wrong.</summary>
    FalsePositive,

    /// <summary><c>解禁 @某人</c>: lift a mute.</summary>
    Unmute,

    /// <summary><c>放行 词语</c>: add a phrase to the group's allow list.</summary>
    Allow,

    /// <summary><c>放行名单</c>: the group's allow list, its first phrases.</summary>
    AllowList,

    /// <summary><c>取消放行 词语</c>: take a phrase off the group's allow list.</summary>
    Disallow,

    /// <summary><c>试运行 开</c> or <c>试运行 关</c>: dry run for the group; <c>试运行</c> alone, or with another word: what it is.</summary>
    DryRun,

    /// <summary><c>检查 文字</c>, or <c>检查</c> in reply to a message: what the rules in force make of the text in this group, and why.</summary>
    Check,

    /// <summary><c>信任 @某人</c>: spare members in this group (their messages are recorded, never acted on).</summary>
    Trust,

    /// <summary><c>取消信任 @某人</c>: act on members' messages again.</summary>
    Untrust,

    /// <summary><c>信任名单</c>: who the group trusts, by command and by settings.</summary>
    TrustList,

    /// <summary>A word after the prefix that is no command.</summary>
    Unknown,
}

/// <summary>
/// A command typed in a group, as <see cref="GroupCommandParser"/> read it. Whether its sender may
/// give it (an owner or admin) is the caller's to check.
/// </summary>
public sealed record GroupCommand
{
    public required GroupCommandVerb Verb { get; init; }

    /// <summary>The verb's own word (<c>误判</c>), for the audit log; <c>帮助</c> for help and unknown words.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// For <c>误判</c> the note, for <c>放行</c> and <c>取消放行</c> the phrase, for <c>检查</c> the text: the
    /// rest of the text, trimmed; else empty. A <c>检查</c> without text is a reply: it checks the message replied to.
    /// </summary>
    public string Argument { get; init; } = "";

    /// <summary>For <c>试运行</c>: on or off; null when it asks what the group's setting is (<c>试运行</c> alone, or with a word that is neither).</summary>
    public bool? On { get; init; }

    /// <summary>
    /// For <c>解禁</c> the members to lift, for <c>信任</c> and <c>取消信任</c> the members to trust
    /// or not (mentioned, or QQ numbers typed); for <c>误判</c> the
    /// senders to keep to when a warning named several. Never the bot.
    /// </summary>
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>The message the command replies to, when it is a reply.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>
    /// When the text was read as this command though typed otherwise (<c>放行 名单</c>, a space typed
    /// inside 放行名单): the clause its answer begins with, saying so (<c>按 /gg 放行名单 处理：</c>); else null.
    /// </summary>
    public string? ReadAs { get; init; }

    /// <summary>When the command cannot be carried out as typed: the one line to answer (how to type it); else null.</summary>
    public string? Problem { get; init; }
}
