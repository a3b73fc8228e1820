namespace GroupGuard.Core.Accounts;

/// <summary>
/// Console accounts, sign-in failures and the audit log, in the incident database. Every method
/// throws on a storage failure. The schema is created by <see cref="IIncidentStore.InitializeAsync"/>.
/// </summary>
public interface IAccountStore
{
    /// <summary>Whether any account exists: without one the console is off.</summary>
    Task<bool> AnyAsync(CancellationToken cancellationToken);

    Task<ConsoleAccount?> FindAsync(string name, CancellationToken cancellationToken);

    /// <summary>All accounts by name.</summary>
    Task<IReadOnlyList<ConsoleAccount>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Adds the account with a new <see cref="ConsoleAccount.SessionStamp"/>; false when one of
    /// that name exists already (nothing is changed).
    /// </summary>
    Task<bool> AddAsync(ConsoleAccount account, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the account a new <see cref="ConsoleAccount.SessionStamp"/>, which ends every session
    /// signed in with the old one; false when there is no such account.
    /// </summary>
    Task<bool> RenewSessionStampAsync(string name, CancellationToken cancellationToken);

    /// <summary>Removes the account; false when there was none.</summary>
    Task<bool> RemoveAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Records a failed sign-in for <paramref name="name"/> (known or not) and returns how many
    /// there were at or after <paramref name="windowStart"/>, this one included. Failures of every
    /// name from before two windows back (<paramref name="windowStart"/> less the window) are
    /// forgotten: a lock read from <see cref="RecentFailedLoginsAsync"/> lasts a window after the
    /// failure that set it and needs the window before that one.
    /// </summary>
    Task<int> AddFailedLoginAsync(string name, DateTimeOffset at, DateTimeOffset windowStart, CancellationToken cancellationToken);

    /// <summary>
    /// The times of <paramref name="name"/>'s failed sign-ins at or after <paramref name="since"/>,
    /// newest first, at most <paramref name="limit"/> of them.
    /// </summary>
    Task<IReadOnlyList<DateTimeOffset>> RecentFailedLoginsAsync(string name, DateTimeOffset since, int limit, CancellationToken cancellationToken);

    /// <summary>Forgets the failed sign-ins of <paramref name="name"/> (after a good one).</summary>
    Task ClearFailedLoginsAsync(string name, CancellationToken cancellationToken);

    /// <summary>Sets or clears (null) the time until which the account is locked.</summary>
    Task SetLockedUntilAsync(string name, DateTimeOffset? until, CancellationToken cancellationToken);

    /// <summary>Appends to the audit log; the entry's id is assigned and returned.</summary>
    Task<long> AuditAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Audit entries newest first, with ids below <paramref name="beforeId"/> when it is given.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(long? beforeId, int limit, CancellationToken cancellationToken);
}
