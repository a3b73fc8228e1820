using GroupGuard.Core.Accounts;
using GroupGuard.Host.WebConsole;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Console;

/// <summary>Sign-ins side by side.</summary>
public sealed class SignInTests
{
    [Fact]
    public async Task Attempts_at_one_name_side_by_side_check_no_more_passwords_than_the_lockout_allows()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var store = service.Services.GetRequiredService<IAccountStore>();
        var gated = new GatedAccounts(store);
        var signIn = new SignIn(gated, new SettableOptions<ConsoleOptions>(new ConsoleOptions()), new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero)));

        // Every attempt that gets as far as reading the account waits there until all 40 have begun:
        // without turns, all 40 would read it unlocked.
        var attempts = Enumerable.Range(0, 40).Select(i => signIn.TryAsync("admin", "not the password " + i, "203.0.113.5", CancellationToken.None)).ToList();
        gated.Open();
        var outcomes = await Task.WhenAll(attempts);
        var audit = await store.ReadAuditAsync(null, 100, CancellationToken.None);

        Assert.Equal(4, outcomes.Count(o => o.Outcome == SignInOutcome.WrongNameOrPassword));
        Assert.Equal(36, outcomes.Count(o => o.Outcome == SignInOutcome.Locked));
        Assert.Equal(5, audit.Count(a => a.Action is "login_failed" or "login_failed_locked")); // a password checked each
        Assert.Single(audit, a => a.Action == "login_refused_locked");
    }

    [Fact]
    public async Task A_lower_MaxFailedLogins_saved_while_the_service_runs_locks_a_name_at_the_new_limit()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var signIn = service.Services.GetRequiredService<SignIn>();
        var first = await signIn.TryAsync("admin", "not the password 1", "203.0.113.5", CancellationToken.None);

        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();
        configuration["GroupGuard:Console:MaxFailedLogins"] = "2";
        configuration.Reload();
        var second = await signIn.TryAsync("admin", "not the password 2", "203.0.113.5", CancellationToken.None);

        // The second failure reaches the new limit and locks the name. Before, the limit the service
        // had when the first sign-in came (5) stayed until a restart.
        Assert.Equal((SignInOutcome.WrongNameOrPassword, SignInOutcome.Locked), (first.Outcome, second.Outcome));
    }

    /// <summary>The real store, but reading an account waits until <see cref="Open"/>.</summary>
    private sealed class GatedAccounts(IAccountStore inner) : IAccountStore
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        public async Task<ConsoleAccount?> FindAsync(string name, CancellationToken cancellationToken)
        {
            await _open.Task;
            return await inner.FindAsync(name, cancellationToken);
        }

        public Task<bool> AnyAsync(CancellationToken cancellationToken) => inner.AnyAsync(cancellationToken);

        public Task<IReadOnlyList<ConsoleAccount>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

        public Task<bool> AddAsync(ConsoleAccount account, CancellationToken cancellationToken) => inner.AddAsync(account, cancellationToken);

        public Task<bool> RenewSessionStampAsync(string name, CancellationToken cancellationToken) => inner.RenewSessionStampAsync(name, cancellationToken);

        public Task<bool> RemoveAsync(string name, CancellationToken cancellationToken) => inner.RemoveAsync(name, cancellationToken);

        public Task<int> AddFailedLoginAsync(string name, DateTimeOffset at, DateTimeOffset windowStart, CancellationToken cancellationToken) =>
            inner.AddFailedLoginAsync(name, at, windowStart, cancellationToken);

        public Task<IReadOnlyList<DateTimeOffset>> RecentFailedLoginsAsync(string name, DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
            inner.RecentFailedLoginsAsync(name, since, limit, cancellationToken);

        public Task ClearFailedLoginsAsync(string name, CancellationToken cancellationToken) => inner.ClearFailedLoginsAsync(name, cancellationToken);

        public Task SetLockedUntilAsync(string name, DateTimeOffset? until, CancellationToken cancellationToken) => inner.SetLockedUntilAsync(name, until, cancellationToken);

        public Task<long> AuditAsync(AuditEntry entry, CancellationToken cancellationToken) => inner.AuditAsync(entry, cancellationToken);

        public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(long? beforeId, int limit, CancellationToken cancellationToken) => inner.ReadAuditAsync(beforeId, limit, cancellationToken);
    }
}
