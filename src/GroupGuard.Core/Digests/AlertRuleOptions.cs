namespace GroupGuard.Core.Digests;

/// <summary>
/// One rule under <c>GroupGuard:Alerts</c>: incidents at or above <see cref="MinSeverity"/> in
/// <see cref="Groups"/> go out on <see cref="Channels"/> at once, those detected within
/// <see cref="CoalesceSeconds"/> of the first (and without a pause of <see cref="QuietSeconds"/>)
/// as one message.
/// </summary>
public sealed class AlertRuleOptions
{
    public const string Section = "GroupGuard:Alerts";

    /// <summary>
    /// What an alert rule's messages are kept under in the digest outbox, before its name. A leader's
    /// name may not start with it, so an alert never shares a key with a leader's digests.
    /// </summary>
    public const string OutboxPrefix = "alert:";

    /// <summary>
    /// What the follow-ups of a rule's alerts are kept under in the digest outbox, before its name:
    /// one per alert that went out saying 待处置, with that alert's period, so it goes out once. A
    /// leader's name may not start with it either.
    /// </summary>
    public const string FollowUpPrefix = "alert-followup:";

    /// <summary>
    /// Unique among the rules; when left out, <c>alert-</c> and eight hex digits that follow from the
    /// rule's severity, groups and channels (<see cref="NameByContent"/>).
    /// </summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// What an earlier version named this unnamed rule (<c>alert-&lt;i&gt;</c>, by its place in the
    /// list), so its first look after an upgrade starts where that version's last alert ended.
    /// </summary>
    public string? LegacyName { get; private set; }

    /// <summary><c>low</c>, <c>medium</c>, <c>high</c> or <c>critical</c>: the least severe incident that alerts.</summary>
    public string MinSeverity { get; set; } = "high";

    /// <summary>Group ids; <c>*</c> for every group.</summary>
    public List<string> Groups { get; set; } = [];

    /// <summary>Names of channels under <c>GroupGuard:Channels</c>, the ones digests use.</summary>
    public List<string> Channels { get; set; } = [];

    /// <summary>Incidents detected within this many seconds of the first go out as one message (0 to 3600).</summary>
    public int CoalesceSeconds { get; set; } = 60;

    /// <summary>
    /// The window closes sooner once this many seconds pass with no further incident (0 to 3600;
    /// 0: it always lasts <see cref="CoalesceSeconds"/>): a lone incident goes out in about this
    /// long, a burst still as one message.
    /// </summary>
    public int QuietSeconds { get; set; } = 10;

    /// <summary>The time zone the message gives times in (IANA, e.g. <c>Asia/Shanghai</c>).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    public bool CoversAll => Groups.Contains("*");

    /// <summary>The rule's key in the digest outbox, where each of its messages is one entry.</summary>
    public string OutboxKey => OutboxPrefix + Name;

    /// <summary>The rule's key in the digest outbox for the follow-ups of its alerts (<see cref="FollowUpPrefix"/>).</summary>
    public string FollowUpKey => FollowUpPrefix + Name;

    /// <summary>Whether an outbox key is an alert rule's: its alerts' (<see cref="OutboxPrefix"/>) or their follow-ups' (<see cref="FollowUpPrefix"/>).</summary>
    public static bool IsAlertKey(string key) =>
        key.StartsWith(OutboxPrefix, StringComparison.Ordinal) || key.StartsWith(FollowUpPrefix, StringComparison.Ordinal);

    /// <summary>The severity <see cref="MinSeverity"/> names; <see cref="Severity.High"/> when it names none (the validator refuses that at start).</summary>
    public Severity Threshold => TryParseSeverity(MinSeverity, out var severity) ? severity : Severity.High;

    /// <summary>
    /// Names a rule left unnamed after what it takes, not its place in the list: inserting, removing
    /// or reordering rules then hands no rule another's history (which would resend, or skip, what
    /// that one had sent). Editing its severity, groups or channels makes it a new rule, as renaming
    /// a named one does.
    /// </summary>
    public void NameByContent(int position)
    {
        var groups = Groups.Select(g => g.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var channels = Channels.Select(c => c.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var content = $"{MinSeverity.Trim().ToLowerInvariant()}\n{string.Join('\u001f', groups)}\n{string.Join('\u001f', channels)}";
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content));
        Name = "alert-" + Convert.ToHexStringLower(hash, 0, 4);
        LegacyName = $"alert-{position}";
    }

    /// <summary>A severity as rule packs write it (<c>high</c>), in any case.</summary>
    public static bool TryParseSeverity(string? text, out Severity severity) =>
        WireNames<Severity>.TryParse(text?.Trim().ToLowerInvariant(), out severity);
}
