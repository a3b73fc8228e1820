using GroupGuard.Core.Accounts;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.WebConsole;

/// <summary>What became of a sign-in.</summary>
public enum SignInOutcome
{
    SignedIn,
    WrongNameOrPassword,
    Locked,
}

/// <summary>
/// Checks a name and password against the accounts, with the lockout: after
/// <see cref="ConsoleOptions.MaxFailedLogins"/> failures within <see cref="ConsoleOptions.LockoutMinutes"/>
/// the account is locked for that long, and even the right password is refused until then. Every
/// attempt is audited; the password never is.
/// </summary>
public sealed class SignIn(IAccountStore accounts, IOptions<ConsoleOptions> options, TimeProvider time)
{
    public async Task<(SignInOutcome Outcome, ConsoleAccount? Account)> TryAsync(string name, string password, string? remote, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        var window = TimeSpan.FromMinutes(settings.LockoutMinutes);
        name = name.Trim();
        var validName = ConsoleAccount.IsValidName(name);
        var account = validName ? await accounts.FindAsync(name, cancellationToken) : null;
        var auditName = validName ? name : "(invalid name)";

        if (account?.LockedUntil is { } until && until > now)
        {
            await accounts.AuditAsync(new AuditEntry(0, now, auditName, "login_refused_locked", null, $"locked until {until:u}", remote), cancellationToken);
            return (SignInOutcome.Locked, null);
        }

        bool good;
        if (account is null)
        {
            PasswordHasher.VerifyDecoy(password);
            good = false;
        }
        else
        {
            good = PasswordHasher.Verify(password, account.PasswordHash);
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
        var locks = account is not null && failures >= settings.MaxFailedLogins;
        if (locks)
        {
            await accounts.SetLockedUntilAsync(account!.Name, now + window, cancellationToken);
        }

        await accounts.AuditAsync(
            new AuditEntry(0, now, auditName, locks ? "login_failed_locked" : "login_failed", null, $"{failures} failed within {settings.LockoutMinutes} min", remote),
            cancellationToken);
        return (locks ? SignInOutcome.Locked : SignInOutcome.WrongNameOrPassword, null);
    }
}
