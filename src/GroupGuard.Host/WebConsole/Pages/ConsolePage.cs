using GroupGuard.Core.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

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

    /// <summary>The platform's own words behind a <see cref="Notice"/> of what it did not do, shown folded under it.</summary>
    [Microsoft.AspNetCore.Mvc.TempData]
    public string? NoticeDetail { get; set; }

    /// <summary>
    /// Appends to the audit log as the signed-in account, from the client's address as the sign-in
    /// limit reads it (<see cref="SignInLimiter.ClientOf"/>): behind a proxy named in
    /// <see cref="ConsoleOptions.TrustedProxies"/>, the one it forwards, not the proxy's.
    /// </summary>
    protected Task AuditAsync(string action, string? target, string? detail)
    {
        var services = HttpContext.RequestServices;
        var at = services.GetRequiredService<TimeProvider>().GetUtcNow();
        return services.GetRequiredService<IAccountStore>().AuditAsync(
            new AuditEntry(0, at, Me.Name, action, target, detail, SignInLimiter.ClientOf(HttpContext)?.ToString()),
            HttpContext.RequestAborted);
    }

    /// <summary>
    /// A query parameter of the address the page cannot read (typed or edited by hand), as the page
    /// answers it on the console's own layout: set, the page shows only this.
    /// </summary>
    public QueryProblem? Problem { get; private set; }

    /// <summary>
    /// Answers <paramref name="status"/> (a 4xx) on the console's page, in the reader's language:
    /// the parameter as written, what it should be (<see cref="QueryProblem.Message"/>) and a link
    /// back to <paramref name="back"/>, the page without it; not a line of plain English.
    /// </summary>
    protected IActionResult Refuse(string parameter, string? value, string message, string back, string backText, int status = StatusCodes.Status400BadRequest)
    {
        Problem = new QueryProblem(parameter, QueryProblem.Shown(value), message, back, backText);
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>
    /// Answers a form post the page cannot take as <see cref="Refuse"/> answers an address: a 4xx on
    /// the console's page, in the reader's language, with <paramref name="message"/> naming the field
    /// as the form labels it and what to write, and a link back to the page the form was on.
    /// </summary>
    protected IActionResult RefuseForm(string message, string back, string backText, int status = StatusCodes.Status400BadRequest)
    {
        Problem = new QueryProblem(null, "", message, back, backText);
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>
    /// Why a value typed into a form cannot be taken, in the reader's words naming the field by its
    /// <paramref name="label"/> as the form shows it, or null: longer than <paramref name="maxLength"/>,
    /// or holding a control character (PostgreSQL refuses a NUL, a path cannot hold one).
    /// </summary>
    protected string? FieldWords(string label, string? value, int maxLength) =>
        value is null ? null
        : value.Length > maxLength ? Format(T["{0} takes at most {1} characters; this has {2}: shorten it and send it again."], T[label], maxLength, value.Length)
        : value.Any(char.IsControl) ? Format(T["{0} may not hold a control character (a line break, a tab): take it out and send it again."], T[label])
        : null;

    /// <summary>
    /// Why a value typed into a filter cannot be looked up, in the reader's words naming the field by
    /// its <paramref name="label"/> as the form shows it, or null: longer than <paramref name="maxLength"/>,
    /// or holding a control character, which no id, name or text the console looks for has (PostgreSQL
    /// refuses a NUL in text, and the page answered 500).
    /// </summary>
    protected string? TypedWords(string label, string? value, int maxLength) =>
        value is null ? null
        : value.Length > maxLength ? Format(T["{0} may have at most {1} characters."], T[label], maxLength)
        : value.Any(char.IsControl) ? Format(T["{0} may not hold a control character (a line break, say)."], T[label])
        : null;

    /// <summary>Why a <c>before</c> is refused when it is not an id (as every other bad filter is: not silently page 1).</summary>
    protected string BeforeWords => T["The page to start from is an id, a whole number above 0, as the page links write it."];

    protected static string Format(string format, params object?[] args) => string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args);

    /// <summary>
    /// Reads the keyset parameter <c>before</c>: blank is none (the first page); false when it is
    /// not a whole number above 0.
    /// </summary>
    protected static bool TryBefore(string? text, out long? before)
    {
        before = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (!long.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            return false;
        }

        before = id;
        return true;
    }

    /// <summary>
    /// The zone the console shows times and reads days in: <see cref="ConsoleOptions.TimeZone"/>,
    /// else the server's local one.
    /// </summary>
    protected TimeZoneInfo Zone => _zone ??= HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<ConsoleOptions>>().CurrentValue
        .Zone(HttpContext.RequestServices.GetRequiredService<TimeProvider>());

    // Looked up once a request (a page of incidents shows a hundred times in it).
    private TimeZoneInfo? _zone;

    /// <summary>The zone times are shown in and its offset now, as each page's footer names them: <c>Asia/Shanghai (UTC+08:00)</c>.</summary>
    public string ZoneName
    {
        get
        {
            var zone = Zone;
            var offset = zone.GetUtcOffset(HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
            return $"{zone.Id} (UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset.Duration().ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture)})";
        }
    }

    public string Local(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, Zone).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// What a page says of a query parameter it cannot read: the parameter and its value as written
/// (cut to <see cref="ShownLength"/>), what it should be, in the reader's words, and a link back.
/// Of a form post (<see cref="ConsolePage.RefuseForm"/>) there is no parameter: the message names the field.
/// </summary>
public sealed record QueryProblem(string? Parameter, string Value, string Message, string Back, string BackText)
{
    public const int ShownLength = 40;

    /// <summary>The page's heading (translated by <see cref="ConsoleText"/>): of an address, or of a form.</summary>
    public string Heading => Parameter is null ? "The form cannot be sent as filled in" : "The address cannot be shown";

    /// <summary>The value as the page quotes it: cut, with its control characters as spaces.</summary>
    internal static string Shown(string? value)
    {
        var text = new string([.. (value ?? "").Select(c => char.IsControl(c) ? ' ' : c)]);
        return Core.Moderation.StoredText.Cut(text, ShownLength + 1)!;
    }
}
