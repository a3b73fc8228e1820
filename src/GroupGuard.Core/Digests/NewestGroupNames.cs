namespace GroupGuard.Core.Digests;

/// <summary>
/// The name a digest, an alert and an alert's follow-up give each group: the newest name the
/// incidents (and join requests) they read of it carry, by message time (a group renamed during the
/// period reads by its name now, as the console's overview names it), marked false positive or not;
/// a group none names has none here, and is named by its id. Gathered as they are read, so that an
/// alert of a flood names a group by what every incident of its window carries, not only those it lists.
/// </summary>
public sealed class NewestGroupNames
{
    private readonly Dictionary<(string Platform, string GroupId), (DateTimeOffset Time, long Id, string Name)> _newest = [];

    /// <summary>The newest name of each group among <paramref name="incidents"/>.</summary>
    public static NewestGroupNames Of(IEnumerable<Incident> incidents)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        var names = new NewestGroupNames();
        foreach (var incident in incidents)
        {
            names.Add(incident);
        }

        return names;
    }

    /// <summary>Takes the incident's group name when it is newer than the one kept for its group.</summary>
    public void Add(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        Add(incident.Platform, incident.GroupId, incident.GroupName, incident.Time, incident.Id);
    }

    /// <summary>
    /// Takes <paramref name="name"/> for the group when it is newer (by <paramref name="time"/>, then
    /// <paramref name="id"/>) than the one kept; an empty name is none.
    /// </summary>
    public void Add(string platform, string groupId, string? name, DateTimeOffset time, long id)
    {
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        var key = (platform, groupId);
        if (!_newest.TryGetValue(key, out var kept) || (time, id).CompareTo((kept.Time, kept.Id)) > 0)
        {
            _newest[key] = (time, id, name);
        }
    }

    /// <summary>The group's newest name, or null when none of what was read names it.</summary>
    public string? Name(string platform, string groupId) =>
        _newest.TryGetValue((platform, groupId), out var kept) ? kept.Name : null;
}
