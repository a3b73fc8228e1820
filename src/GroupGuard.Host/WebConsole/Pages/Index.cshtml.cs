using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Host.Pipeline;

namespace GroupGuard.Host.WebConsole.Pages;

/// <summary>One line of the overview's counts: the words shown, the name they stand for (its title), the count, and a link to the incidents it counts.</summary>
public sealed record CountRow(string Label, string Name, int Count, string? Link = null);

public sealed class IndexModel(IIncidentBrowser incidents, IEnumerable<IConnectionStatus> connections, Core.Rules.IRuleSetProvider rules, TimeProvider time) : ConsolePage
{
    public const int Days = GroupGuard.Core.Digests.Charts.IncidentChart.Days;

    public IncidentOverview Overview { get; private set; } = new([], [], [], [], 0, 0, 0, 0);

    /// <summary>The hits beside the offending messages, as the digest says them: <c>15 次命中</c>.</summary>
    public string Hits(int hits) => string.Format(System.Globalization.CultureInfo.InvariantCulture, T["{0} hits"], hits);

    /// <summary>The chart's data: a label per day and a series per category (JSON, read by overview.js).</summary>
    public string ChartJson { get; private set; } = "{}";

    /// <summary>Each bridge, by the name people know its protocol by (<see cref="ProtocolNames"/>): its name, state and detail (in the console's words), and an error's own text, folded beneath.</summary>
    public IReadOnlyList<(string Name, string State, string Detail, string? Logged)> Adapters { get; private set; } = [];

    /// <summary>
    /// The period the counts cover as the incident list's day filters take it (<c>from=…&amp;to=…</c>, local days),
    /// so that a list a count links to holds the incidents counted and no older ones.
    /// </summary>
    public string PeriodQuery { get; private set; } = "";

    /// <summary>The incidents marked false positive in the period, as 已标记为误判 counts them.</summary>
    public string FalsePositivesLink => "/console/incidents?fp=yes&" + PeriodQuery;

    /// <summary>The action outcomes, each linked to its incidents of the period not marked false positive (the status filter takes the same names).</summary>
    public IReadOnlyList<CountRow> Outcomes => [.. Overview.Outcomes.Select(o => new CountRow(
        T.Outcome(o.Name),
        o.Name,
        o.Count,
        WireNames<IncidentOutcome>.TryParse(o.Name, out _) ? "/console/incidents?status=" + Uri.EscapeDataString(o.Name) + "&fp=no&" + PeriodQuery : null))];

    /// <summary>The rules most hit, each by its pack's Chinese name and its id (<see cref="ConsoleText.Rule"/>: <c>广告引流 ads.contact</c>).</summary>
    public IReadOnlyList<CountRow> TopRules => [.. Overview.TopRules.Select(r => new CountRow(T.Rule(r.Name, rules.Current), r.Name, r.Count))];

    /// <summary>
    /// The groups of the most offending messages, each by the newest name its incidents of the period
    /// carry and its id (<see cref="ConsoleText.Group"/>: <c>二年级家长群（111111）</c>), as the digest names
    /// them; a group of an id another listed group has on another platform, with its platform (<c>111111（wecom）</c>).
    /// </summary>
    public IReadOnlyList<CountRow> TopGroups => [.. Overview.TopGroups.Select(g => new CountRow(
        T.Group(g.Name, g.Title, Overview.TopGroups.Any(o => o.Name == g.Name && o.Platform != g.Platform) ? g.Platform : null),
        g.Name,
        g.Count))];

    /// <summary>A category as the page names it (<see cref="ConsoleText.Category"/>; the chart's grey <c>other</c>, 其他).</summary>
    public string Category(string category) =>
        category == Core.Digests.Charts.IncidentChart.Other ? T["other"] : T.Category(category, rules.Current);

    public async Task OnGetAsync()
    {
        var (from, to, offset) = Period(time, Zone);
        Overview = await incidents.OverviewAsync(from, to, offset, Me.GroupScope, 10, HttpContext.RequestAborted);
        var first = FirstDay(from, offset);
        ChartJson = Chart(Overview.PerDay, first, Days, Category);
        PeriodQuery = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"from={first:yyyy-MM-dd}&to={first.AddDays(Days - 1):yyyy-MM-dd}");

        // The bridges, their bot accounts and their errors are the operator's business: admins only.
        if (!IsAdmin)
        {
            return;
        }

        var list = new List<(string, string, string, string?)>();
        foreach (var a in HttpContext.RequestServices.GetRequiredService<AdapterHealth>().Snapshot())
        {
            list.Add(($"{ProtocolNames.Shown(a.Protocol)} {a.BotId}", a.LastEventAt is { } at ? Local(at) : "—", $"{a.Events} {T["events"]}", null));
        }

        // An error by its kind in the console's words; the adapter's own (English, as logged) folded beneath.
        foreach (var c in connections.SelectMany(c => c.Connections))
        {
            list.Add(($"{ProtocolNames.Shown(c.Protocol)} {c.Name}", c.Connected ? T["connected"] : T["down"], c.LastError is null ? "" : T.ConnectionFailure(c.LastErrorKind), c.LastError));
        }

        Adapters = list;
    }

    /// <summary>The last <see cref="Days"/> days of <paramref name="zone"/> up to today, as [from, to) in UTC, and the zone's offset now.</summary>
    internal static (DateTimeOffset From, DateTimeOffset To, TimeSpan Offset) Period(TimeProvider time, TimeZoneInfo zone)
    {
        var now = time.GetUtcNow();
        var offset = zone.GetUtcOffset(now);
        var today = new DateTimeOffset((now + offset).Date, offset);
        return (today.AddDays(-(Days - 1)).ToUniversalTime(), today.AddDays(1).ToUniversalTime(), offset);
    }

    /// <summary>The local day <see cref="Period"/> starts on.</summary>
    internal static DateOnly FirstDay(DateTimeOffset from, TimeSpan offset) => DateOnly.FromDateTime((from + offset).UtcDateTime);

    /// <summary>
    /// Chart.js data: every day of the period (0 where nothing happened), one series per category
    /// with the colour, order and folding of the picture the digests carry (<see cref="Core.Digests.Charts.IncidentChart"/>),
    /// labelled as <paramref name="label"/> names the category (kept as <c>category</c>).
    /// </summary>
    internal static string Chart(IReadOnlyList<DayCount> perDay, DateOnly first, int days, Func<string, string> label)
    {
        var labels = Enumerable.Range(0, days).Select(i => first.AddDays(i).ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var series = Core.Digests.Charts.IncidentChart.SeriesOf(perDay, first).Select(s => new
        {
            label = label(s.Category),
            category = s.Category,
            backgroundColor = s.Colour,
            data = s.PerDay.Take(days),
        });
        // Escaped for the <script type="application/json"> block it is written into.
        return JsonSerializer.Serialize(new { labels, datasets = series });
    }
}
