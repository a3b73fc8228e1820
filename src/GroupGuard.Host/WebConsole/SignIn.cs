using GroupGuard.Core.Accounts;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.WebConsole;

/// <summary>What became of a sign-in.</summary>
public enum SignInOutcome
{
    SignedIn,
    WrongNameOrPassword,
    Locked,

    /// <summary>
    /// Too many passwords were being checked already (<see cref="SignIn.PasswordChecks"/>), over all
    /// clients or from this one (<see cref="SignIn.MaxWaitingChecksPerClient"/>): try again shortly.
    /// </summary>
    Busy,
}

/// <summary>
/// Checks a name and password against the accounts, with the lockout: after
/// <see cref="ConsoleOptions.MaxFailedLogins"/> failures within <see cref="ConsoleOptions.LockoutMinutes"/>
/// the name is locked for that long, and even the right password is refused until then. A name
/// without an account is counted and locked alike (read from its failures), so that the answers do
/// not tell which names have one. Every attempt is audited but those refused while a name is
/// locked, of which at most one entry a <see cref="RefusalsAuditedEvery"/> is written per name,
/// counting the others; the password never is.
/// </summary>
public sealed class SignIn(IAccountStore accounts, IOptionsMonitor<ConsoleOptions> options, TimeProvider time)
{
    /// <summary>How often at most a locked account's refused sign-ins make an audit entry (in each instance).</summary>
    public static readonly TimeSpan RefusalsAuditedEvery = TimeSpan.FromMinutes(1);

    /// <summary>Locked names whose refusals are counted for the audit at most; past them a refusal of another name makes no entry.</summary>
    public const int MaxLockedNamesCounted = 10_000;

    // Per locked name (made-up ones too: at most MaxLockedNamesCounted): its lock, when its last
    // refusal entry was written, and the refusals since.
    private readonly Dictionary<string, Refusals> _refusals = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    // Attempts at one name take turns (names share 64 turns, so made-up ones need no table): each
    // reads the account after the one before has recorded its failure and set the lock. Side by
    // side, 40 attempts all read it unlocked and a sixth password was checked. Only within this
    // process: instances sharing a PostgreSQL database can still each check one more.
    private readonly SemaphoreSlim[] _turns = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>
    /// Passwords checked at once, over every name and address. A check is a full PBKDF2 hash (a
    /// fraction of a second of a processor), which the per-address limit bounds for one address but
    /// not for many: thousands of addresses within their allowances took both processors from
    /// moderation. One at a time, and at most <see cref="MaxWaitingChecks"/> waiting, of which at
    /// most <see cref="MaxWaitingChecksPerClient"/> from one client address; past either a sign-in is
    /// refused (503) at once.
    /// </summary>
    internal SemaphoreSlim PasswordChecks { get; } = new(1, 1);

    /// <summary>Sign-ins that may wait for <see cref="PasswordChecks"/>.</summary>
    public const int MaxWaitingChecks = 16;

    /// <summary>
    /// Of <see cref="MaxWaitingChecks"/>, those one client address (as the sign-in limit counts it:
    /// an IPv6 /64 as one) may hold: one source's wrong passwords sent side by side filled the
    /// queue, and the administrator's right one was refused (503) until they stopped.
    /// </summary>
    public const int MaxWaitingChecksPerClient = 2;

    private int _waitingChecks;

    // Sign-ins waiting for PasswordChecks per client (SignInLimiter.Key), under _lock; a client with none has no entry.
    private readonly Dictionary<string, int> _waitingPerClient = new(StringComparer.Ordinal);

    /// <summary>Sign-ins waiting for <see cref="PasswordChecks"/> now.</summary>
    internal int WaitingChecks => Volatile.Read(ref _waitingChecks);

