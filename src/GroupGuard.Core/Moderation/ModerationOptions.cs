namespace GroupGuard.Core.Moderation;

/// <summary>One step of escalation: at the <see cref="Count"/>th incident of a sender in a group, also do <see cref="Action"/>.</summary>
public sealed class EscalationStep
{
    public int Count { get; set; }
    public ModerationAction Action { get; set; } = ModerationAction.Mute;
    public int MuteMinutes { get; set; } = 10;
}

/// <summary><c>GroupGuard:Moderation</c>.</summary>
public sealed class ModerationOptions
{
    public const string Section = "GroupGuard:Moderation";

    /// <summary>Incidents of the same sender in the same group within this many hours count towards escalation.</summary>
    public int EscalationWindowHours { get; set; } = 24;

    /// <summary>The steps; when not configured: 2nd incident → mute 10 min, 3rd → mute 60 min. Kicking is never a default.</summary>
    public List<EscalationStep>? Escalation { get; set; }

    /// <summary>Record what would have been done (<c>dry_run</c>) and call nothing.</summary>
    public bool DryRun { get; set; }

    /// <summary>User ids never acted on in any group (they still get incidents, marked <c>exempt</c>); <see cref="GroupOverride.ExemptUsers"/> for one group only.</summary>
    public List<string> ExemptUsers { get; set; } = [];

    /// <summary>
    /// After a kick the platform confirms, the kicked member's other messages in the group from
    /// this many minutes before are recalled too (from the recent messages GroupGuard remembers);
    /// 0 turns that off.
    /// </summary>
    public int ClearMinutes { get; set; } = 10;

    /// <summary>The most <see cref="ClearMinutes"/> may be: a day.</summary>
    public const int MaxClearMinutes = 24 * 60;

    /// <summary>
    /// A member's short messages sent within this many seconds of each other are also read joined
    /// (a message split into pieces: 加 / 微信 / abc123); 0 turns that off.
    /// </summary>
    public int PiecesSeconds { get; set; } = 20;

    /// <summary>The most <see cref="PiecesSeconds"/> may be: five minutes.</summary>
    public const int MaxPiecesSeconds = 300;

    /// <summary>
    /// Which actions are also said in the group, with the rule's warning and what was done
    /// (<see cref="Announcements"/>): by default mutes and kicks, so a member muted for an hour
    /// is told why.
    /// </summary>
    public Announcements Announce { get; set; } = Announcements.Mutes;

    public static List<EscalationStep> DefaultEscalation() =>
    [
        new() { Count = 2, Action = ModerationAction.Mute, MuteMinutes = 10 },
        new() { Count = 3, Action = ModerationAction.Mute, MuteMinutes = 60 },
    ];

    public IReadOnlyList<EscalationStep> Steps => Escalation ?? DefaultEscalation();
}

/// <summary><c>GroupGuard:Groups:&lt;group id&gt;</c>: settings for the groups whose admins want other ones.</summary>
public sealed class GroupOverride
{
    /// <summary>Only these packs apply in the group; null: every pack.</summary>
    public List<string>? Packs { get; set; }

    public bool? DryRun { get; set; }

    public List<EscalationStep>? Escalation { get; set; }

    /// <summary>Which actions are said in the group, where it differs from <c>GroupGuard:Moderation:Announce</c>.</summary>
    public Announcements? Announce { get; set; }

    /// <summary>How the group's join requests are screened, where it differs from <c>GroupGuard:Join</c>.</summary>
    public Members.JoinOverride? Join { get; set; }

    /// <summary>
    /// These settings with other <see cref="Packs"/> and everything else as it is (a picture's
    /// built-in pack added to a group's own list): a copy made field by field dropped the group's
    /// <see cref="Announce"/> and <see cref="Join"/>, and would drop the next setting added.
    /// </summary>
    public GroupOverride WithPacks(List<string> packs)
    {
        var copy = (GroupOverride)MemberwiseClone();
        copy.Packs = packs;
        return copy;
    }

    /// <summary>
    /// User ids trusted in this group only (a teacher, the class monitor, the shop's staff): their
    /// messages still make incidents, marked <c>exempt</c>, and are never acted on here. Beside those
    /// the group's admins trust with <c>/gg 信任</c>; at most <see cref="MaxTrusted"/>.
    /// </summary>
    public List<string>? ExemptUsers { get; set; }

    /// <summary>The most members one group trusts: in <see cref="ExemptUsers"/>, and apart from it by its admins.</summary>
    public const int MaxTrusted = 200;

    /// <summary>Whether <paramref name="userId"/> is in this group's <see cref="ExemptUsers"/>.</summary>
    public bool Trusts(string userId) => ExemptUsers?.Contains(userId, StringComparer.Ordinal) == true;
}

/// <summary>
/// Which of the bot's actions it also says in the group (<c>GroupGuard:Moderation:Announce</c>): a
/// warning that @-mentions the member with the rule's warning text and what was done (已撤回,
/// 禁言 60 分钟, 已移出本群). A rule whose action is <c>warn</c>, and an action the platform cannot
/// carry out, are warned of whatever this says.
/// </summary>
public enum Announcements
{
    /// <summary>Only warnings: recalls, mutes and kicks are silent (QQ shows its own grey notice of a recall or mute, without the reason).</summary>
    None,

    /// <summary>Mutes and kicks (escalations included); recalls alone stay silent, so a flood of adverts does not become a flood of notices.</summary>
    Mutes,

    /// <summary>Every recall, mute and kick.</summary>
    All,
}

/// <summary>What is kept of a message's text in its incident (<c>GroupGuard:Privacy:StoreText</c>).</summary>
public enum StoreText
{
    Full,
    Masked,
    None,
}

/// <summary><c>GroupGuard:Privacy</c>.</summary>
public sealed class PrivacyOptions
{
    public const string Section = "GroupGuard:Privacy";

    public StoreText StoreText { get; set; } = StoreText.Full;

    /// <summary>Evidence older than this many days is masked (or deleted) by the daily retention job.</summary>
    public int RetentionDays { get; set; } = 180;

    public RetentionMode RetentionMode { get; set; } = RetentionMode.Mask;
}
