using System.Globalization;
using System.Text.RegularExpressions;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Forwards;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Moderation;

/// <summary>What to record and what to do about one message.</summary>
/// <param name="Incidents">One a rule that fired, each with its decided action and status.</param>
/// <param name="Actions">The platform calls to make; empty when nothing is to be called.</param>
public sealed record Decision(IReadOnlyList<Incident> Incidents, IReadOnlyList<PlatformAction> Actions)
{
    public static Decision None { get; } = new([], []);
}

/// <summary>The facts the policy needs besides the message and its hits.</summary>
/// <param name="OffencesBefore">
/// Earlier offences of the sender in the group within the window (false positives left out): for a
/// decision that is a dry run, counting the dry runs of rules that act (<see cref="Incident.CountsInDryRun"/>), so
/// a trial records the escalation it would have applied; else enforced ones only (<see cref="Incident.CountsAsOffence"/>).
/// </param>
/// <param name="Role">The sender's role: from the event, else from the platform.</param>
/// <param name="DryRunSwitch">The group's dry run as switched at runtime (<see cref="IGroupSwitches"/>), ahead of the group's and the service's settings; null when not switched.</param>
/// <param name="Trusted">Whether the group's admins trust the sender (<see cref="ITrustedMembers"/>); those its settings trust, <see cref="GroupOverride.ExemptUsers"/>, are read from <paramref name="Group"/>.</param>
public sealed record PolicyContext(
    int OffencesBefore,
    SenderRole Role,
    DateTimeOffset Now,
    ModerationOptions Options,
    GroupOverride? Group,
    PrivacyOptions Privacy,
    Func<ModerationAction, bool> CanDo,
    bool? DryRunSwitch = null,
    bool Trusted = false);

/// <summary>
/// Turns hits into incidents and platform actions: the strongest action of the enforced hits wins
/// (a mute or kick also recalls the message; of two mutes, the longer), repeat offenders escalate,
/// owners, admins, the bot, exempt users and members trusted in the group are spared, dry run and shadow rules record what would
/// have been done, and what a platform cannot do degrades to a warning (a kick to a mute, where
/// the platform mutes).
/// </summary>
public static partial class ModerationPolicy
{
    public const string DefaultWarning = "请勿发布{pack}相关内容";

    /// <summary>A group's dry run: the runtime switch first, then the group's setting, then the service's.</summary>
    public static bool DryRun(bool? switched, GroupOverride? group, ModerationOptions options) =>
        switched ?? group?.DryRun ?? options.DryRun;

    /// <summary>Whether the hits call for anything on the platform (so the caller fetches offences and roles only then).</summary>
    public static bool Actionable(IEnumerable<RuleHit> hits, GroupOverride? group) =>
        Applicable(hits, group).Any(h => h.Rule.Mode == RuleMode.Enforce && h.Rule.Action != ModerationAction.Log);