    public async Task<(SignInOutcome Outcome, ConsoleAccount? Account)> TryAsync(string name, string password, string? remote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = name.Trim();
        var turn = _turns[TurnOf(name)];
        await turn.WaitAsync(cancellationToken);
        try
        {
            return await TryInTurnAsync(name, password, remote, cancellationToken);
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Which of the 64 turns attempts at <paramref name="name"/> take (trimmed).</summary>
    internal static int TurnOf(string name) => (int)((uint)StringComparer.Ordinal.GetHashCode(name) % 64);

    private async Task<(SignInOutcome Outcome, ConsoleAccount? Account)> TryInTurnAsync(string name, string password, string? remote, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.CurrentValue; // the limits as the settings say now: they follow a reload
        var window = TimeSpan.FromMinutes(settings.LockoutMinutes);
        var validName = ConsoleAccount.IsValidName(name);
        var account = validName ? await accounts.FindAsync(name, cancellationToken) : null;
        var auditName = validName ? name : "(invalid name)";

        // A name is locked by its failures whether or not it has an account: locking only accounts
        // told which names exist (a 429 after five wrong passwords, where a made-up name kept its 401).
        var lockedUntil = validName
            ? LockOf(await accounts.RecentFailedLoginsAsync(name, now - window - window, settings.MaxFailedLogins, cancellationToken), settings.MaxFailedLogins, window)
            : null;
        if (account?.LockedUntil is { } set && (lockedUntil is null || set > lockedUntil))
        {
            lockedUntil = set;
        }

        if (validName && Unwritten(name, now) is { } missed)
        {
            // The lock is over: the refusals since its last entry, which no later one has counted.
            await accounts.AuditAsync(
                new AuditEntry(0, now, name, "login_refused_locked", null, $"locked until {missed.Until:u}; {missed.Count} refused since {missed.Since:u}", null),
                cancellationToken);
        }

        if (lockedUntil is { } until && until > now)
        {
            // A loop at a locked account wrote an entry per try (2,000 in 9 s): one a minute, with the count.
            if (Refused(name, until, now) is { } refused)
            {
                var detail = refused.Since is { } since ? $"locked until {until:u}; {refused.Count} refused since {since:u}" : $"locked until {until:u}";
                await accounts.AuditAsync(new AuditEntry(0, now, auditName, "login_refused_locked", null, detail, remote), cancellationToken);
            }

            return (SignInOutcome.Locked, null);
        }

        var client = SignInLimiter.Key(System.Net.IPAddress.TryParse(remote, out var address) ? address : null);
        if (!TryWait(client))
        {
            return (SignInOutcome.Busy, null);
        }

        bool good;
        try
        {
            await PasswordChecks.WaitAsync(cancellationToken);
        }
        finally
        {
            StopWaiting(client);
        }

        try
        {
            if (account is null)
            {
                PasswordHasher.VerifyDecoy(password);
                good = false;
            }
            else
            {
                good = PasswordHasher.Verify(password, account.PasswordHash);
            }
        }
        finally
        {
            PasswordChecks.Release();
        }

        if (good)
        {
            await accounts.ClearFailedLoginsAsync(account!.Name, cancellationToken);
            if (account.LockedUntil is not null)
            {
                await accounts.SetLockedUntilAsync(account.Name, null, cancellationToken);
            }

            await accounts.AuditAsync(new AuditEntry(0, now, account.Name, "login", null, null, remote), cancellationToken);
            return (SignInOutcome.SignedIn, account);
        }

        var failures = await accounts.AddFailedLoginAsync(auditName, now, now - window, cancellationToken);
        var locks = validName && failures >= settings.MaxFailedLogins;
        if (locks && account is not null)
        {
            await accounts.SetLockedUntilAsync(account!.Name, now + window, cancellationToken);
        }

        await accounts.AuditAsync(
            new AuditEntry(0, now, auditName, locks ? "login_failed_locked" : "login_failed", null, $"{failures} failed within {settings.LockoutMinutes} min", remote),
            cancellationToken);
        return (locks ? SignInOutcome.Locked : SignInOutcome.WrongNameOrPassword, null);
    }

    /// <summary>Takes a place to wait for <see cref="PasswordChecks"/>, if there is one over all clients and within <paramref name="client"/>'s share.</summary>
    private bool TryWait(string client)
    {
        lock (_lock)
        {
            var mine = _waitingPerClient.GetValueOrDefault(client);
            if (_waitingChecks >= MaxWaitingChecks || mine >= MaxWaitingChecksPerClient)
            {
                return false;
            }

            _waitingPerClient[client] = mine + 1;
            _waitingChecks++;
            return true;
        }
    }

    private void StopWaiting(string client)
    {
        lock (_lock)
        {
            _waitingChecks--;
            if (_waitingPerClient[client] is var mine && mine <= 1)
            {
                _waitingPerClient.Remove(client);
            }
            else
            {
                _waitingPerClient[client] = mine - 1;
            }
        }
    }

    /// <summary>
    /// Until when failures at <paramref name="newestFirst"/> (the newest <paramref name="max"/> of a
    /// name's) lock it: a window after the newest, when it made <paramref name="max"/> within a
    /// window, as <see cref="IAccountStore.AddFailedLoginAsync"/> counts them. No failure is recorded
    /// while a name is locked, so the newest is the one that locked it.
    /// </summary>
    private static DateTimeOffset? LockOf(IReadOnlyList<DateTimeOffset> newestFirst, int max, TimeSpan window) =>
        newestFirst.Count >= max && newestFirst[max - 1] >= newestFirst[0] - window ? newestFirst[0] + window : null;

    /// <summary>
    /// Counts a refusal of <paramref name="name"/> locked until <paramref name="until"/>; returns
    /// what to write when an entry is due (the first refusal of a lock, then one a
    /// <see cref="RefusalsAuditedEvery"/>: how many since the last entry, this one included, and
    /// that entry's time), else null.
    /// </summary>
    private (int Count, DateTimeOffset? Since)? Refused(string name, DateTimeOffset until, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_refusals.TryGetValue(name, out var refusals) || refusals.Until != until)
            {
                // Locks over for a day whose name was not tried again since (removed, made up) are
                // forgotten as a new one begins, and those over without refusals left to write.
                foreach (var (other, old) in _refusals)
                {
                    if (old.Until <= now - TimeSpan.FromDays(1) || (old.Until <= now && old.Unwritten == 0))
                    {
                        _refusals.Remove(other);
                    }
                }

                if (_refusals.Count >= MaxLockedNamesCounted && !_refusals.ContainsKey(name))
                {
                    return null;
                }

                _refusals[name] = new Refusals { Until = until, Written = now };
                return (1, null);
            }

            refusals.Unwritten++;
            if (now - refusals.Written < RefusalsAuditedEvery)
            {
                return null;
            }

            var due = (refusals.Unwritten, (DateTimeOffset?)refusals.Written);
            (refusals.Written, refusals.Unwritten) = (now, 0);
            return due;
        }
    }

    /// <summary>
    /// Once <paramref name="name"/>'s lock is over, forgets it and returns the refusals of it no
    /// entry has counted, if there were any.
    /// </summary>
    private (DateTimeOffset Until, int Count, DateTimeOffset Since)? Unwritten(string name, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_refusals.TryGetValue(name, out var refusals) || refusals.Until > now)
            {
                return null;
            }

            _refusals.Remove(name);
            return refusals.Unwritten > 0 ? (refusals.Until, refusals.Unwritten, refusals.Written) : null;
        }
    }

    private sealed class Refusals
    {
        public DateTimeOffset Until;
        public DateTimeOffset Written;
        public int Unwritten;
    }
}
