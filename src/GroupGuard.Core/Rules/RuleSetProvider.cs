using GroupGuard.Core.Moderation;
using GroupGuard.Core.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.Core.Rules;

/// <summary>The rule set in force, and what the last load said.</summary>
public interface IRuleSetProvider
{
    /// <summary>The rule set in force: never null; read it once per message.</summary>
    RuleSet Current { get; }

    RuleSetStatus Status { get; }
}

/// <summary>What <c>/healthz</c> says of the rules.</summary>
public sealed record RuleSetStatus(
    string Path,
    DateTimeOffset? LoadedAt,
    IReadOnlyList<string> Errors,
    IReadOnlyList<string> Warnings)
{
    public bool Healthy => Errors.Count == 0 && LoadedAt is not null;

    /// <summary>Every error of the last load, listed in <see cref="Errors"/> or not (a load lists 100 and counts the rest).</summary>
    public int ErrorTotal { get; init; } = Errors.Count;
}

/// <summary>Raised when the rules cannot be loaded at start: the message lists every problem.</summary>
public sealed class RuleSetLoadException(string message) : Exception(message);

/// <summary>
/// Loads the rules folder again and puts the new set in force when it loads: what the service's
/// start and its watch of the folder call. Never throws: a failure leaves the last good set in
/// force and is reported in <see cref="IRuleSetProvider.Status"/>.
/// </summary>
public interface IRuleSetLoader
{
    /// <summary>Whether the folder loaded (a set with errors leaves the last good one in force).</summary>
    bool Reload();
}