    /// <param name="forwarded">
    /// Hits in messages forwarded inside this one: they weigh as the message's own (the action is
    /// on the outer message and its sender), and their incidents quote the inner message.
    /// </param>
    public static Decision Decide(ChatMessage message, IReadOnlyList<RuleHit> allHits, string ruleSetVersion, PolicyContext context, string? normalizedText = null, IReadOnlyList<ForwardedHit>? forwarded = null)
    {
        var inner = new Dictionary<RuleHit, ForwardedHit>(ReferenceEqualityComparer.Instance);
        foreach (var hit in forwarded ?? [])
        {
            inner.TryAdd(hit.Hit, hit);
        }

        var hits = Applicable(inner.Count == 0 ? allHits : allHits.Concat(inner.Keys), context.Group).ToList();
        if (hits.Count == 0)
        {
            return Decision.None;
        }

        var exemptBy = ExemptionOf(message, context);
        var exempt = exemptBy is not null;
        var dryRun = DryRun(context.DryRunSwitch, context.Group, context.Options);
        var enforced = hits.Where(h => h.Rule.Mode == RuleMode.Enforce && h.Rule.Action != ModerationAction.Log).ToList();
        var strongest = enforced.Count == 0 ? null : enforced.MaxBy(Weight);

        // Escalation: the step for this offence (earlier ones + this), on top of the rule's action.
        var steps = (context.Group?.Escalation ?? (IReadOnlyList<EscalationStep>)context.Options.Steps).OrderBy(s => s.Count).ToList();
        EscalationStep? step = null;
        var stepNumber = 0;
        if (strongest is not null && !exempt)
        {
            var offence = context.OffencesBefore + 1;
            for (var i = 0; i < steps.Count; i++)
            {
                if (steps[i].Count <= offence)
                {
                    step = steps[i];
                    stepNumber = i + 1;
                }
            }
        }

        var actions = new List<PlatformAction>();
        var unsupported = new List<string>();
        var muteSeconds = 0;
        var muteForKick = false;
        if (strongest is not null && !exempt)
        {
            var wanted = ActionPlan.Wanted(strongest.Rule.Action, step?.Action, context.CanDo);
            if (strongest.Rule.Action == ModerationAction.Mute)
            {
                muteSeconds = strongest.Rule.MuteMinutes * 60;
            }

            if (step?.Action == ModerationAction.Mute)
            {
                muteSeconds = Math.Max(muteSeconds, step.MuteMinutes * 60);
            }

            // A kick the platform cannot do is a mute instead (ActionPlan.Wanted), at least as long as
            // the longest mute the hits and the escalation give: never milder than a step before it.
            muteForKick = wanted.Contains(ModerationAction.Kick) && wanted.Contains(ModerationAction.Mute);
            if (muteForKick)
            {
                muteSeconds = Math.Max(muteSeconds, MuteForKickMinutes(strongest, enforced, steps) * 60);
            }

            foreach (var action in wanted.ToList())
            {
                if (!context.CanDo(action))
                {
                    wanted.Remove(action);
                    unsupported.Add(action.ToString().ToLowerInvariant());
                }
            }

            // What the platform cannot do degrades to a warning in the group (and the digest says so);
            // what it does is said there too where the group wants it (Announce).
            if ((unsupported.Count > 0 || Announced(wanted, context.Group?.Announce ?? context.Options.Announce))
                && !wanted.Contains(ModerationAction.Warn) && context.CanDo(ModerationAction.Warn))
            {
                wanted.Add(ModerationAction.Warn);
            }

            actions.AddRange(ActionPlan.Build(ActionTarget.Of(message), wanted, muteSeconds, Warning(strongest.Rule)));
        }

        var spans = hits.Where(h => !inner.ContainsKey(h) && h.Length > 0 && h.Start + h.Length <= message.Text.Length).Select(h => new EvidenceSpan(h.Start, h.Length)).ToList();
        var text = StoredText.Kept(message.Text, spans, context.Privacy.StoreText, out var shift);
        var normalized = context.Privacy.StoreText == StoreText.Full ? StoredText.Cut(normalizedText, StoredText.MaxMessageChars) : null;

        var instead = new List<string>();
        if (muteForKick && actions.Exists(a => a.Action == ModerationAction.Mute))
        {
            instead.Add("muted");
        }

        if (actions.Exists(a => a.Action == ModerationAction.Warn))
        {
            instead.Add("warned in the group");
        }

        var unsupportedNote = unsupported.Count > 0
            ? $"{message.Platform} cannot {string.Join(" or ", unsupported)}" + (instead.Count > 0 ? $"; {string.Join(" and ", instead)} instead" : "")
            : null;
        ModerationAction[] planned = exempt || dryRun ? [] : [.. actions.Select(a => a.Action)];
        var incidents = hits.Select(hit =>
        {
            var quoted = inner.GetValueOrDefault(hit);
            var evidence = quoted is null ? default : Quote(quoted, context.Privacy);
            return new Incident
            {
                Time = message.Time,
                DetectedAt = context.Now,
                Platform = message.Platform,
                Protocol = message.Protocol,
                BotId = message.BotId,
                GroupId = message.GroupId,
                GroupName = StoredText.Cut(message.GroupName, StoredText.MaxNameChars),
                UserId = message.UserId,
                SenderName = StoredText.Cut(message.SenderName, StoredText.MaxNameChars),
                SenderRole = context.Role,
                MessageId = message.MessageId,
                Pack = hit.Rule.PackId,
                Rule = hit.Rule.Id,
                Category = hit.Rule.Category,
                Severity = hit.Rule.Severity,
                MatchedTerm = StoredText.Term(hit.Matched, hit.Rule.Category, context.Privacy.StoreText),
                MessageText = quoted is null ? text : evidence.Text,
                NormalizedText = quoted is null ? normalized : evidence.Normalized,
                Spans = quoted is not null ? evidence.Spans
                    : text.Length > 0 && hit.Length > 0 && hit.Start + hit.Length <= message.Text.Length ? StoredText.Shift([new EvidenceSpan(hit.Start, hit.Length)], shift, text) : [],
                ForwardDepth = quoted?.Depth ?? 0,
                ForwardedFrom = quoted is null ? null : StoredText.Cut(quoted.Source.SenderName ?? quoted.Source.SenderId, StoredText.MaxNameChars),
                DecidedAction = hit.Rule.Action,
                MuteSeconds = ReferenceEquals(hit, strongest) ? muteSeconds : 0,
                EscalationStep = ReferenceEquals(hit, strongest) ? stepNumber : 0,
                ActionStatus = StatusOf(hit, exempt, dryRun, strongest, actions, unsupported),
                ExemptBy = exemptBy,
                ActionError = Degraded(hit) ? unsupportedNote : null,
                ActionErrorKind = Degraded(hit) && unsupportedNote is not null ? ActionErrorKind.PlatformCannot : null,
                PlannedActions = StatusOf(hit, exempt, dryRun, strongest, actions, unsupported) == ActionStatus.Pending ? planned : [],
                RuleSetVersion = ruleSetVersion,
                Shadow = hit.Rule.Mode == RuleMode.Shadow,
            };
        }).ToList();

        return new Decision(incidents, exempt || dryRun ? [] : actions);
    }

