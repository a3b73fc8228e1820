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
        }
    }
}

internal sealed class PrivacyOptionsValidator : IValidateOptions<PrivacyOptions>
{
    public ValidateOptionsResult Validate(string? name, PrivacyOptions options) =>
        options.RetentionDays is < 1 or > 36500
            ? ValidateOptionsResult.Fail($"GroupGuard:Privacy:RetentionDays must be between 1 and 36500, got {options.RetentionDays}")
            : ValidateOptionsResult.Success;
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
            if (settings.Join is { } join)
            {
                Members.JoinOptionsValidator.Check($"GroupGuard:Groups:{group}:Join", join.RejectOn, join.Reason, failures);
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
