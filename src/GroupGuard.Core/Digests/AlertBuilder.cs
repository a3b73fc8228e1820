using System.Globalization;

namespace GroupGuard.Core.Digests;

/// <summary>Everything one alert message is made of.</summary>
/// <param name="Rule">The alert rule it goes out under.</param>
/// <param name="From">Start of the outbox period (the end of the rule's previous alert), by detection time.</param>
/// <param name="To">End of the period (exclusive): the first incident's detection time plus the coalescing window.</param>
/// <param name="First">When the first incident of the message was detected.</param>
/// <param name="TimeZone">The zone times are written in.</param>
/// <param name="Incidents">The incidents to list: at most <see cref="AlertBuilder.MaxShown"/> are shown, most severe first.</param>
/// <param name="Total">How many incidents the message covers, shown or not.</param>
/// <param name="IncidentIds">The ids of the incidents the message covers.</param>
public sealed record AlertInput(
    AlertRuleOptions Rule,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset First,
    TimeZoneInfo TimeZone,
    IReadOnlyList<Incident> Incidents,
    int Total,
    IReadOnlyList<long> IncidentIds);

/// <summary>
/// Writes an alert: a short message in Chinese, one line per incident (severity, time, group,
/// sender, the excerpt masked as digests mask it, category, rule, what was done), at most
/// <see cref="MaxShown"/> lines and the count of the rest. The lines are the digest's own pieces,
/// so an alert names, masks and defuses exactly as a digest does.
/// </summary>
public static class AlertBuilder
{
    /// <summary>Incidents one alert lists; the rest are counted.</summary>
    public const int MaxShown = 20;

    /// <summary>The order incidents are shown in: most severe first, then as they were detected.</summary>
    public static IComparer<Incident> ShownFirst { get; } = Comparer<Incident>.Create(static (a, b) =>
    {
        var bySeverity = b.Severity.CompareTo(a.Severity);
        if (bySeverity != 0)
        {
            return bySeverity;
        }

        var byTime = a.DetectedAt.CompareTo(b.DetectedAt);
        return byTime != 0 ? byTime : a.Id.CompareTo(b.Id);
    });

    public static DigestDocument Build(AlertInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (markdown, text, html) = DigestBuilder.Render(quote => Title(input, quote), quote => Lines(input, quote));
        return new DigestDocument(input.Rule.OutboxKey, input.From, input.To, Title(input, DigestMarkup.OneLine), markdown, text, html,
            [.. input.IncidentIds.Order()]);
    }

    private static string Title(AlertInput input, Func<string, string> quote) =>
        $"群管告警：{input.Total} 起违规（{quote(input.Rule.Name)}）";

    private static List<(DigestBuilder.LineKind, string)> Lines(AlertInput input, Func<string, string> quote)
    {
        var zone = input.TimeZone;
        var window = input.Rule.CoalesceSeconds > 0 ? $" {input.Rule.CoalesceSeconds.ToString(CultureInfo.InvariantCulture)} 秒内" : "";
        var groups = input.Incidents.Select(i => i.GroupId).Distinct(StringComparer.Ordinal).Count();
        var lines = new List<(DigestBuilder.LineKind, string)>
        {
            (DigestBuilder.LineKind.Plain,
                $"{DigestBuilder.Local(input.First, zone):M月d日 HH:mm:ss} 起{window}发现 {input.Total} 起严重程度为「{DigestBuilder.SeverityName(input.Rule.Threshold)}」及以上的违规"
                + (groups > 1 && input.Total == input.Incidents.Count ? $"，涉及 {groups} 个群" : "") + "："),
        };

        var shown = input.Incidents.Order(ShownFirst).Take(MaxShown).ToList();
        foreach (var incident in shown)
        {
            lines.Add((DigestBuilder.LineKind.Item,
                $"[{DigestBuilder.SeverityName(incident.Severity)}] {DigestBuilder.Local(incident.Time, zone):MM-dd HH:mm:ss} "
                + $"{DigestBuilder.GroupName(incident.GroupName, incident.GroupId, quote)} "
                + $"{quote(incident.SenderName ?? incident.UserId)}{DigestBuilder.Forwarded(incident, quote)}：「{DigestBuilder.Excerpt(incident, quote)}」"
                + $"（{DigestBuilder.CategoryName(incident.Category, quote)}，{quote(incident.Rule)}，{DigestBuilder.ActionName(incident)}{DigestBuilder.Cleared(incident)}）"));
        }

        var rest = input.Total - shown.Count;
        if (rest > 0)
        {
            lines.Add((DigestBuilder.LineKind.Plain, $"还有 {rest.ToString(CultureInfo.InvariantCulture)} 条，见控制台或下一期日报。"));
        }

        return lines;
    }
}
