using Microsoft.Extensions.Options;

namespace GroupGuard.Core.Members;

/// <summary>
/// <c>GroupGuard:Join</c> (and <c>GroupGuard:Groups:&lt;id&gt;:Join</c> for one group): what
/// GroupGuard does with requests to join a group. The comment and the applicant's nickname go
/// through the group's rules; a hit of a rule in enforce mode whose category is in
/// <see cref="RejectOn"/> turns the request away, as does the block list.
/// </summary>
public sealed class JoinOptions
{
    public const string Section = "GroupGuard:Join";

    /// <summary>The categories a request is turned away for, when <see cref="RejectOn"/> is not set.</summary>
    public static IReadOnlyList<string> DefaultRejectOn { get; } = ["ads", "fraud", "gambling", "porn"];

    public const string DefaultReason = "入群申请未通过自动审核，如有疑问请联系群管理员";

    /// <summary>The most characters of <see cref="Reason"/>.</summary>
    public const int MaxReasonLength = 200;

    /// <summary>Screen join requests at all. Off: requests are left to the admins, unrecorded.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Rule categories that turn a request away; unset: <see cref="DefaultRejectOn"/> (adverts, fraud, gambling and sex solicitation: spam, not opinions); empty: only the block list does.</summary>
    public List<string>? RejectOn { get; set; }

    /// <summary>What the applicant is told.</summary>
    public string Reason { get; set; } = DefaultReason;

    /// <summary>Let in requests that nothing hit, never one whose screening failed (detection, or reading the block list). Off (the default): they are left to the admins.</summary>
    public bool AutoApprove { get; set; }

    /// <summary>Turn away users on the block list (kicked by GroupGuard, or <c>groupguard users block</c>).</summary>
    public bool RejectBlocked { get; set; } = true;

    /// <summary>Users GroupGuard decides to kick are added to the block list (every group of the platform then turns them away).</summary>
    public bool BlockKicked { get; set; } = true;

    public IReadOnlyList<string> EffectiveRejectOn => RejectOn ?? [.. DefaultRejectOn];
}

/// <summary><c>GroupGuard:Groups:&lt;id&gt;:Join</c>: what one group sets differently; unset keys follow <c>GroupGuard:Join</c>.</summary>
public sealed class JoinOverride
{
    public bool? Enabled { get; set; }
    public List<string>? RejectOn { get; set; }
    public string? Reason { get; set; }
    public bool? AutoApprove { get; set; }
    public bool? RejectBlocked { get; set; }

    /// <summary>The settings in force for the group: its own where set, else the service's.</summary>
    public static JoinPolicy Resolve(JoinOptions service, JoinOverride? group) => new(
        group?.Enabled ?? service.Enabled,
        group?.RejectOn ?? service.EffectiveRejectOn,
        group?.Reason ?? service.Reason,
        group?.AutoApprove ?? service.AutoApprove,
        group?.RejectBlocked ?? service.RejectBlocked);
}

/// <summary>The join settings in force for one group.</summary>
public sealed record JoinPolicy(bool Enabled, IReadOnlyList<string> RejectOn, string Reason, bool AutoApprove, bool RejectBlocked);

/// <summary>Checks <c>GroupGuard:Join</c> at start-up and on reload, naming the setting at fault.</summary>
internal sealed class JoinOptionsValidator : IValidateOptions<JoinOptions>
{
    public ValidateOptionsResult Validate(string? name, JoinOptions options)
    {
        var errors = new List<string>();
        Check(JoinOptions.Section, options.RejectOn, options.Reason, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The checks shared with a group's override, under <paramref name="section"/>.</summary>
    internal static void Check(string section, IReadOnlyList<string>? rejectOn, string? reason, List<string> errors)
    {
        if (rejectOn is not null)
        {
            for (var i = 0; i < rejectOn.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(rejectOn[i]) || rejectOn[i].Length > 64)
                {
                    errors.Add($"{section}:RejectOn:{i} must be a rule category such as ads or fraud (1 to 64 characters)");
                }
            }

            if (rejectOn.Count > 100)
            {
                errors.Add($"{section}:RejectOn lists {rejectOn.Count} categories; at most 100");
            }
        }

        if (reason is not null && (reason.Length > JoinOptions.MaxReasonLength || reason.Contains('\n') || reason.Contains('\r')))
        {
            errors.Add($"{section}:Reason must be one line of at most {JoinOptions.MaxReasonLength} characters");
        }
    }
}
