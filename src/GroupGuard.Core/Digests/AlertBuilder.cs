using System.Globalization;

namespace GroupGuard.Core.Digests;

/// <summary>Everything one alert message is made of.</summary>
/// <param name="Rule">The alert rule it goes out under.</param>
/// <param name="From">Start of the outbox period (the end of the rule's previous alert), by detection time.</param>
/// <param name="To">End of the period (exclusive): the first incident's detection time plus the coalescing window.</param>
/// <param name="First">When the first incident of the message was detected.</param>
/// <param name="TimeZone">The zone times are written in.</param>
/// <param name="Incidents">
/// The incidents of the messages to list (at most <see cref="AlertBuilder.MaxShown"/> messages are
/// shown, most severe first), with those messages' hits below the rule's severity, which are not
/// counted or named but masked in the excerpt with the rest.
/// </param>
/// <param name="Total">How many incidents (hits) at or above the rule's severity the message covers, shown or not.</param>
/// <param name="IncidentIds">The ids of the incidents the message covers.</param>
public sealed record AlertInput(
    AlertRuleOptions Rule,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset First,
    TimeZoneInfo TimeZone,
    IReadOnlyList<Incident> Incidents,
    int Total,
    IReadOnlyList<long> IncidentIds)
{
    /// <summary>How many messages those hits are of (incidents grouped by platform, group and message id); 0: as many as <see cref="Incidents"/> holds.</summary>
    public int Messages { get; init; }

    /// <summary>
    /// The address people reach the web console at (<c>GroupGuard:Console:PublicUrl</c>); set, each
    /// message the alert lists links to the page of the incident its line is told by (<see cref="ConsoleLinks"/>).
    /// </summary>
    public string? ConsoleUrl { get; init; }

    /// <summary>
    /// The name each group is given (<see cref="NewestGroupNames"/>), gathered from every incident of
    /// the window, those not listed too; null: from <see cref="Incidents"/>.
    /// </summary>
    public NewestGroupNames? GroupNames { get; init; }

    /// <summary>The name a leader reads for a rule, by its id, as <see cref="DigestInput.RuleNames"/>; null: the id.</summary>
    public Func<string, string?>? RuleNames { get; init; }
}

/// <summary>Everything the follow-up of one alert is made of (<see cref="AlertBuilder.FollowUp"/>).</summary>
/// <param name="Rule">The name of the alert rule it goes out under.</param>
/// <param name="Alert">The alert as stored: its period, when it was made, how many messages it counted.</param>
/// <param name="TimeZone">The zone times are written in.</param>
/// <param name="Incidents">
/// The incidents the alert said 待处置 for (<see cref="DigestRecord.PendingIds"/>) as they stand now,
/// those marked false positive since left out.
/// </param>
/// <param name="FalsePositives">How many of them were marked false positive since.</param>
public sealed record AlertFollowUpInput(
    string Rule,
    DigestRecord Alert,
    TimeZoneInfo TimeZone,
    IReadOnlyList<Incident> Incidents,
    int FalsePositives)
{
    /// <summary>The console's public address, as <see cref="AlertInput.ConsoleUrl"/>: each failure and each message still waiting links to its incident's page.</summary>
    public string? ConsoleUrl { get; init; }

    /// <summary>
    /// The name each group is given (<see cref="NewestGroupNames"/>), gathered from the incidents read
    /// for the follow-up, those marked false positive too; null: from <see cref="Incidents"/>.
    /// </summary>
    public NewestGroupNames? GroupNames { get; init; }
}

