namespace GroupGuard.Core;

/// <summary>
/// Where incidents are kept. Failure contract: every method throws on a storage failure
/// (the caller decides whether to retry); adding an incident that is already stored
/// (same platform, bot, message id, message time and rule) is not a failure and does not store it twice.
/// </summary>
public interface IIncidentStore
{
    /// <summary>Creates or upgrades the schema. Safe to call at every start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Stores the incidents in one transaction; returns how many were new.</summary>
    Task<int> AddAsync(IReadOnlyList<Incident> incidents, CancellationToken cancellationToken);

    /// <summary>Incidents in id order.</summary>
    IAsyncEnumerable<Incident> QueryAsync(IncidentQuery query, CancellationToken cancellationToken);

    /// <summary>Proves the store answers a read and a write; throws when it does not.</summary>
    Task<StorageStatus> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>What <c>/healthz</c> says of storage.</summary>
public sealed record StorageStatus(string Provider, string Location, int SchemaVersion, long Incidents);
