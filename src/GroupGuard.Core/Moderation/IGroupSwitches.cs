namespace GroupGuard.Core.Moderation;

/// <summary>One group's switches as set at runtime, and who set them last.</summary>
/// <param name="DryRun">Dry run on or off for the group, ahead of the configuration; null: the configuration applies.</param>
public sealed record GroupSwitch(string Platform, string GroupId, bool? DryRun, DateTimeOffset ChangedAt, string? ChangedBy);

/// <summary>
/// Switches a group's owners and admins (a command in the group) or the console set while the
/// service runs, kept in the database so they outlast a restart. What is set here comes before
/// <c>GroupGuard:Groups:&lt;id&gt;</c> and <c>GroupGuard:Moderation</c>. Every method throws on a
/// storage failure.
/// </summary>
public interface IGroupSwitches
{
    /// <summary>The group's dry-run switch, or null when none is set (the configured <c>DryRun</c> applies).</summary>
    Task<bool?> GetDryRunAsync(string platform, string groupId, CancellationToken cancellationToken);

    /// <summary>Turns dry run on or off for the group, or clears the switch (null) so the configuration applies again.</summary>
    Task SetDryRunAsync(string platform, string groupId, bool? dryRun, DateTimeOffset at, string? changedBy, CancellationToken cancellationToken);

    /// <summary>Every group with a switch set, by platform and group id.</summary>
    Task<IReadOnlyList<GroupSwitch>> ListAsync(CancellationToken cancellationToken);
}