internal sealed class RuleSetProvider(
    IOptionsMonitor<RulesOptions> options,
    TimeProvider time,
    ILogger<RuleSetProvider> logger,
    IWordSegmenter? segmenter = null,
    IOptionsMonitor<Dictionary<string, GroupOverride>>? groups = null) : IRuleSetProvider, IRuleSetLoader, IDisposable
{
    private readonly Lock _reloadLock = new();

    // A group's pack list is read against the packs each load gives, and again when the settings change;
    // the status's warnings are the load's own (kept here) and then the groups'.
    private IDisposable? _groupsChanged;
    private string[] _loadWarnings = [];

    // The warnings already in the log: those of the last load that succeeded, and any logged since
    // (a failed load's, the groups'). A load logs only warnings not among them, and one line
    // counting the rest, so the same warnings do not fill the log again at every reload (a
    // `/gg 放行` reloads too); the start, with nothing logged yet, logs them all.
    private readonly HashSet<string> _said = new(StringComparer.Ordinal);

    private volatile RuleSet _current = RuleSet.Empty;
    private volatile RuleSetStatus _status = new(options.CurrentValue.ResolvePath(), null, [], []);

    public RuleSet Current => _current;

    public RuleSetStatus Status => _status;

    /// <summary>
    /// Loads the folder; on success the new set replaces the old one atomically. On failure the
    /// last good set stays in force and the errors are reported. Returns whether it loaded; never throws.
    /// </summary>
    public bool Reload()
    {
        // One reload at a time; readers never take this lock.
        lock (_reloadLock)
        {
            try
            {
                return ReloadLocked();
            }
            catch (Exception ex)
            {
                // A failure nobody foresaw (a defect of ours, a file system gone strange) is a failed
                // reload like any other: reported, the set in force kept, the service still running.
                var path = _status.Path;
                logger.LogError(ex, "Rules: loading {Path} failed unexpectedly; the last good rule set stays in force", path);
                _status = _status with { Errors = [$"{path}: unexpected error while loading the rules: {ex.GetType().Name}: {ex.Message}"], Warnings = [], ErrorTotal = 1 };
                return false;
            }
        }
    }

    private bool ReloadLocked()
    {
        var path = options.CurrentValue.ResolvePath();
        var result = RuleLoader.Load(path, time);
        _loadWarnings = [.. result.Warnings.Select(w => w.ToString())];
        var warnings = result.RuleSet is { } loaded ? [.. _loadWarnings, .. GroupPackWarnings(loaded)] : _loadWarnings;
        LogWarnings(warnings, result.Succeeded);

        _groupsChanged ??= groups?.OnChange(_ => GroupsChanged());

        if (result.RuleSet is null)
        {
            var errors = result.Errors.Select(e => e.ToString()).ToArray();
            foreach (var error in errors)
            {
                logger.LogError("Rules: {Error}", error);
            }

            _status = _status with { Path = path, Errors = errors, Warnings = warnings, ErrorTotal = result.ErrorTotal };
            return false;
        }

        if (result.RuleSet.Version == _current.Version)
        {
            _status = new RuleSetStatus(path, _status.LoadedAt ?? time.GetUtcNow(), [], warnings);
            return true;
        }

        // The terms must be words before the first message is matched with the new set.
        segmenter?.UseTerms(result.RuleSet.Version, result.RuleSet.WordTerms);
        _current = result.RuleSet;
        _status = new RuleSetStatus(path, time.GetUtcNow(), [], warnings);
        logger.LogInformation("Rules loaded from {Path}: {Summary}", path, result.RuleSet.Summary);
        return true;
    }

    public void Dispose() => _groupsChanged?.Dispose();

    /// <summary>
    /// Logs the warnings not logged before (a warning is its file, line and text), and one line
    /// counting those that were, which <c>rules check</c>, <c>/healthz</c> and the console still list.
    /// </summary>
    private void LogWarnings(IReadOnlyList<string> warnings, bool succeeded)
    {
        var unchanged = 0;
        foreach (var warning in warnings)
        {
            if (_said.Contains(warning))
            {
                unchanged++;
                continue;
            }

            logger.LogWarning("Rules: {Warning}", warning);
        }

        if (unchanged > 0)
        {
            logger.LogInformation(
                "Rules: {Count} {Warnings} unchanged since the last load, not logged again; rules check and /healthz list them",
                unchanged,
                unchanged == 1 ? "warning" : "warnings");
        }

        if (succeeded)
        {
            _said.Clear();
        }

        _said.UnionWith(warnings);
    }

    /// <summary>
    /// A group limited to packs (<c>GroupGuard:Groups:&lt;id&gt;:Packs</c>) that names one the rules
    /// folder has not: a typo there would leave the group moderated by fewer packs, or by none, and
    /// nothing else would say so.
    /// </summary>
    private List<string> GroupPackWarnings(RuleSet set)
    {
        var found = new List<string>();
        if (groups?.CurrentValue is not { Count: > 0 } overrides)
        {
            return found;
        }

        var packs = set.Packs.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (group, settings) in overrides.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (settings?.Packs is not { } named || named.All(packs.Contains))
            {
                continue;
            }

            var unknown = string.Join(", ", named.Where(p => !packs.Contains(p)).Distinct(StringComparer.Ordinal).Select(p => $"'{p}'"));
            var left = named.Any(packs.Contains) ? "it is moderated by the others it names only" : "no pack moderates it";
            found.Add($"GroupGuard:Groups:{group}:Packs names {unknown}, which the rules folder has no pack of (its packs: {string.Join(", ", packs.Order(StringComparer.Ordinal))}): {left}");
        }

        return found;
    }

    /// <summary>The group settings changed: their warnings are said again against the rules in force.</summary>
    private void GroupsChanged()
    {
        lock (_reloadLock)
        {
            if (_status.LoadedAt is null)
            {
                return;
            }

            var fresh = GroupPackWarnings(_current);
            foreach (var warning in fresh.Except(_status.Warnings, StringComparer.Ordinal))
            {
                logger.LogWarning("Rules: {Warning}", warning);
                _said.Add(warning);
            }

            _status = _status with { Warnings = [.. _loadWarnings, .. fresh] };
        }
    }
}
