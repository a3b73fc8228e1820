using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace GroupGuard.Host.WebConsole.Pages;

public sealed class LogoutModel : ConsolePage
{
    public IActionResult OnGet() => Redirect(ConsoleRegistration.PathBase);

    public async Task<IActionResult> OnPostAsync()
    {
        await AuditAsync("logout", null, null);
        await HttpContext.SignOutAsync(ConsoleRegistration.Scheme);
        return Redirect(ConsoleRegistration.PathBase + "/login");
    }
}
