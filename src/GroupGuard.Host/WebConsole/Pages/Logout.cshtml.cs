using GroupGuard.Core.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace GroupGuard.Host.WebConsole.Pages;

public sealed class LogoutModel(IAccountStore accounts) : ConsolePage
{
    public IActionResult OnGet() => Redirect(ConsoleRegistration.PathBase);

    public async Task<IActionResult> OnPostAsync()
    {
        await AuditAsync("logout", null, null);

        // Server side too, or a copy of the cookie taken before would still work. The stamp is the
        // account's: every session of the account ends with this one.
        await accounts.RenewSessionStampAsync(Me.Name, HttpContext.RequestAborted);
        await HttpContext.SignOutAsync(ConsoleRegistration.Scheme);
        return Redirect(ConsoleRegistration.PathBase + "/login");
    }
}