/// <summary>
/// Writes an alert: a short message in Chinese, one line per offending message (severity, time,
/// group, sender, the excerpt with every hit masked as digests mask it, categories, rules, what was done), at most
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
            [.. input.IncidentIds.Order()])
        {
            Messages = Messages(input),
        };
    }

    /// <summary>
    /// The incidents whose messages the alert says 待处置: of each message it lists, the hit its
    /// outcome is told by, while the platform has not answered its recall, mute or kick
    /// (<see cref="DigestBuilder.SettledStatus"/>). Its follow-up (<see cref="FollowUp"/>) tells what
    /// became of them.
    /// </summary>
    public static IReadOnlyList<long> PendingIds(AlertInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return [.. Listed(Offences(input)).Select(o => o.Acted).Where(i => DigestBuilder.SettledStatus(i) == ActionStatus.Pending).Select(i => i.Id).Order()];
    }

    /// <summary>
    /// The follow-up of an alert that went out saying 待处置: once the platform has answered (or the
    /// wait for it is over), what became of those messages, on the alert's channels. Those whose
    /// recall, mute or kick failed come first, each with its incident's number and group, so that
    /// someone does by hand what the bot could not (<c>撤回失败：机器人不是群管理员，或对方是管理员（事件 #12，请手动处理）</c>);
    /// then those still waiting; the rest are counted (<c>2 条已撤回</c>). All carried out, it is one
    /// line (<c>均已处置</c>). This is the follow-up a channel that delivered the alert sends; one
    /// that gave up on the alert sends it with the alert in it (<see cref="Carrying"/>).
    /// </summary>
    public static DigestDocument FollowUp(AlertFollowUpInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (markdown, text, html) = DigestBuilder.Render(quote => FollowUpTitle(input, quote), quote => FollowUpLines(input, quote));
        return new DigestDocument(AlertRuleOptions.FollowUpPrefix + input.Rule, input.Alert.PeriodFrom, input.Alert.PeriodTo,
            FollowUpTitle(input, DigestMarkup.OneLine), markdown, text, html, [.. input.Incidents.Select(i => i.Id).Order()])
        {
            Messages = input.Incidents.Count,
        };
    }

    /// <summary>
    /// What the follow-up says first on a channel that gave up on its alert without delivering any
    /// of it (<see cref="Carrying"/>): its reader there never saw the alert.
    /// </summary>
    public const string NotDeliveredHereLine = "原告警未能在此送达（发送失败），原文如下，其后是其中待处置消息的结果。";

    /// <summary>The same, on a channel that delivered the first parts of the alert and gave up on the rest.</summary>
    public const string PartlyDeliveredHereLine = "原告警在此只送达了开头（其余发送失败），全文如下，其后是其中待处置消息的结果。";

    /// <summary>
    /// The follow-up as a channel that gave up on its alert (<paramref name="alertHere"/>: that
    /// channel's outcome for the alert, failed) sends it: the leader reading that channel never saw
    /// the alert (or saw only its first parts), so a follow-up alone would tell them what became of
    /// messages they were never shown, and an alert left unread there. It says so first
    /// (<see cref="NotDeliveredHereLine"/>, <see cref="PartlyDeliveredHereLine"/>), then gives the
    /// alert as stored under <c>原告警</c>, then the follow-up's own lines under <c>处置结果</c>, in
    /// every rendering; its title stays the follow-up's. Made from the stored alert and follow-up
    /// alone, so every try (a retry, another instance) sends the very same message, split the same way.
    /// </summary>
    public static DigestDocument Carrying(DigestDocument followUp, DigestRecord alert, ChannelOutcome alertHere)
    {
        ArgumentNullException.ThrowIfNull(followUp);
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(alertHere);
        var note = alertHere.PartsDelivered > 0 ? PartlyDeliveredHereLine : NotDeliveredHereLine;

        // A rendering's first line is its title (Render); in HTML, its first heading after the body's opening tag.
        static (string Head, string Body) Lines(string rendering)
        {
            var end = rendering.IndexOf('\n', StringComparison.Ordinal);
            return end < 0 ? (rendering + "\n", "") : (rendering[..(end + 1)], rendering[(end + 1)..]);
        }

        static (string Head, string Body) Html(string html)
        {
            const string Close = "</body></html>";
            var start = html.IndexOf("</h3>\n", StringComparison.Ordinal);
            var head = start < 0 ? DigestBuilder.HtmlStart : html[..(start + "</h3>\n".Length)];
            var body = start < 0 ? html : html[(start + "</h3>\n".Length)..];
            var close = body.LastIndexOf(Close, StringComparison.Ordinal);
            return (head, close < 0 ? body : body[..close]);
        }

        var (markdownHead, markdownBody) = Lines(followUp.Markdown);
        var (textHead, textBody) = Lines(followUp.Text);
        var (htmlHead, htmlBody) = Html(followUp.Html);
        return followUp with
        {
            Markdown = $"{markdownHead}{note}\n\n**原告警**\n{Lines(alert.Markdown).Body}\n**处置结果**\n{markdownBody}",
            Text = $"{textHead}{note}\n\n【原告警】\n{Lines(alert.Text).Body}\n【处置结果】\n{textBody}",
            Html = $"{htmlHead}<p>{System.Net.WebUtility.HtmlEncode(note)}</p>\n<h4>原告警</h4>\n{Html(alert.Html).Body}<h4>处置结果</h4>\n{htmlBody}</body></html>\n",
        };
    }

    /// <summary>The alert's own title after 跟进：, so that the leader knows which message it follows.</summary>
    private static string FollowUpTitle(AlertFollowUpInput input, Func<string, string> quote) =>
        $"跟进：{TitleWord}：{(input.Alert.Messages ?? input.Alert.IncidentIds.Count).ToString(CultureInfo.InvariantCulture)} 条违规消息（{quote(input.Rule)}）";

    private static List<DigestBuilder.Line> FollowUpLines(AlertFollowUpInput input, Func<string, string> quote)
    {
        static bool Failed(Incident i) => DigestBuilder.SettledStatus(i) is ActionStatus.Failed or ActionStatus.Unsupported;
        static bool Waiting(Incident i) => DigestBuilder.SettledStatus(i) == ActionStatus.Pending;
        var incidents = input.Incidents.Order(ShownFirst).ToList();
        var failed = incidents.Where(Failed).ToList();
        var waiting = incidents.Where(Waiting).ToList();

        // Counted by what became of them, the failures first, then what is still waiting: 1 条撤回失败，2 条已撤回.
        var counts = string.Join("，", incidents
            .GroupBy(DigestBuilder.ActionName, StringComparer.Ordinal)
            .OrderBy(g => Failed(g.First()) ? 0 : Waiting(g.First()) ? 1 : 2)
            .ThenByDescending(g => g.Count())
            .Select(g => $"{g.Count().ToString(CultureInfo.InvariantCulture)} 条{g.Key}"));
        var all = incidents.Count;
        var when = $"{DigestBuilder.Local(input.Alert.CreatedAt, input.TimeZone):M月d日 HH:mm} 的告警中待处置的 {all.ToString(CultureInfo.InvariantCulture)} 条消息";
        var head = failed.Count + waiting.Count == 0
            ? $"{when}{(all > 1 ? "均" : "")}已处置：{counts}。"
            : $"{when}：{counts}。";
        if (input.FalsePositives > 0)
        {
            head += $"另有 {input.FalsePositives.ToString(CultureInfo.InvariantCulture)} 条已被标记为误报，不再跟进。";
        }

        var lines = new List<DigestBuilder.Line> { (DigestBuilder.LineKind.Plain, head) };
        var names = input.GroupNames ?? NewestGroupNames.Of(input.Incidents);
        string Line(Incident i, string what) =>
            $"[{DigestBuilder.SeverityName(i.Severity)}] {DigestBuilder.Local(i.Time, input.TimeZone):MM-dd HH:mm:ss} "
            + $"{DigestBuilder.GroupName(names.Name(i.Platform, i.GroupId), i.GroupId, quote)} {quote(i.SenderName ?? i.UserId)}{DigestBuilder.Forwarded(i, quote)}：{what}";
        foreach (var incident in failed)
        {
            lines.Add(new DigestBuilder.Line(DigestBuilder.LineKind.Item, Line(incident, $"{DigestBuilder.ActionNameAndReason(incident)}（事件 #{incident.Id.ToString(CultureInfo.InvariantCulture)}，请手动处理）"),
                ConsoleLinks.Incident(input.ConsoleUrl, incident.Id)));
        }

        foreach (var incident in waiting)
        {
            lines.Add(new DigestBuilder.Line(DigestBuilder.LineKind.Item, Line(incident, $"{DigestBuilder.ActionName(incident)}（事件 #{incident.Id.ToString(CultureInfo.InvariantCulture)}，平台仍未答复，请手动核实）"),
                ConsoleLinks.Incident(input.ConsoleUrl, incident.Id)));
        }

        return lines;
    }

    private static string Title(AlertInput input, Func<string, string> quote) =>
        $"{TitleWord}：{Messages(input)} 条违规消息（{quote(input.Rule.Name)}）";

    /// <summary>What every alert's title starts with.</summary>
    private const string TitleWord = "群管告警";

    /// <summary>
    /// How long after it was due (its window's end, <see cref="DigestRecord.PeriodTo"/>) an alert
    /// goes out before it says it is late: its channel failed and a retry delivered it, or the
    /// service was down when it was due.
    /// </summary>
    public static readonly TimeSpan LateAfter = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The alert as it goes out at <paramref name="sending"/>: when that is more than
    /// <see cref="LateAfter"/> after <paramref name="due"/>, its title (and so its heading in every
    /// rendering) says it is late and when it was due, <c>群管告警（延迟送达：应于 18:01 发出）：…</c>
    /// (with the date when it was due on another day), so that nobody takes it for what is going on
    /// now; else the alert as it is. The incidents' own times are on their lines.
    /// </summary>
    public static DigestDocument Delayed(DigestDocument alert, DateTimeOffset due, DateTimeOffset sending, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(zone);
        if (sending - due <= LateAfter || !alert.Title.StartsWith(TitleWord, StringComparison.Ordinal))
        {
            return alert;
        }

        var (dueLocal, sendingLocal) = (DigestBuilder.Local(due, zone), DigestBuilder.Local(sending, zone));
        var when = dueLocal.Date == sendingLocal.Date ? $"{dueLocal:HH:mm}" : $"{dueLocal:M月d日 HH:mm}";
        var late = $"{TitleWord}（延迟送达：应于 {when} 发出）";

        // The title heads every rendering (Render): it is the same text at the start of each; in
        // HTML, of its first heading, after the body's opening tag (whatever its style: an alert
        // stored by an earlier version has none). What members wrote is encoded there, so the
        // first "<h3>" is the builder's.
        string Mark(string rendering, string before) =>
            rendering.StartsWith(before + TitleWord, StringComparison.Ordinal) ? before + late + rendering[(before.Length + TitleWord.Length)..] : rendering;
        string MarkHtml(string html) =>
            html.IndexOf("<h3>", StringComparison.Ordinal) is var at and >= 0 ? html[..at] + Mark(html[at..], "<h3>") : html;
        return alert with
        {
            Title = Mark(alert.Title, ""),
            Markdown = Mark(alert.Markdown, "### "),
            Text = Mark(alert.Text, ""),
            Html = MarkHtml(alert.Html),
        };
    }

    /// <summary>The messages at or above the rule's severity among those given, each with all its hits.</summary>
    private static List<Offence> Offences(AlertInput input) =>
        [.. Offence.Of(input.Incidents).Where(o => o.Severity >= input.Rule.Threshold)];

    /// <summary>The messages the alert lists, in the order it lists them.</summary>
    private static List<Offence> Listed(List<Offence> offences) => [.. offences.OrderBy(o => o.Top, ShownFirst).Take(MaxShown)];

    private static int Messages(AlertInput input) => input.Messages > 0 ? input.Messages : Offences(input).Count;

    private static List<DigestBuilder.Line> Lines(AlertInput input, Func<string, string> quote)
    {
        var zone = input.TimeZone;
        var threshold = input.Rule.Threshold;
        var window = input.Rule.CoalesceSeconds > 0 ? $" {input.Rule.CoalesceSeconds.ToString(CultureInfo.InvariantCulture)} 秒内" : "";
        var offences = Offences(input);
        var messages = Messages(input);
        var groups = offences.Select(o => o.Top.GroupId).Distinct(StringComparer.Ordinal).Count();
        var names = input.GroupNames ?? NewestGroupNames.Of(input.Incidents);
        var lines = new List<DigestBuilder.Line>
        {
            (DigestBuilder.LineKind.Plain,
                $"{DigestBuilder.Local(input.First, zone):M月d日 HH:mm:ss} 起{window}发现 {messages} 条严重程度为「{DigestBuilder.SeverityName(threshold)}」及以上的违规消息"
                + (input.Total > messages ? $"（{input.Total.ToString(CultureInfo.InvariantCulture)} 次命中）" : "")
                + (groups > 1 && messages == offences.Count ? $"，涉及 {groups} 个群" : "") + "："),
        };

        // Each message once, with every hit of it masked together (a copy per hit, each masking
        // another, would show the whole message between them); the rules and categories named are
        // the ones at or above the rule's severity.
        var shown = Listed(offences);
        foreach (var offence in shown)
        {
            var top = offence.Top;
            var named = offence.Hits.Where(i => i.Severity >= threshold).ToList();
            var categories = string.Join("、", named.Select(i => i.Category).Distinct(StringComparer.Ordinal).Select(c => DigestBuilder.CategoryName(c, quote)));
            var rules = DigestBuilder.RuleNames(named, input.RuleNames, quote);
            lines.Add(new DigestBuilder.Line(DigestBuilder.LineKind.Item,
                $"[{DigestBuilder.SeverityName(offence.Severity)}] {DigestBuilder.Local(top.Time, zone):MM-dd HH:mm:ss} "
                + $"{DigestBuilder.GroupName(names.Name(top.Platform, top.GroupId), top.GroupId, quote)} "
                + $"{quote(top.SenderName ?? top.UserId)}{DigestBuilder.Forwarded(top, quote)}：「{offence.Excerpt(quote)}」"
                + $"（{categories}，{rules}，{DigestBuilder.ActionNameAndReason(offence.Acted)}{DigestBuilder.Cleared(offence.Clearing)}）",
                ConsoleLinks.Incident(input.ConsoleUrl, top.Id)));
        }

        // 待处置 is the platform's answer still to come, not something left to the reader: they are
        // told what became of it in the follow-up (FollowUp), which it promises.
        var pending = shown.Count(o => DigestBuilder.SettledStatus(o.Acted) == ActionStatus.Pending);
        if (pending > 0)
        {
            lines.Add((DigestBuilder.LineKind.Plain, $"其中 {pending.ToString(CultureInfo.InvariantCulture)} 条待处置：平台尚未答复，结果将另发跟进。"));
        }

        var rest = messages - shown.Count;
        if (rest > 0)
        {
            lines.Add((DigestBuilder.LineKind.Plain, $"还有 {rest.ToString(CultureInfo.InvariantCulture)} 条，见控制台或下一期日报。"));
        }

        return lines;
    }
}
