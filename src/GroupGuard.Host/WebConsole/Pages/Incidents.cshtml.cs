using System.Globalization;
using GroupGuard.Core;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace GroupGuard.Host.WebConsole.Pages;

/// <summary>The filters as typed, echoed back into the form and the next-page link.</summary>
public sealed record IncidentsQuery(string? Group, string? User, string? Pack, string? Rule, string? Severity, string? Status, string? Fp, string? From, string? To, string? Q);

public sealed class IncidentsModel(IIncidentBrowser incidents) : ConsolePage
{
    public const int PageSize = 50;
    public const int MaxFilterLength = 200;

    /// <summary>The first and last days the from and to filters take, as the form's date inputs write them (<see cref="TimeBounds"/>).</summary>
    public static string FirstDayText => TimeBounds.FirstDayText;

    /// <inheritdoc cref="FirstDayText"/>
    public static string LastDayText => TimeBounds.LastDayText;

    public IncidentsQuery Query { get; private set; } = new(null, null, null, null, null, null, null, null, null, null);

    public IReadOnlyList<Incident> Rows { get; private set; } = [];

    /// <summary>The id the next page starts below, when there may be one.</summary>
    public long? NextBefore { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? group, string? user, string? pack, string? rule, string? severity, string? status, string? fp, string? from, string? to, string? q, string? before)
    {
        Query = new IncidentsQuery(group, user, pack, rule, severity, status, fp, from, to, q);
        string?[] typed = [group, user, pack, rule, severity, status, fp, from, to, q];
        if (typed.Select(v => TypedProblem("A filter", v, MaxFilterLength)).FirstOrDefault(p => p is not null) is { } typedProblem)
        {
            return BadRequest(typedProblem);
        }

        var filter = new IncidentFilter { Scope = Me.GroupScope, GroupId = Blank(group), UserId = Blank(user), Pack = Blank(pack), Rule = Blank(rule), Text = Blank(q) };
        if (Blank(severity) is { } sev)
        {
            if (!WireNames<Severity>.TryParse(sev, out var parsed))
            {
                return BadRequest($"severity must be one of {string.Join(", ", WireNames<Severity>.All)}.");
            }

            filter = filter with { Severity = parsed };
        }

        if (Blank(status) is { } st)
        {
            // The outcomes the overview counts: done is what was carried out, logged a log rule's incidents.
            if (!WireNames<IncidentOutcome>.TryParse(st, out var parsed))
            {
                return BadRequest($"status must be one of {string.Join(", ", WireNames<IncidentOutcome>.All)}.");
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
                return BadRequest("fp must be yes, no or empty (any).");
        }

        if (!TryBefore(before, out var beforeId))
        {
            return BadRequest(BeforeProblem);
        }

        var fromProblem = DayProblem("from", from, out var fromDay);
        var toProblem = DayProblem("to", to, out var toDay);
        if ((fromProblem ?? toProblem) is { } problem)
        {
            return BadRequest(problem);
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

    /// <summary>Why <paramref name="text"/> is not a day the filter takes (naming <paramref name="name"/>), or null: then <paramref name="day"/> is it, or null for none.</summary>
    private static string? DayProblem(string name, string? text, out DateOnly? day)
    {
        day = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return $"{name} is a day written yyyy-MM-dd.";
        }

        if (!TimeBounds.Holds(parsed))
        {
            return $"{name} must be a day from {FirstDayText} to {LastDayText}.";
        }

        day = parsed;
        return null;
    }

    private DateTimeOffset LocalMidnight(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, Zone.GetUtcOffset(midnight));
    }
}
