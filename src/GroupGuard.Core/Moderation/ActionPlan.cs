namespace GroupGuard.Core.Moderation;

/// <summary>The message an action is about, and the bot and protocol to act through.</summary>
public readonly record struct ActionTarget(Protocol Protocol, string Platform, string BotId, string GroupId, string UserId, string MessageId)
{
    public static ActionTarget Of(ChatMessage message) =>
        new(message.Protocol, message.Platform, message.BotId, message.GroupId, message.UserId, message.MessageId);

    public static ActionTarget Of(Incident incident) =>
        new(incident.Protocol, incident.Platform, incident.BotId, incident.GroupId, incident.UserId, incident.MessageId);
}

/// <summary>
/// The one place platform actions are made: from the policy's decision, and after a restart from
/// what the incidents recorded of that decision, so both call the platform alike.
/// </summary>
public static class ActionPlan
{
    /// <summary>
    /// The platform actions for a decided action and an escalation step's: a mute or kick also
    /// recalls the message, and no one is muted who is also removed. Where the platform cannot
    /// remove anyone (<paramref name="canDo"/> says no to a kick) but can mute, a mute stands in for
    /// the kick, so a worse offence is never met with less than a mute; the caller drops the kick
    /// as it drops whatever else the platform cannot do. A set in the enum's order (weakest first);
    /// <see cref="Build"/> puts them in the order they are carried out.
    /// </summary>
    /// <param name="canDo">What the platform can do; null: as if it could do everything (the plan as decided, for a restart).</param>
    public static SortedSet<ModerationAction> Wanted(ModerationAction decided, ModerationAction? escalation, Func<ModerationAction, bool>? canDo = null)
    {
        var wanted = new SortedSet<ModerationAction>();
        if (decided is ModerationAction.Recall or ModerationAction.Mute or ModerationAction.Kick)
        {
            wanted.Add(ModerationAction.Recall);
        }

        if (decided != ModerationAction.Log)
        {
            wanted.Add(decided);
        }

        if (escalation is { } extra && extra != ModerationAction.Log)
        {
            wanted.Add(extra);
        }

        if (wanted.Contains(ModerationAction.Kick))
        {
            if (canDo is not null && !canDo(ModerationAction.Kick) && canDo(ModerationAction.Mute))
            {
                wanted.Add(ModerationAction.Mute);
            }
            else
            {
                wanted.Remove(ModerationAction.Mute);
            }
        }

        return wanted;
    }

    /// <summary>
    /// One platform call per action, in the order they are carried out (<see cref="InOrder"/>):
    /// recall, mute, kick, and a warning last. A mute always carries its length, at least a minute:
    /// some implementations read a missing or zero length as "lift the mute".
    /// </summary>
    public static IReadOnlyList<PlatformAction> Build(ActionTarget target, IEnumerable<ModerationAction> actions, int muteSeconds, string? warningText) =>
        [.. InOrder(actions).Select(action => new PlatformAction
        {
            Protocol = target.Protocol,
            Platform = target.Platform,
            BotId = target.BotId,
            GroupId = target.GroupId,
            UserId = target.UserId,
            MessageId = target.MessageId,
            Action = action,
            MuteSeconds = action == ModerationAction.Mute ? Math.Max(muteSeconds, 60) : 0,
            WarningText = action == ModerationAction.Warn ? warningText : null,
        })];

    /// <summary>
    /// The order a message's actions are carried out in: the ones that stop the harm (recall, then
    /// mute, then kick) first, the warning that explains them last, after them. A warning may wait
    /// for others to the group to share its message; it never holds up the actions before it.
    /// </summary>
    public static IEnumerable<ModerationAction> InOrder(IEnumerable<ModerationAction> actions) =>
        actions.Where(a => a != ModerationAction.Log).Distinct().OrderBy(a => a == ModerationAction.Warn).ThenBy(a => a);

    /// <summary>
    /// What an incident brought on its message and sender: the actions planned for it; where none
    /// was to be called (a dry run, an admin's, a <c>log</c> rule's), the rule's action and the mute
    /// the decision gave it (an escalation's, <see cref="Incident.MuteSeconds"/>). The incident list,
    /// its page, the digest and alerts all tell an incident by these.
    /// </summary>
    public static IReadOnlyList<ModerationAction> Brought(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return incident.PlannedActions.Count > 0 ? incident.PlannedActions
            : incident.MuteSeconds > 0 ? [incident.DecidedAction, ModerationAction.Mute]
            : [incident.DecidedAction];
    }
}