    /// <summary>
    /// Why the sender is spared, or null when they are not: an owner or admin, the bot, a member
    /// trusted in the group (by its admins or its settings), else one exempt in every group.
    /// </summary>
    private static ExemptReason? ExemptionOf(ChatMessage message, PolicyContext context) =>
        context.Role is SenderRole.Owner or SenderRole.Admin ? ExemptReason.Admin
        : message.UserId == message.BotId ? ExemptReason.Bot
        : context.Trusted || context.Group?.Trusts(message.UserId) == true ? ExemptReason.Group
        : context.Options.ExemptUsers.Contains(message.UserId) ? ExemptReason.Service
        : null;

    /// <summary>
    /// The evidence of a forwarded hit: the inner message's text kept as the message's own would be
    /// (full, masked or none; a window around the hit when long), and the hit's span in it.
    /// </summary>
    private static (string Text, string? Normalized, IReadOnlyList<EvidenceSpan> Spans) Quote(ForwardedHit forwarded, PrivacyOptions privacy)
    {
        var source = forwarded.Source.Text;
        var hit = forwarded.Hit;
        EvidenceSpan[] spans = hit.Length > 0 && hit.Start + hit.Length <= source.Length ? [new EvidenceSpan(hit.Start, hit.Length)] : [];
        var text = StoredText.Kept(source, spans, privacy.StoreText, out var shift);
        if (text.Length == 0)
        {
            return (text, null, []);
        }

        var normalized = privacy.StoreText == StoreText.Full ? StoredText.Cut(forwarded.NormalizedText, StoredText.MaxMessageChars) : null;
        return (text, normalized, StoredText.Shift(spans, shift, text));
    }

    /// <summary>
    /// How strong an enforced hit is: its action, then, between mutes, the longer one. The
    /// strongest hit gives the mute its length and the warning its text, whatever the order the
    /// rules are listed in.
    /// </summary>
    private static (int Action, int MuteMinutes) Weight(RuleHit hit) =>
        ((int)hit.Rule.Action, hit.Rule.Action == ModerationAction.Mute ? hit.Rule.MuteMinutes : 0);

    /// <summary>
    /// How long a mute that stands in for a kick lasts: the longest of the <c>mute_minutes</c> of the
    /// deciding rule and of every enforced mute or kick rule that hit, and of the escalation's mute
    /// steps; at most QQ's longest mute.
    /// </summary>
    private static int MuteForKickMinutes(RuleHit strongest, List<RuleHit> enforced, List<EscalationStep> steps) =>
        Math.Min(
            MaxMuteMinutes,
            enforced.Where(h => ReferenceEquals(h, strongest) || h.Rule.Action is ModerationAction.Mute or ModerationAction.Kick).Select(h => h.Rule.MuteMinutes)
                .Concat(steps.Where(s => s.Action == ModerationAction.Mute).Select(s => s.MuteMinutes))
                .Max());

    /// <summary>The longest mute a platform takes: 30 days (QQ's), as rules and escalation steps are held to.</summary>
    private const int MaxMuteMinutes = 30 * 24 * 60;

    /// <summary>The pack filter of a group's settings; stream, text and join-request hits alike.</summary>
    public static IEnumerable<RuleHit> Applicable(IEnumerable<RuleHit> hits, GroupOverride? group) =>
        group?.Packs is { } packs ? hits.Where(h => packs.Contains(h.Rule.PackId, StringComparer.Ordinal)) : hits;

    /// <summary>A hit whose own action could not be done as decided: its incident carries the note.</summary>
    private static bool Degraded(RuleHit hit) => hit.Rule.Mode == RuleMode.Enforce && hit.Rule.Action != ModerationAction.Log;

    private static ActionStatus StatusOf(RuleHit hit, bool exempt, bool dryRun, RuleHit? strongest, List<PlatformAction> actions, List<string> unsupported)
    {
        if (exempt)
        {
            return ActionStatus.Exempt;
        }

        if (hit.Rule.Mode == RuleMode.Shadow)
        {
            return ActionStatus.DryRun;
        }

        if (hit.Rule.Action == ModerationAction.Log)
        {
            return ActionStatus.Done; // recording it is the whole of a log action
        }

        if (dryRun)
        {
            return ActionStatus.DryRun;
        }

        if (actions.Count == 0 && unsupported.Count > 0)
        {
            return ActionStatus.Unsupported;
        }

        return strongest is null ? ActionStatus.Skipped : ActionStatus.Pending;
    }

