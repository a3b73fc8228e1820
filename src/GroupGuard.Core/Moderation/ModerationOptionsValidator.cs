using Microsoft.Extensions.Options;

namespace GroupGuard.Core.Moderation;

internal sealed class ModerationOptionsValidator : IValidateOptions<ModerationOptions>
{
    public ValidateOptionsResult Validate(string? name, ModerationOptions options)
    {
        var failures = new List<string>();
        if (options.EscalationWindowHours is < 1 or > 24 * 365)
        {
            failures.Add($"GroupGuard:Moderation:EscalationWindowHours must be between 1 and 8760, got {options.EscalationWindowHours}");
        }

        if (options.ClearMinutes is < 0 or > ModerationOptions.MaxClearMinutes)
        {
            failures.Add($"GroupGuard:Moderation:ClearMinutes must be between 0 (off) and {ModerationOptions.MaxClearMinutes}, got {options.ClearMinutes}");
        }

        if (options.PiecesSeconds is < 0 or > ModerationOptions.MaxPiecesSeconds)
        {
            failures.Add($"GroupGuard:Moderation:PiecesSeconds must be between 0 (off) and {ModerationOptions.MaxPiecesSeconds}, got {options.PiecesSeconds}");
        }

        CheckSteps(options.Escalation, "GroupGuard:Moderation:Escalation", failures);
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    internal static void CheckSteps(List<EscalationStep>? steps, string key, List<string> failures)
    {
        for (var i = 0; steps is not null && i < steps.Count; i++)
        {
            var step = steps[i];
            if (step.Count < 1)
            {
                failures.Add($"{key}:{i}:Count must be 1 or more, got {step.Count}");
            }

            if (step.Action is not (ModerationAction.Warn or ModerationAction.Mute or ModerationAction.Kick))
            {
                failures.Add($"{key}:{i}:Action must be warn, mute or kick, got {step.Action.ToString().ToLowerInvariant()}");
            }

            if (step.Action == ModerationAction.Mute && step.MuteMinutes is < 1 or > 43200)
            {
                failures.Add($"{key}:{i}:MuteMinutes must be between 1 and 43200 (30 days), got {step.MuteMinutes}");
            }

            if (step.Count == 1 && step.Action == ModerationAction.Kick)
            {
                // The first offence is every enforced hit: a flood's warning, an advert's recall.
                failures.Add($"{key}:{i} kicks at the first offence, so any rule that acts (a flood's warning too) would kick the member; kick from the 2nd offence on, or give the rule itself action: kick");
            }
        }

        if (steps is null || steps.Count < 2)
        {
            return;
        }

        // Later offences never get a milder step: a kick then a mute, or a shorter mute, is a slip.
        var ordered = steps.Select((step, index) => (step, index)).OrderBy(s => s.step.Count).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            var (before, beforeIndex) = ordered[i - 1];
            var (after, afterIndex) = ordered[i];
            if (after.Count == before.Count)
            {
                failures.Add($"{key}:{afterIndex}:Count {after.Count} is the Count of {key}:{beforeIndex} too: one step an offence");
            }
            else if (Strength(after).CompareTo(Strength(before)) < 0)
            {
                failures.Add($"{key}:{afterIndex} ({Describe(after)} at offence {after.Count}) is milder than {key}:{beforeIndex} ({Describe(before)} at offence {before.Count}): later offences never get a milder step");
            }
        }
    }

    private static (int Action, int Minutes) Strength(EscalationStep step) =>
        ((int)step.Action, step.Action == ModerationAction.Mute ? step.MuteMinutes : 0);

    private static string Describe(EscalationStep step) =>
        step.Action == ModerationAction.Mute
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"mute {step.MuteMinutes} min")
            : step.Action.ToString().ToLowerInvariant();
}

/// <summary>
/// <c>GroupGuard:Privacy</c>; with <c>RetentionMode: delete</c>, also that retention keeps every
/// offence the escalation window (<c>GroupGuard:Moderation:EscalationWindowHours</c>) counts: a
/// deleted incident no longer counts, so a repeat offender would quietly start again at their first.
/// </summary>
internal sealed class PrivacyOptionsValidator(IOptionsMonitor<ModerationOptions> moderation) : IValidateOptions<PrivacyOptions>
{
    public ValidateOptionsResult Validate(string? name, PrivacyOptions options)
    {
        if (options.RetentionDays is < 1 or > 36500)
        {
            return ValidateOptionsResult.Fail($"GroupGuard:Privacy:RetentionDays must be between 1 and 36500, got {options.RetentionDays}");
        }

        int window;
        try
        {
            window = moderation.CurrentValue.EscalationWindowHours;
        }
        catch (OptionsValidationException)
        {
            return ValidateOptionsResult.Success; // its own mistakes are said under its own keys
        }

        var days = (window + 23) / 24;
        return options.RetentionMode == RetentionMode.Delete && options.RetentionDays < days
            ? ValidateOptionsResult.Fail(
                $"GroupGuard:Privacy:RetentionDays is {options.RetentionDays} with RetentionMode delete, but GroupGuard:Moderation:EscalationWindowHours ({window}) counts offences {days} days back: keep at least {days} days, or mask instead of delete")
            : ValidateOptionsResult.Success;
    }
}

internal sealed class GroupOverridesValidator : IValidateOptions<Dictionary<string, GroupOverride>>
{
    public ValidateOptionsResult Validate(string? name, Dictionary<string, GroupOverride> options)
    {
        var failures = new List<string>();
        foreach (var (group, settings) in options)
        {
            if (!Accounts.ConsoleAccount.IsValidGroupId(group))
            {
                // "123456 " is no group any message comes from: the settings meant for 123456 would never apply.
                failures.Add($"GroupGuard:Groups:{group} is no group id ({Accounts.ConsoleAccount.GroupIdShape}): its settings would apply to no group");
            }

            ModerationOptionsValidator.CheckSteps(settings.Escalation, $"GroupGuard:Groups:{group}:Escalation", failures);
            CheckTrusted(settings.ExemptUsers, $"GroupGuard:Groups:{group}:ExemptUsers", failures);
            if (settings.Join is { } join)
            {
                Members.JoinOptionsValidator.Check($"GroupGuard:Groups:{group}:Join", join.RejectOn, join.Reason, failures);
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    /// <summary>
    /// A group's trusted members: each a user id as messages carry it (a QQ number, a WeCom userid),
    /// since an id with a space or a stray mark spares no one; at most <see cref="GroupOverride.MaxTrusted"/>.
    /// </summary>
    private static void CheckTrusted(List<string>? users, string key, List<string> failures)
    {
        for (var i = 0; users is not null && i < users.Count; i++)
        {
            if (!Accounts.ConsoleAccount.IsValidGroupId(users[i]))
            {
                failures.Add($"{key}:{i} is no user id ({UserIdShape}), got '{users[i]}': it would spare no member");
            }
        }

        if (users is { Count: > GroupOverride.MaxTrusted })
        {
            failures.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{key} lists {users.Count} members; a group trusts at most {GroupOverride.MaxTrusted}"));
        }
    }

    /// <summary>What a settings check says a user id is, when one is not.</summary>
    internal const string UserIdShape = "a QQ number or the platform's id: letters, digits, _ - . : @, no spaces, at most 64 characters";
}
