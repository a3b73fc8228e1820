using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using GroupGuard.Core;
using GroupGuard.Core.Accounts;
using GroupGuard.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.WebConsole;

/// <summary>
/// The web console at <c>/console</c>: Razor Pages under <c>WebConsole/Pages</c>, cookie sign-in
/// against <see cref="IAccountStore"/>, antiforgery on every form, security headers, and 404 for
/// every console address while no account exists.
/// </summary>
internal static class ConsoleRegistration
{
    public const string Scheme = "GroupGuardConsole";
    public const string AdminPolicy = "admin";
    public const string PathBase = "/console";

    private const string AccountItem = "GroupGuard.Console.Account";

    // What a session cookie carries beside the name and role: the account's session key as it was
    // at sign-in (a claim), and when the sign-in was (an item of the ticket, kept as the cookie
    // slides on; IssuedUtc is not, it moves with each renewal).
    private const string SessionKeyClaim = "gg_session_key";
    private const string SignedInItem = ".gg.signed_in";

    public static IServiceCollection AddGroupGuardConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddConsoleSettings(configuration);
        services.AddSingleton<SignIn>();
        services.AddSingleton<SignInLimiter>();

        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/WebConsole/Pages";
            options.Conventions.AuthorizeFolder("/");
            options.Conventions.AllowAnonymousToPage("/Login");
            options.Conventions.AuthorizePage("/Rules", AdminPolicy);
            options.Conventions.AuthorizePage("/Digests", AdminPolicy);
            options.Conventions.AuthorizePage("/Audit", AdminPolicy);
            options.Conventions.ConfigureFilter(new NoHandlerIsNotFound());
        });

        // Chinese text goes into pages as characters, not &#x…; entities (HTML's specials are still encoded).
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddAuthentication(Scheme).AddCookie(Scheme);
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IOptions<ConsoleOptions>>((cookie, console) =>
        {
            cookie.Cookie.Name = "gg_session";
            cookie.Cookie.Path = PathBase;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromMinutes(console.Value.SessionMinutes);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = PathBase + "/login";
            cookie.LogoutPath = PathBase + "/logout";
            cookie.AccessDeniedPath = PathBase + "/denied";
            cookie.Events.OnSigningIn = context =>
            {
                var at = context.Properties.IssuedUtc ?? Clock(context.Options, context.HttpContext).GetUtcNow();
                context.Properties.Items[SignedInItem] = at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            };
            cookie.Events.OnValidatePrincipal = ValidateAsync;
        });
        services.AddAuthorization(options => options.AddPolicy(AdminPolicy, policy => policy.RequireRole(WireRole(AccountRole.Admin))));
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "gg_antiforgery";
            options.Cookie.Path = PathBase;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure behind a TLS proxy (X-Forwarded-Proto)
            options.FormFieldName = "__gg_token";
        });
        services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(options =>
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);

        // The keys that sign session and antiforgery cookies live beside the database, so a
        // restart does not sign everyone out.
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var keys = configuration[$"{ConsoleOptions.Section}:KeysPath"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(storage.InstanceFolder() ?? Path.GetFullPath("data"), "console-keys");
        services.AddDataProtection().SetApplicationName("GroupGuard").PersistKeysToFileSystem(new DirectoryInfo(keys));
        return services;
    }

    /// <summary>
    /// The console's settings (<c>GroupGuard:Console</c>), bound and checked at start: the console's,
    /// and the digests' and alerts' (their links to incidents, <see cref="ConsoleOptions.PublicUrl"/>),
    /// the <c>digest</c> verbs' too. Registered once however often it is called.
    /// </summary>
    public static IServiceCollection AddConsoleSettings(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<ConsoleOptions>) && d.ImplementationType == typeof(ConsoleOptionsValidator)))
        {
            return services;
        }

        services.AddOptions<ConsoleOptions>().BindChecked(configuration.GetSection(ConsoleOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConsoleOptions>, ConsoleOptionsValidator>();
        return services;
    }

    public static string WireRole(AccountRole role) => Core.WireNames<AccountRole>.ToText(role);

    /// <summary>Headers, the off switch, static files, sign-in and the pages, in that order.</summary>
    public static WebApplication UseGroupGuardConsole(this WebApplication app)
    {
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(PathBase),
            branch =>
            {
                branch.Use(async (context, next) =>
                {
                    SetSecurityHeaders(context.Response.Headers);
                    var state = await StateAsync(context.RequestServices, context.RequestAborted);
                    if (state != "on")
                    {
                        // Off: nothing here. Unknown (the database cannot say): try again later.
                        context.Response.StatusCode = state == "off" ? StatusCodes.Status404NotFound : StatusCodes.Status503ServiceUnavailable;
                        return;
                    }

                    // A NUL in a form reaches the page, which refuses it naming the field (ASP.NET Core's reader: an empty 400).
                    ConsoleForm.Use(context);
                    await next(context);
                });
                branch.UseStaticFiles(new StaticFileOptions
                {
                    RequestPath = PathBase + "/assets",
                    FileProvider = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot", "console")),
                    OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "public, max-age=3600",
                });
            });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        return app;
    }

    /// <summary>
    /// <c>on</c> (enabled, with at least one account), <c>off</c>, or <c>unknown</c> when the
    /// database cannot be asked (it is logged by the storage check, not here).
    /// </summary>
    public static async Task<string> StateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!services.GetRequiredService<IOptionsMonitor<ConsoleOptions>>().CurrentValue.Enabled)
        {
            return "off";
        }

        try
        {
            return await services.GetRequiredService<IAccountStore>().AnyAsync(cancellationToken) ? "on" : "off";
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Data.Common.DbException or IOException)
        {
            return "unknown";
        }
    }

    /// <summary>The signed-in account, as the database has it on this request.</summary>
    public static ConsoleAccount? Account(this HttpContext context) => context.Items[AccountItem] as ConsoleAccount;

    public static ClaimsPrincipal Principal(ConsoleAccount account) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, account.Name), new Claim(ClaimTypes.Role, WireRole(account.Role)), new Claim(SessionKeyClaim, SessionKey(account))],
            Scheme));

    /// <summary>
    /// What ties a session to the account as it was at sign-in: its session stamp (new at sign-out
    /// and when the account is added again) and its password hash (new with every password, a hash
    /// edited in the database included), hashed together so the cookie holds neither.
    /// </summary>
    private static string SessionKey(ConsoleAccount account) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(account.SessionStamp + "\n" + account.PasswordHash)));

    /// <summary>The cookie handler's clock (a test's fake one too), else the service's.</summary>
    private static TimeProvider Clock(CookieAuthenticationOptions options, HttpContext context) =>
        options.TimeProvider ?? context.RequestServices.GetRequiredService<TimeProvider>();

    private static void SetSecurityHeaders(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // As antiforgery wants it for every page with a form (it would rewrite it otherwise, with a warning).
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
    }

    /// <summary>
    /// Each request checks the cookie's account against the database: a removed account, one
    /// whose role changed, one added again or signed out since (its session stamp is new) or
    /// given another password, is signed out at once, and so is a session older than
    /// <see cref="ConsoleOptions.MaxSessionHours"/> however much it was used; a leader's groups
    /// are read fresh.
    /// </summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var name = context.Principal?.Identity?.Name;
        var role = context.Principal?.FindFirst(ClaimTypes.Role)?.Value;
        var key = context.Principal?.FindFirst(SessionKeyClaim)?.Value;
        var lifetime = TimeSpan.FromHours(services.GetRequiredService<IOptionsMonitor<ConsoleOptions>>().CurrentValue.MaxSessionHours);
        var expired = SignedInAt(context.Properties) is not { } signedIn || Clock(context.Options, context.HttpContext).GetUtcNow() - signedIn >= lifetime;
        var account = name is null || key is null || expired
            ? null
            : await services.GetRequiredService<IAccountStore>().FindAsync(name, context.HttpContext.RequestAborted);
        if (account is null || WireRole(account.Role) != role || account.SessionStamp.Length == 0 || SessionKey(account) != key)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }

        context.HttpContext.Items[AccountItem] = account;
    }

    /// <summary>
    /// A post that no handler of its page takes (naming none, or a name the page lacks) is a 404. Razor Pages would render the page without running a handler: the incident page
    /// then had no incident (a 500, also for a leader at another group's) and the others showed
    /// empty.
    /// </summary>
    private sealed class NoHandlerIsNotFound : Microsoft.AspNetCore.Mvc.Filters.IAsyncPageFilter
    {
        public Task OnPageHandlerSelectionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerSelectedContext context) => Task.CompletedTask;

        public Task OnPageHandlerExecutionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context, Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutionDelegate next)
        {
            ArgumentNullException.ThrowIfNull(context);
            ArgumentNullException.ThrowIfNull(next);
            // A page without OnGet still renders on GET; what posts must name a handler.
            if (context.HandlerMethod is null && !HttpMethods.IsGet(context.HttpContext.Request.Method) && !HttpMethods.IsHead(context.HttpContext.Request.Method))
            {
                context.Result = new Microsoft.AspNetCore.Mvc.NotFoundResult();
                return Task.CompletedTask;
            }

            return next();
        }
    }

    private static DateTimeOffset? SignedInAt(AuthenticationProperties properties) =>
        properties.Items.TryGetValue(SignedInItem, out var text)
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
        && milliseconds <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : null;
}
