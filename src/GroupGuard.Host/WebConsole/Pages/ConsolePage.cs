using GroupGuard.Core.Accounts;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace GroupGuard.Host.WebConsole.Pages;

/// <summary>What every console page has: the signed-in account, the words in the reader's language, the audit log.</summary>
public abstract class ConsolePage : PageModel
{
    private ConsoleText? _text;

    internal ConsoleText T => _text ??= ConsoleText.For(HttpContext);

    /// <summary>The signed-in account (every page but the sign-in page requires one).</summary>
    public ConsoleAccount Me => HttpContext.Account() ?? throw new InvalidOperationException("No account on a page that requires one.");

    public bool IsAdmin => HttpContext.Account()?.Role == AccountRole.Admin;

    /// <summary>A message for the page after a redirect (saved, refused).</summary>
    [Microsoft.AspNetCore.Mvc.TempData]
    public string? Notice { get; set; }

    /// <summary>
    /// Appends to the audit log as the signed-in account, from the client's address as the sign-in
    /// limit reads it (<see cref="SignInLimiter.ClientOf"/>): behind a proxy on this machine, the one
    /// it forwards, not the proxy's.
    /// </summary>
    protected Task AuditAsync(string action, string? target, string? detail)
    {
        var services = HttpContext.RequestServices;
        var at = services.GetRequiredService<TimeProvider>().GetUtcNow();
        return services.GetRequiredService<IAccountStore>().AuditAsync(
            new AuditEntry(0, at, Me.Name, action, target, detail, SignInLimiter.ClientOf(HttpContext)?.ToString()),
            HttpContext.RequestAborted);
    }

    /// <summary>The server's local time zone (the one digests use), for days and times shown.</summary>
    protected TimeZoneInfo Zone => HttpContext.RequestServices.GetRequiredService<TimeProvider>().LocalTimeZone;

    public string Local(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, Zone).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
