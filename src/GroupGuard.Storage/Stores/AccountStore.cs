using System.Security.Cryptography;
using Dapper;
using GroupGuard.Core.Accounts;

namespace GroupGuard.Storage.Stores;

/// <summary>
/// Console accounts, failed sign-ins and the audit log in the incident database (tables of
/// migration 0007, the session stamp of 0015 on SQLite and 0006 on PostgreSQL, created by the
/// incident store's initialization). Writes take the database's single writer turn.
/// </summary>
internal sealed class AccountStore(StorageDatabase database) : IAccountStore
{
    private const string AccountColumns = """
        name AS Name, role AS Role, group_ids AS GroupIds, password_hash AS PasswordHash,
        created_at AS CreatedAt, locked_until AS LockedUntil, session_stamp AS SessionStamp
        """;

    private const string AuditColumns = "id AS Id, at AS At, actor AS Actor, action AS Action, target AS Target, detail AS Detail, remote AS Remote";

    public async Task<bool> AnyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM console_accounts)", cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;
    }

    public async Task<ConsoleAccount?> FindAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<AccountRow>(new CommandDefinition(
            $"SELECT {AccountColumns} FROM console_accounts WHERE name = @Name", new { Name = name }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToAccount();
    }

    public async Task<IReadOnlyList<ConsoleAccount>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<AccountRow>(new CommandDefinition(
            $"SELECT {AccountColumns} FROM console_accounts ORDER BY name", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToAccount())];
    }

    public async Task<bool> AddAsync(ConsoleAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var row = AccountRow.From(account);
        row.SessionStamp = NewSessionStamp();
        var added = await database.WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO console_accounts (name, role, group_ids, password_hash, created_at, locked_until, session_stamp)
                VALUES (@Name, @Role, @GroupIds, @PasswordHash, @CreatedAt, @LockedUntil, @SessionStamp)
                ON CONFLICT (name) DO NOTHING
                """,
                row,
                transaction,
                cancellationToken: cancellationToken)),
            cancellationToken).ConfigureAwait(false);
        return added > 0;
    }

    public async Task<bool> RenewSessionStampAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var renewed = await database.WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
                "UPDATE console_accounts SET session_stamp = @Stamp WHERE name = @Name",
                new { Name = name, Stamp = NewSessionStamp() },
                transaction,
                cancellationToken: cancellationToken)),
            cancellationToken).ConfigureAwait(false);
        return renewed > 0;
    }

    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var removed = await database.WriteAsync(
            async (connection, transaction) =>
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM console_login_failures WHERE name = @Name", new { Name = name }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                return await connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM console_accounts WHERE name = @Name", new { Name = name }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return removed > 0;
    }

    public Task<int> AddFailedLoginAsync(string name, DateTimeOffset at, DateTimeOffset windowStart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var parameters = new
                {
                    Name = name,
                    At = StoredTime.ToText(at),
                    Since = StoredTime.ToBoundText(windowStart),
                    Forget = StoredTime.ToBoundText(windowStart - (at - windowStart)),
                };
                // Failures two windows old no longer count, whoever they were for (a lock read from them
                // needs the window before the failure that set it): dropping them keeps the table small
                // even when someone tries a thousand made-up names.
                await connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM console_login_failures WHERE at < @Forget", parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO console_login_failures (name, at) VALUES (@Name, @At)", parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT COUNT(*) FROM console_login_failures WHERE name = @Name AND at >= @Since", parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<DateTimeOffset>> RecentFailedLoginsAsync(string name, DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var times = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT at FROM console_login_failures WHERE name = @Name AND at >= @Since ORDER BY at DESC LIMIT @Limit",
            new { Name = name, Since = StoredTime.ToBoundText(since), Limit = limit },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. times.Select(t => StoredTime.Parse(t, $"a failed sign-in of '{name}'"))];
    }

    public Task ClearFailedLoginsAsync(string name, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM console_login_failures WHERE name = @Name", new { Name = name }, transaction, cancellationToken: cancellationToken)),
            cancellationToken);

    public Task SetLockedUntilAsync(string name, DateTimeOffset? until, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
                "UPDATE console_accounts SET locked_until = @Until WHERE name = @Name",
                new { Name = name, Until = until is { } u ? StoredTime.ToText(u) : null },
                transaction,
                cancellationToken: cancellationToken)),
            cancellationToken);

    public Task<long> AuditAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return database.WriteAsync(
            (connection, transaction) => connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO console_audit (at, actor, action, target, detail, remote) VALUES (@At, @Actor, @Action, @Target, @Detail, @Remote) RETURNING id",
                new { At = StoredTime.ToText(entry.At), entry.Actor, entry.Action, Target = Core.Moderation.StoredText.Clean(entry.Target), Detail = Core.Moderation.StoredText.Clean(entry.Detail), entry.Remote },
                transaction,
                cancellationToken: cancellationToken)),
            cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(long? beforeId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(
            $"SELECT {AuditColumns} FROM console_audit" + (beforeId is null ? "" : " WHERE id < @Before") + " ORDER BY id DESC LIMIT @Limit",
            new { Before = beforeId, Limit = limit },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new AuditEntry(r.Id, StoredTime.Parse(r.At, "console_audit.at", r.Id), r.Actor, r.Action, r.Target, r.Detail, r.Remote))];
    }

    // 128 random bits: a session that carries it cannot have guessed it.
    private static string NewSessionStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private sealed class AccountRow
    {
        public string Name { get; set; } = "";
        public string Role { get; set; } = "";
        public string GroupIds { get; set; } = "";
        public string PasswordHash { get; set; } = "";
        public string CreatedAt { get; set; } = "";
        public string? LockedUntil { get; set; }
        public string SessionStamp { get; set; } = "";

        public static AccountRow From(ConsoleAccount account) => new()
        {
            Name = account.Name,
            Role = EnumText<AccountRole>.ToText(account.Role),
            GroupIds = string.Join(',', account.GroupIds),
            PasswordHash = account.PasswordHash,
            CreatedAt = StoredTime.ToText(account.CreatedAt),
            LockedUntil = account.LockedUntil is { } until ? StoredTime.ToText(until) : null,
        };

        public ConsoleAccount ToAccount() => new(
            Name,
            EnumText<AccountRole>.Parse(Role, $"console account '{Name}' role"),
            GroupIds.Length == 0 ? [] : GroupIds.Split(','),
            PasswordHash,
            StoredTime.Parse(CreatedAt, $"console account '{Name}' created_at"),
            LockedUntil is null ? null : StoredTime.Parse(LockedUntil, $"console account '{Name}' locked_until"))
        {
            SessionStamp = SessionStamp,
        };
    }

    private sealed class AuditRow
    {
        public long Id { get; set; }
        public string At { get; set; } = "";
        public string Actor { get; set; } = "";
        public string Action { get; set; } = "";
        public string? Target { get; set; }
        public string? Detail { get; set; }
        public string? Remote { get; set; }
    }
}
