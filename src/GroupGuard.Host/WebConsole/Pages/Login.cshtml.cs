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

        // Only a console address of this site: never an open redirect.
        var target = ReturnUrl is { Length: > 0 and < 2000 } url && url.StartsWith(ConsoleRegistration.PathBase, StringComparison.Ordinal) && Url.IsLocalUrl(url)
            ? url
            : ConsoleRegistration.PathBase;
        return LocalRedirect(target);
    }
}