    /// <summary>Whether <paramref name="announce"/> has the group told of the actions <paramref name="wanted"/>.</summary>
    private static bool Announced(SortedSet<ModerationAction> wanted, Announcements announce) => announce switch
    {
        Announcements.All => wanted.Overlaps([ModerationAction.Recall, ModerationAction.Mute, ModerationAction.Kick]),
        Announcements.Mutes => wanted.Overlaps([ModerationAction.Mute, ModerationAction.Kick]),
        _ => false,
    };

    /// <summary>
    /// A warning's text with what was done about the message, of the <paramref name="done"/>
    /// actions (those the platform said it carried out): 请勿发布广告相关内容（已撤回，禁言 60 分钟）.
    /// The text alone when nothing was done (the platform could not, or the rule only warns).
    /// </summary>
    public static string WithWhatWasDone(string warning, IEnumerable<PlatformAction> done)
    {
        var parts = new List<string>();
        foreach (var action in ActionPlan.InOrder(done.Select(a => a.Action)).Distinct())
        {
            switch (action)
            {
                case ModerationAction.Recall:
                    parts.Add("已撤回");
                    break;
                case ModerationAction.Mute:
                    var seconds = done.Where(a => a.Action == ModerationAction.Mute).Max(a => a.MuteSeconds);
                    parts.Add("禁言 " + MuteLength(seconds));
                    break;
                case ModerationAction.Kick:
                    parts.Add("已移出本群");
                    break;
            }
        }

        return parts.Count == 0 ? warning : $"{warning}（{string.Join("，", parts)}）";
    }

    /// <summary>
    /// Whether two warnings to one member are one reason told with different outcomes
    /// (<c>请勿刷屏</c>, <c>请勿刷屏（禁言 10 分钟）</c>, <c>请勿刷屏（禁言 1 小时）</c>, as a flood's
    /// warning and its escalations read): the same text once what <see cref="WithWhatWasDone"/>
    /// added is taken off.
    /// </summary>
    public static bool SameReason(string a, string b) =>
        string.Equals(WithoutWhatWasDone(a), WithoutWhatWasDone(b), StringComparison.Ordinal);

    /// <summary>Whether <paramref name="warning"/> ends with what was done, as <see cref="WithWhatWasDone"/> writes it.</summary>
    public static bool SaysWhatWasDone(string warning) => WhatWasDone().IsMatch(warning);

    private static string WithoutWhatWasDone(string warning) => WhatWasDone().Replace(warning, "", 1);

    // What WithWhatWasDone appends: its parts, in its words, inside one pair of full-width brackets at the end.
    [GeneratedRegex(@"（(?:已撤回|禁言 \d+ (?:分钟|小时|天)(?: \d+ 分钟)?|已移出本群)(?:，(?:已撤回|禁言 \d+ (?:分钟|小时|天)(?: \d+ 分钟)?|已移出本群))*）$", RegexOptions.CultureInvariant)]
    private static partial Regex WhatWasDone();

    /// <summary>A mute's length as a member reads it: 10 分钟, 1 小时, 1 小时 30 分钟, 2 天.</summary>
    public static string MuteLength(int seconds)
    {
        var minutes = Math.Max(1, (seconds + 59) / 60);
        static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
        return minutes switch
        {
            < 60 => N(minutes) + " 分钟",
            _ when minutes % (24 * 60) == 0 => N(minutes / (24 * 60)) + " 天",
            _ when minutes % 60 == 0 => N(minutes / 60) + " 小时",
            _ => N(minutes / 60) + " 小时 " + N(minutes % 60) + " 分钟",
        };
    }

    /// <summary>The default warning of a pack with no Chinese name (a group's own pack named by its id only), which members would read in English.</summary>
    public const string UnnamedPackWarning = "请遵守群规";

    /// <summary>
    /// The warning posted in the group for a hit of <paramref name="rule"/>: its pack's or rule's
    /// text, or the default with the pack's name; <see cref="UnnamedPackWarning"/> where the pack has
    /// no name but its id (请勿发布my-ads相关内容 is no sentence a member can read).
    /// </summary>
    public static string Warning(Rule rule) =>
        (rule.WarningTemplate ?? (rule.PackNamed ? DefaultWarning : UnnamedPackWarning))
            .Replace("{pack}", rule.PackName.Length > 0 ? rule.PackName : rule.PackId, StringComparison.Ordinal)
            .Replace("{rule}", rule.Label, StringComparison.Ordinal)
            .Replace("{category}", rule.Category, StringComparison.Ordinal);
}
