namespace GroupGuard.Core.Rules;

/// <summary>Which groups a pack applies to: <c>*</c> for all, ids, and <c>!id</c> exclusions.</summary>
public sealed record GroupScope(bool All, IReadOnlySet<string> Included, IReadOnlySet<string> Excluded)
{
    public static GroupScope Everywhere { get; } = new(true, new HashSet<string>(), new HashSet<string>());

    /// <summary>Whether the pack applies in every group: <c>*</c> (or no <c>groups:</c>) with nothing excluded.</summary>
    public bool EveryGroup => All && Excluded.Count == 0;

    /// <summary>Whether the pack applies in <paramref name="groupId"/>; a null group (trying rules offline) is covered by every pack.</summary>
    public bool Covers(string? groupId) =>
        groupId is null || (!Excluded.Contains(groupId) && (All || Included.Contains(groupId)));
}
