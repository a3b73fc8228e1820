using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace GroupGuard.Host.WebConsole.Pages;

public sealed class LoginModel : ConsolePage
{
    private readonly SignIn _signIn;
    private readonly SignInLimiter _limiter;

    public LoginModel(SignIn signIn, SignInLimiter limiter) => (_signIn, _limiter) = (signIn, limiter);

    public string? Error { get; private set; }

    public string? Name { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? name, string? password)
    {
        Name = name?.Trim();
        var client = SignInLimiter.ClientOf(HttpContext);
        if (_limiter.TryAttempt(client) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            Error = string.Format(System.Globalization.CultureInfo.InvariantCulture, T["Too many sign-in attempts from this address: try again in {0} seconds."], seconds);
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page();
        }

        // A NUL is in no account's name or password, and a password's trailing NULs would be taken
        // for none (PBKDF2's HMAC pads its key with them): "password\0" signed in as "password".
        if (string.IsNullOrEmpty(Name) || string.IsNullOrEmpty(password) || Name.Length > 64 || password.Length > Core.Accounts.PasswordHasher.MaxPasswordLength
            || Name.Contains('\0', StringComparison.Ordinal) || password.Contains('\0', StringComparison.Ordinal))
        {
            Error = T["Wrong name or password."];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var (outcome, account) = await _signIn.TryAsync(Name, password, client?.ToString(), HttpContext.RequestAborted);
        if (outcome == SignInOutcome.Busy)
        {
            Error = T["The console is busy checking other sign-ins: try again in a few seconds."];
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = "5";
            return Page();
        }

        if (outcome != SignInOutcome.SignedIn)
        {
            Error = outcome == SignInOutcome.Locked ? T["Too many failed sign-ins: this account is locked for a while."] : T["Wrong name or password."];
            Response.StatusCode = outcome == SignInOutcome.Locked ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized;
            return Page();
        }

        await HttpContext.SignInAsync(ConsoleRegistration.Scheme, ConsoleRegistration.Principal(account!), new AuthenticationProperties { IsPersistent = false });

        // Back to the page asked for (an incident a digest links to), else the overview.
        return LocalRedirect(ReturnPath(ReturnUrl) is { } path && Url.IsLocalUrl(path) ? path : ConsoleRegistration.PathBase);
    }

    /// <summary>
    /// <paramref name="returnUrl"/> when it is a page of the console on this site (<c>/console/…</c>,
    /// or <c>/console</c> itself, with a query or not), else null: never an open redirect.
    /// <c>//evil.example/console/</c> and <c>/\evil.example</c> are another site to a browser,
    /// <c>https://…</c> may be any; a path with <c>//</c>, a backslash or a dot segment anywhere
    /// (<c>/console/../..//evil.example</c>) is no console page either.
    /// </summary>
    internal static string? ReturnPath(string? returnUrl)
    {
        if (returnUrl is not { Length: > 0 and < 2000 } url
            || !(url == ConsoleRegistration.PathBase
                || url.StartsWith(ConsoleRegistration.PathBase + "/", StringComparison.Ordinal)
                || url.StartsWith(ConsoleRegistration.PathBase + "?", StringComparison.Ordinal))
            || url.Contains('\\', StringComparison.Ordinal)
            || url.Any(char.IsControl))
        {
            return null;
        }

        // As written and as a browser reads it (%2e%2e is a dot segment to it too).
        var path = url.Split('?', 2)[0];
        return new[] { path, Uri.UnescapeDataString(path) }.Any(p =>
            p.Contains("//", StringComparison.Ordinal) || p.Contains('\\', StringComparison.Ordinal) || p.Split('/').Any(segment => segment is "." or ".."))
            ? null
            : url;
    }
}
