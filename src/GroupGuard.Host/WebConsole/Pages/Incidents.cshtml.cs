using System.Globalization;
using GroupGuard.Core;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace GroupGuard.Host.WebConsole.Pages;

/// <summary>The filters as typed, echoed back into the form and the next-page link.</summary>
public sealed record IncidentsQuery(string? Group, string? User, string? Pack, string? Rule, string? Severity, string? Status, string? Fp, string? From, string? To, string? Q);

public sealed class IncidentsModel(IIncidentBrowser incidents, Core.Rules.IRuleSetProvider rules) : ConsolePage
{
    public const int PageSize = 50;
    public const int MaxFilterLength = 200;

    /// <summary>The first and last days the from and to filters take, as the form's date inputs write them (<see cref="TimeBounds"/>).</summary>
    public static string FirstDayText => TimeBounds.FirstDayText;

    /// <inheritdoc cref="FirstDayText"/>
    public static string LastDayText => TimeBounds.LastDayText;

    public IncidentsQuery Query { get; private set; } = new(null, null, null, null, null, null, null, null, null, null);

    public IReadOnlyList<Incident> Rows { get; private set; } = [];

    /// <summary>A row's rule as the list names it: its name and its id, or its id (<see cref="ConsoleText.Rule"/>), the rules in force read once for the page.</summary>
    public string Rule(string id) => T.Rule(id, _rules ??= rules.Current, byPack: false);

    private Core.Rules.RuleSet? _rules;

    /// <summary>The id the next page starts below, when there may be one.</summary>
    public long? NextBefore { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? group, string? user, string? pack, string? rule, string? severity, string? status, string? fp, string? from, string? to, string? q, string? before)
    {
        Query = new IncidentsQuery(group, user, pack, rule, severity, status, fp, from, to, q);
        // Each parameter by the label the form gives it.
        (string Name, string Label, string? Value)[] typed =
        [
            ("group", "Group", group), ("user", "User", user), ("pack", "Pack", pack), ("rule", "Rule", rule), ("severity", "Severity", severity),
            ("status", "Status", status), ("fp", "False positive", fp), ("from", "Start day", from), ("to", "End day", to), ("q", "Text contains", q),
        ];
        foreach (var (name, label, value) in typed)
        {
            if (TypedWords(label, value, MaxFilterLength) is { } words)
            {
                return Refuse(name, value, words);
            }
        }

        var filter = new IncidentFilter { Scope = Me.GroupScope, GroupId = Blank(group), UserId = Blank(user), Pack = Blank(pack), Rule = Blank(rule), Text = Blank(q) };
        if (Blank(severity) is { } sev)
        {
            if (!WireNames<Severity>.TryParse(sev, out var parsed))
            {
                return Refuse("severity", severity, Format(T["{0} is one of {1}."], T["Severity"], Choices(WireNames<Severity>.All, T.Severity)));
            }

            filter = filter with { Severity = parsed };
        }

        if (Blank(status) is { } st)
        {
            // The outcomes the overview counts: done is what was carried out, logged a log rule's incidents.
            if (!WireNames<IncidentOutcome>.TryParse(st, out var parsed))
            {
                return Refuse("status", status, Format(T["{0} is one of {1}."], T["Status"], Choices(WireNames<IncidentOutcome>.All, T.Outcome)));
            }

            filter = filter with { Outcome = parsed };
        }

        switch (Blank(fp))
        {
            case null:
                break;
            case "yes":
                filter = filter with { FalsePositive = true };
                break;
            case "no":
                filter = filter with { FalsePositive = false };
                break;
            default:
                // As severity and status: not silently every incident.
                return Refuse("fp", fp, Format(T["{0} is yes, no, or empty for any."], T["False positive"]));
        }

        if (!TryBefore(before, out var beforeId))
        {
            return Refuse("before", before, BeforeWords);
        }

        if (DayProblem("Start day", from, out var fromDay) is { } fromProblem)
        {
            return Refuse("from", from, fromProblem);
        }

        if (DayProblem("End day", to, out var toDay) is { } toProblem)
        {
            return Refuse("to", to, toProblem);
        }

        if (fromDay is { } f)
        {
            filter = filter with { From = LocalMidnight(f) };
        }

        if (toDay is { } t)
        {
            filter = filter with { To = LocalMidnight(t.AddDays(1)) };
        }

        // One more than a page tells whether a next page exists.
        var rows = await incidents.BrowseAsync(filter, beforeId, PageSize + 1, HttpContext.RequestAborted);
        Rows = rows.Count > PageSize ? [.. rows.Take(PageSize)] : rows;
        NextBefore = rows.Count > PageSize ? Rows[^1].Id : null;
        return Page();
    }

    public string NextLink(long before)
    {
        var values = new Dictionary<string, string?>
        {
            ["group"] = Query.Group, ["user"] = Query.User, ["pack"] = Query.Pack, ["rule"] = Query.Rule, ["severity"] = Query.Severity,
            ["status"] = Query.Status, ["fp"] = Query.Fp, ["from"] = Query.From, ["to"] = Query.To, ["q"] = Query.Q,
            ["before"] = before.ToString(CultureInfo.InvariantCulture),
        };
        return QueryHelpers.AddQueryString("/console/incidents", values.Where(v => !string.IsNullOrEmpty(v.Value)));
    }

    /// <summary>The message's first 80 code units and an ellipsis, cut before an emoji (a surrogate pair) that would be split.</summary>
    public static string Excerpt(string text) => Core.Moderation.StoredText.Cut(text, 81)!;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>
    /// Answers a filter the page cannot read on the console's page (<see cref="ConsolePage.Refuse"/>),
    /// with a link to every incident, no filter.
    /// </summary>
    private IActionResult Refuse(string parameter, string? value, string message) =>
        Refuse(parameter, value, message, "/console/incidents", T["Every incident, no filter"]);

    /// <summary>The values a filter takes, each with its words where they differ: <c>pending（待处置）、done（已处置）</c>.</summary>
    private string Choices(IEnumerable<string> names, Func<string, string> words) =>
        string.Join(T[", "], names.Select(n => words(n) is var w && w != n ? Format(T["{0} ({1})"], n, w) : n));

    /// <summary>
    /// Why <paramref name="text"/> is not a day the filter takes, in the reader's words naming the
    /// field (<paramref name="label"/>: the start or end day), or null: then <paramref name="day"/> is it, or null for none.
    /// </summary>
    private string? DayProblem(string label, string? text, out DateOnly? day)
    {
        day = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return Format(T["{0} is written like {1}."], T[label], Example);
        }

        if (!TimeBounds.Holds(parsed))
        {
            return Format(T["{0} is a day from {1} to {2}."], T[label], FirstDayText, LastDayText);
        }

        day = parsed;
        return null;
    }

    /// <summary>A day as the filter takes it (year-month-day), to show how one is written.</summary>
    private const string Example = "2026-12-01";

    private DateTimeOffset LocalMidnight(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, Zone.GetUtcOffset(midnight));
    }
}
