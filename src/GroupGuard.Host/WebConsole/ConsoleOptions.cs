using Microsoft.Extensions.Options;

namespace GroupGuard.Host.WebConsole;

/// <summary>The web console (<c>GroupGuard:Console</c>). It is off until an account exists (<c>groupguard users add</c>).</summary>
public sealed class ConsoleOptions
{
    public const string Section = "GroupGuard:Console";

    /// <summary>False turns the console off even with accounts (it answers 404).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a sign-in lasts without use, in minutes (5 to 10080).</summary>
    public int SessionMinutes { get; set; } = 480;

    /// <summary>
    /// How long a sign-in lasts however much it is used, in hours (1 to 168): then the session
    /// ends and the password is asked again.
    /// </summary>
    public int MaxSessionHours { get; set; } = 12;

    /// <summary>Where the keys that sign session cookies are kept (default: <c>console-keys</c> beside the database).</summary>
    public string? KeysPath { get; set; }

    /// <summary>Failed sign-ins within <see cref="LockoutMinutes"/> that lock an account.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>The window for failed sign-ins, and how long a lock lasts, in minutes.</summary>
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>
    /// Sign-in attempts one client address may make in a minute (1 to 1000), whatever the names
    /// and outcomes; past them the sign-in page answers 429 with <c>Retry-After</c>.
    /// </summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>
    /// The addresses of reverse proxies whose <c>X-Forwarded-For</c> names the client (nginx on this
    /// machine: <c>127.0.0.1</c> and <c>::1</c>). Empty (the default): nobody's is, and a client is
    /// known by its connection's address, in the sign-in limit and the audit log.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>
    /// The time zone the console shows times and reads days in (an IANA id such as
    /// <c>Asia/Shanghai</c>); empty: the machine's. Each page names it and its offset.
    /// </summary>
    public string? TimeZone { get; set; }

    /// <summary>
    /// The address people reach the console at, as a browser opens it (<c>https://guard.example.org</c>,
    /// behind nginx); empty (the default): none. Set, each message a digest or an alert lists links
    /// to its incident's page, <c>&lt;PublicUrl&gt;/console/incidents/&lt;id&gt;</c>, which asks for
    /// sign-in as ever. Read at each digest and alert: it follows a reload.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>The longest <see cref="PublicUrl"/>: every line of a digest or an alert may carry it.</summary>
    public const int MaxPublicUrlLength = 200;

    /// <summary>
    /// <see cref="PublicUrl"/> for the links of digests and alerts: null when it is not set or the
    /// console is off (<see cref="Enabled"/> <c>false</c>: its pages answer 404).
    /// </summary>
    internal string? LinkBase => Enabled && !string.IsNullOrWhiteSpace(PublicUrl) ? PublicUrl.Trim() : null;

    /// <summary>The zone of <see cref="TimeZone"/>, or <paramref name="time"/>'s local one when none is set (or it is unknown: the validator refuses that at start).</summary>
    internal TimeZoneInfo Zone(TimeProvider time) =>
        string.IsNullOrWhiteSpace(TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone.Trim(), out var zone) ? time.LocalTimeZone : zone;

    /// <summary>
    /// The addresses of <see cref="TrustedProxies"/> (an IPv4-mapped IPv6 address as IPv4); those
    /// that are not addresses are left out (the validator refuses them at start).
    /// </summary>
    internal IReadOnlyList<System.Net.IPAddress> TrustedProxyAddresses() =>
        [.. TrustedProxies.Select(p => System.Net.IPAddress.TryParse(p?.Trim(), out var address) ? SignInLimiter.Plain(address) : null).OfType<System.Net.IPAddress>()];
}

internal sealed class ConsoleOptionsValidator : IValidateOptions<ConsoleOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleOptions options)
    {
        var errors = new List<string>();
        if (options.SessionMinutes is < 5 or > 10080)
        {
            errors.Add($"{ConsoleOptions.Section}:SessionMinutes is {options.SessionMinutes}; it must be 5 to 10080 (a week).");
        }

        if (options.MaxSessionHours is < 1 or > 168)
        {
            errors.Add($"{ConsoleOptions.Section}:MaxSessionHours is {options.MaxSessionHours}; it must be 1 to 168 (a week).");
        }

        if (options.MaxFailedLogins is < 1 or > 100)
        {
            errors.Add($"{ConsoleOptions.Section}:MaxFailedLogins is {options.MaxFailedLogins}; it must be 1 to 100.");
        }

        if (options.LockoutMinutes is < 1 or > 1440)
        {
            errors.Add($"{ConsoleOptions.Section}:LockoutMinutes is {options.LockoutMinutes}; it must be 1 to 1440.");
        }

        if (options.SignInAttemptsPerMinute is < 1 or > 1000)
        {
            errors.Add($"{ConsoleOptions.Section}:SignInAttemptsPerMinute is {options.SignInAttemptsPerMinute}; it must be 1 to 1000.");
        }

        if (!string.IsNullOrWhiteSpace(options.TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone.Trim(), out _))
        {
            errors.Add($"{ConsoleOptions.Section}:TimeZone is '{options.TimeZone}', which this machine does not know; it must be an IANA time zone such as Asia/Shanghai, or empty for the machine's.");
        }

        if (!string.IsNullOrWhiteSpace(options.PublicUrl) && PublicUrlProblem(options.PublicUrl.Trim()) is { } problem)
        {
            errors.Add($"{ConsoleOptions.Section}:PublicUrl is '{options.PublicUrl}': {problem}; it must be the address people open the console at, such as https://guard.example.org, or empty for none.");
        }

        for (var i = 0; i < options.TrustedProxies.Count; i++)
        {
            if (!System.Net.IPAddress.TryParse(options.TrustedProxies[i]?.Trim(), out _))
            {
                errors.Add($"{ConsoleOptions.Section}:TrustedProxies:{i} is '{options.TrustedProxies[i]}'; it must be a proxy's IP address (127.0.0.1 for nginx on this machine), not a name or a range.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// What is wrong with a public address, or null: an absolute http(s) URL, without a user name,
    /// query or fragment, at most <see cref="ConsoleOptions.MaxPublicUrlLength"/> characters; https
    /// unless its host is this machine (a leader's browser sends the console's password there).
    /// </summary>
    internal static string? PublicUrlProblem(string url)
    {
        // deploy/appsettings.Production.example.json's, copied as it is: refused as its other placeholders are.
        if (url.IndexOf('<', StringComparison.Ordinal) is >= 0 and var open && url.IndexOf('>', open) > open)
        {
            return "it is still the placeholder of the example settings";
        }

        if (url.Length > ConsoleOptions.MaxPublicUrlLength)
        {
            return $"it is {url.Length} characters long, more than {ConsoleOptions.MaxPublicUrlLength}";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            return "it is not an absolute http or https URL";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "it carries a user name or password";
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || url.Contains('?', StringComparison.Ordinal) || url.Contains('#', StringComparison.Ordinal))
        {
            return "it has a query (?) or a fragment (#), which the links to incidents cannot follow";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            return "it must be https (http only for this machine): the console's sign-in sends a password";
        }

        return null;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
