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
    IOptions<RulesOptions> options,
    TimeProvider time,
    ILogger<RuleSetProvider> logger,
    IWordSegmenter? segmenter = null) : IRuleSetProvider, IRuleSetLoader
{
    private readonly Lock _reloadLock = new();

    private volatile RuleSet _current = RuleSet.Empty;
    private volatile RuleSetStatus _status = new(options.Value.ResolvePath(), null, [], []);

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
        var path = options.Value.ResolvePath();
        var result = RuleLoader.Load(path, time);
        var warnings = result.Warnings.Select(w => w.ToString()).ToArray();
        foreach (var warning in warnings)
        {
            logger.LogWarning("Rules: {Warning}", warning);
        }

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
}
