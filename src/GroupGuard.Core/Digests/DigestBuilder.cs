using System.Globalization;
using System.Net;
using System.Text;

namespace GroupGuard.Core.Digests;

/// <summary>
/// Writes the digest a busy leader reads in a minute, in Chinese: the period, messages checked and
/// incidents by severity, category and group, what was done and what failed and why, repeat
/// offenders, the most serious incidents with masked excerpts, false positives, the change against
/// the previous period, and the bot's health. A quiet period still says how many messages were checked.
/// </summary>
public static partial class DigestBuilder
{
    private const int TopIncidents = 5;

    /// <summary>How many a digest lists of repeat offenders, false positives, and each kind of join request told one by one.</summary>
    private const int Listed = 10;

    /// <summary>How many rule errors the health part lists.</summary>
    private const int RuleErrorsListed = 5;

    /// <summary>An excerpt's length at most, in UTF-16 code units (one less when a surrogate pair would be cut), then "…".</summary>
    private const int ExcerptLength = 40;

    public static DigestDocument Build(DigestInput input)
    {
        var (markdown, text, html) = Render(quote => Title(input, quote), quote => Lines(input, quote));
        return new DigestDocument(input.Leader.Name, input.From, input.To, Title(input, DigestMarkup.OneLine), markdown, text, html,
            [.. input.Incidents.Select(i => i.Id).Order()])
        {
            // As its headline counts them (Lines): by message, those marked false positive left out.
            Messages = Offence.Of(input.Incidents.Where(i => !i.FalsePositive)).Count,
        };
    }

    /// <summary>
    /// A message as every channel reads it: Markdown for the robots, plain text and HTML. The title
    /// and lines are made once per rendering with <c>quote</c> applied to every piece GroupGuard did
    /// not write: defused for the robots' Markdown, kept on its line for plain text and HTML (which
    /// encodes it besides). A line's link (<see cref="Line.Link"/>) ends it: <c>[详情](…)</c> in
    /// Markdown, an <c>&lt;a&gt;</c> in HTML, the bare address in plain text.
    /// </summary>
    internal static (string Markdown, string Text, string Html) Render(
        Func<Func<string, string>, string> title,
        Func<Func<string, string>, List<Line>> lines)
    {
        var plainTitle = title(DigestMarkup.OneLine);
        var markdown = new StringBuilder($"### {title(DigestMarkup.Escape)}\n");
        var text = new StringBuilder(plainTitle + "\n");
        var html = new StringBuilder($"{HtmlStart}<h3>{WebUtility.HtmlEncode(plainTitle)}</h3>\n");

        var previous = LineKind.Plain;
        foreach (var (kind, content, link) in lines(DigestMarkup.Escape))
        {
            var linked = link is null ? content : $"{content} [{ConsoleLinks.Word}]({link})";
            switch (kind)
            {
                case LineKind.Heading:
                    markdown.Append("\n**").Append(content).Append("**\n");
                    break;
                case LineKind.Item:
                    markdown.Append("- ").Append(linked).Append('\n');
                    break;
                default:
                    // A line of its own after a list: right below an item, Markdown would read it as
                    // more of that item (an alert's 还有 3 条 after the last message's 详情).
                    markdown.Append(previous == LineKind.Item ? "\n" : "").Append(linked).Append('\n');
                    break;
            }

            previous = kind;
        }

        foreach (var (kind, content, link) in lines(DigestMarkup.OneLine))
        {
            var linkedText = link is null ? content : $"{content} {link}";
            var linkedHtml = link is null
                ? WebUtility.HtmlEncode(content)
                : $"{WebUtility.HtmlEncode(content)} <a href=\"{WebUtility.HtmlEncode(link)}\">{ConsoleLinks.Word}</a>";
            switch (kind)
            {
                case LineKind.Heading:
                    text.Append('\n').Append('【').Append(content).Append("】\n");
                    html.Append("<h4>").Append(WebUtility.HtmlEncode(content)).Append("</h4>\n");
                    break;
                case LineKind.Item:
                    text.Append("· ").Append(linkedText).Append('\n');
                    html.Append("<p>• ").Append(linkedHtml).Append("</p>\n");
                    break;
                default:
                    text.Append(linkedText).Append('\n');
                    html.Append("<p>").Append(linkedHtml).Append("</p>\n");
                    break;
            }
        }

        html.Append("</body></html>\n");
        return (markdown.ToString(), text.ToString(), html.ToString());
    }

    /// <summary>
    /// What an HTML rendering starts with: a run a phone's screen cannot hold (a masked advert's
    /// asterisks, a long address a member wrote) wraps rather than widening the whole mail.
    /// </summary>
    internal const string HtmlStart = "<html><body style=\"word-wrap:break-word;overflow-wrap:break-word\">";

    internal enum LineKind
    {
        Plain,
        Heading,
        Item,
    }

    /// <summary>
    /// One line of a digest or an alert: its kind, its words, and the console's page of the incident
    /// it tells of (<see cref="ConsoleLinks.Incident"/>) when the console's public address is set.
    /// </summary>
    internal readonly record struct Line(LineKind Kind, string Content, string? Link = null)
    {
        public static implicit operator Line((LineKind Kind, string Content) line) => new(line.Kind, line.Content);
    }

    private static string Title(DigestInput input, Func<string, string> quote) =>
        $"{TitleWord(input.Cadence)} {Period(Local(input.From, input.TimeZone), Local(input.To, input.TimeZone))}（{quote(input.Leader.Name)}）";

    /// <summary>A period as a title writes it: the end's date only when it is another day (12月7日 21:45 – 21:54).</summary>
    private static string Period(DateTimeOffset from, DateTimeOffset to) =>
        from.Date == to.Date
            ? string.Create(CultureInfo.InvariantCulture, $"{from:M月d日 HH:mm} – {to:HH:mm}")
            : string.Create(CultureInfo.InvariantCulture, $"{from:M月d日 HH:mm} – {to:M月d日 HH:mm}");

    /// <summary>The title's name of a digest: by its period, as the leader's schedule gives it.</summary>
    internal static string TitleWord(DigestCadence cadence) => cadence switch
    {
        DigestCadence.Daily => "群管日报",
        DigestCadence.Weekly => "群管周报",
        DigestCadence.Monthly => "群管月报",
        _ => "群管报告",
    };

    /// <summary>
    /// What a period from <paramref name="from"/> to <paramref name="to"/> is in <paramref name="zone"/>:
    /// a day, a week or a month from one time of day to the same time (an hour more or less across a
    /// change of summer time), or none of them.
    /// </summary>
    public static DigestCadence CadenceOf(DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var (start, end) = (Local(from, zone).DateTime, Local(to, zone).DateTime);
        if (start.TimeOfDay != end.TimeOfDay || end <= start)
        {
            return DigestCadence.None;
        }

        return (end - start).Days switch
        {
            1 => DigestCadence.Daily,
            7 => DigestCadence.Weekly,
            _ when start.AddMonths(1) == end && start.Day == end.Day => DigestCadence.Monthly,
            _ => DigestCadence.None,
        };
    }

    /// <summary>The digest's lines; <paramref name="quote"/> is applied to every piece GroupGuard did not write.</summary>
    private static List<Line> Lines(DigestInput input, Func<string, string> quote)
    {
        var lines = new List<Line>();
        var incidents = input.Incidents;
        // Each as it has settled (SettledStatus): a mute carried out whose warning still waits is
        // 已禁言 on its line and 已处置 in the 处置 counts alike, never 待处置 in one and not the other.
        var real = incidents.Where(i => !i.FalsePositive).Select(Settled).ToList();

        var checkedLine = Checked(input, real.Count > 0);
        var groupNames = NewestGroupNames.Of(incidents);
        // Counted by message: one message with several hits (a loan advert with a phone number) is
        // one offence, told once, with every hit masked together.
        var offences = Offence.Of(real);
        if (offences.Count == 0)
        {
            lines.Add((LineKind.Plain, $"本期无违规，{checkedLine}。{Change(0, input.PreviousIncidents)}"));
        }
        else
        {
            lines.Add((LineKind.Plain, $"{checkedLine}，发现 {Offence.Count(offences.Count, real.Count)}。{Change(offences.Count, input.PreviousIncidents)}"));

            lines.Add((LineKind.Heading, "概况"));
            lines.Add((LineKind.Item, "按严重程度：" + Counts(offences.GroupBy(o => o.Severity).OrderByDescending(g => g.Key).Select(g => (SeverityName(g.Key), g.Count())))));
            // A message counts once in each category it hit.
            lines.Add((LineKind.Item, "按类别：" + Counts(offences.SelectMany(o => o.Hits.Select(h => h.Category).Distinct(StringComparer.Ordinal)).GroupBy(c => c, StringComparer.Ordinal).OrderByDescending(g => g.Count()).Select(g => (CategoryName(g.Key, quote), g.Count())))));
            // A group is its platform and id: two platforms' groups of one id are two lines, each
            // with its platform.
            foreach (var group in offences.GroupBy(o => (o.Top.Platform, o.Top.GroupId)).OrderByDescending(g => g.Count()))
            {
                var shared = offences.Any(o => o.Top.GroupId == group.Key.GroupId && o.Top.Platform != group.Key.Platform);
                lines.Add((LineKind.Item, $"{GroupName(groupNames.Name(group.Key.Platform, group.Key.GroupId), group.Key.GroupId, quote, shared ? group.Key.Platform : null)}：{group.Count()} 条"));
            }

            lines.Add((LineKind.Heading, "处置"));
            // A platform that can do nothing at all (WeCom's chat archive) is said once, not on every incident.
            var recordOnly = RecordOnlyPlatforms(real);
            lines.Add((LineKind.Item, Outcomes(offences, recordOnly)));
            foreach (var platform in recordOnly)
            {
                lines.Add((LineKind.Item, $"{PlatformName(platform, quote)}：平台只能记录，不能撤回、禁言或移出，{offences.Count(o => o.Top.Platform == platform && o.Hits.Any(i => OnlyRecorded(i, recordOnly)))} 条仅记录"));
            }

            // A message counts once for each reason its actions failed for.
            var anyFailed = false;
            foreach (var failed in offences
                .SelectMany(o => o.Hits.Where(i => i.ActionStatus is ActionStatus.Failed or ActionStatus.Unsupported && !recordOnly.Contains(i.Platform)).Select(Reason).Distinct(StringComparer.Ordinal))
                .GroupBy(r => r, StringComparer.Ordinal))
            {
                lines.Add((LineKind.Item, $"未能处置 {failed.Count()} 条：{failed.Key}"));
                anyFailed = true;
            }

            if (anyFailed)
            {
                lines.Add((LineKind.Item, "平台返回的原文见控制台的违规记录"));
            }

            // A kick's clear is counted on each incident of the message, and on each bot's copy of it
            // where two bots sit in the group: once a message here, as the message's line tells it
            // (Offence.Clearing). (The earlier pieces of a message sent in pieces, cleared too, are
            // told on its own line.)
            var clears = offences.Select(o => o.Clearing).Where(i => i.ClearedMessages + i.ClearFailed > 0 && Kicked(i)).ToList();
            if (clears.Count > 0)
            {
                var notCleared = clears.Sum(i => i.ClearFailed);
                lines.Add((LineKind.Item, $"移出群 {clears.Count} 人，并撤回其近期消息 {clears.Sum(i => i.ClearedMessages)} 条" + (notCleared > 0 ? $"（{notCleared} 条未能撤回）" : "")));
            }

            var forwarded = offences.Count(o => o.Hits.Any(i => i.ForwardDepth > 0));
            if (forwarded > 0)
            {
                lines.Add((LineKind.Item, $"其中 {forwarded} 条出自转发的聊天记录"));
            }

            var repeaters = real.GroupBy(i => (i.Platform, i.GroupId, i.UserId))
                .Select(g => (g.Key, Messages: g.Select(i => i.MessageId).Distinct().Count(), Name: g.Select(i => i.SenderName).FirstOrDefault(n => !string.IsNullOrEmpty(n))))
                .Where(x => x.Messages >= 2)
                .OrderByDescending(x => x.Messages)
                .ToList();
            if (repeaters.Count > 0)
            {
                lines.Add((LineKind.Heading, "屡次违规"));
                foreach (var (key, count, name) in repeaters.Take(Listed))
                {
                    // The group by the name 概况 gives it (its id is there), else by its id.
                    var groupName = groupNames.Name(key.Platform, key.GroupId);
                    lines.Add((LineKind.Item, $"{quote(name ?? key.UserId)}（{quote(key.UserId)}，{(groupName is null ? "群 " + quote(key.GroupId) : quote(groupName))}）：{count} 条"));
                }

                NotListed(lines, repeaters.Count - Listed, "人", "见控制台");
            }

            // Named as an alert names it: the categories in a leader's words, then the rules.
            lines.Add((LineKind.Heading, "最严重的违规"));
            // A leader of several groups is told which group each was in, as an alert tells it.
            var severalGroups = offences.Select(o => (o.Top.Platform, o.Top.GroupId)).Distinct().Skip(1).Any();
            foreach (var offence in offences.OrderByDescending(o => o.Severity).ThenBy(o => o.Hits.Min(i => i.DetectedAt)).Take(TopIncidents))
            {
                var top = offence.Top;
                var acted = offence.Acted;
                var group = severalGroups ? GroupName(groupNames.Name(top.Platform, top.GroupId), top.GroupId, quote) + " " : "";
                // The excerpt masks an advert's contacts and every other hit whole (Excerpt): the
                // console's page of the message's most severe incident shows it whole, to those allowed.
                lines.Add(new Line(LineKind.Item, $"[{SeverityName(offence.Severity)}] {Local(top.Time, input.TimeZone):MM-dd HH:mm} {group}{quote(top.SenderName ?? top.UserId)}{Forwarded(top, quote)}：「{offence.Excerpt(quote)}」（{offence.Categories(quote)}，{offence.Rules(input.RuleNames, quote)}，{(OnlyRecorded(acted, recordOnly) ? "仅记录" : ActionName(acted))}{Cleared(offence.Clearing)}）",
                    ConsoleLinks.Incident(input.ConsoleUrl, top.Id)));
            }

            NotListed(lines, offences.Count - TopIncidents, "条", "见控制台");
        }

        JoinLines(input, quote, lines);

        var falsePositives = incidents.Where(i => i.FalsePositive).ToList();
        if (falsePositives.Count > 0)
        {
            lines.Add((LineKind.Heading, "管理员标记的误报"));
            foreach (var fp in falsePositives.Take(Listed))
            {
                lines.Add((LineKind.Item, $"{RuleName(fp.Rule, input.RuleNames, quote)}「{Term(fp.MatchedTerm, fp.Category, quote)}」{(string.IsNullOrEmpty(fp.ReviewNote) ? "" : "：" + quote(fp.ReviewNote))}"));
            }

            NotListed(lines, falsePositives.Count - Listed, "条", "见控制台");
        }

        lines.Add((LineKind.Heading, "机器人状态"));
        if (input.Health.Unknown)
        {
            lines.Add((LineKind.Item, "由命令行生成，不含运行状态"));
        }
        else if (input.Health.Adapters.Count == 0)
        {
            // What this process heard, not what was ever heard: right after a restart the digest may
            // well list incidents of the bots' events before it.
            lines.Add((LineKind.Item, input.Health.ListeningSince is { } since
                ? $"本服务 {Local(since, input.TimeZone):MM-dd HH:mm} 启动后尚未收到任何机器人事件"
                : "本服务启动后尚未收到任何机器人事件"));
        }

        foreach (var (adapter, last) in input.Health.Adapters)
        {
            lines.Add((LineKind.Item, $"{quote(adapter)} 最后事件：{Local(last, input.TimeZone):MM-dd HH:mm}"));
        }

        if (input.Health.RejectedWebhooks > 0)
        {
            lines.Add((LineKind.Item, $"拒收的推送：{input.Health.RejectedWebhooks} 次（签名或格式不对）"));
        }

        foreach (var error in input.Health.RuleErrors.Take(RuleErrorsListed))
        {
            lines.Add((LineKind.Item, "规则加载错误：" + quote(error)));
        }

        NotListed(lines, input.Health.RuleErrors.Count - RuleErrorsListed, "条规则加载错误", "见服务日志");

        foreach (var channel in input.Health.FailedChannels)
        {
            lines.Add((LineKind.Item, "上次发送失败的渠道：" + quote(channel)));
        }

        return lines;
    }

    /// <summary>
    /// The join requests decided: counts by outcome, then each one turned away (who, why, whether
    /// the platform took the answer), each auto-approval the platform did not carry out or has not
    /// yet answered, and each left to the admins with a hit or because it could not be screened in
    /// full, at most ten of each. An answer the platform did not carry out, or has not answered yet,
    /// is counted apart from those it did (拒绝未能执行, 自动通过待平台执行): the request is where it
    /// was. A decision made in dry run called nothing: it is counted apart (演练：本应拒绝 …), as an
    /// incident in dry run is named.
    /// </summary>
    private static void JoinLines(DigestInput input, Func<string, string> quote, List<Line> lines)
    {
        var joins = input.JoinDecisions;
        if (joins.Count == 0)
        {
            return;
        }

        static bool NotCarriedOut(Members.JoinDecision j) => j.ActionStatus is ActionStatus.Failed or ActionStatus.Unsupported;
        static bool DryRun(Members.JoinDecision j) => j.ActionStatus == ActionStatus.DryRun;
        // Stored before the platform is called: still waiting on its answer when the digest was made.
        static bool Pending(Members.JoinDecision j) => j.ActionStatus == ActionStatus.Pending;
        static bool Carried(Members.JoinDecision j) => !NotCarriedOut(j) && !DryRun(j) && !Pending(j);
        static bool Blocked(Members.JoinDecision j) => j.Reason == Members.JoinReason.Blocked;
        var rejected = joins.Where(j => j.Outcome == Members.JoinOutcome.Rejected).ToList();
        var approvals = joins.Where(j => j.Outcome == Members.JoinOutcome.Approved).ToList();
        var left = joins.Where(j => j.Outcome == Members.JoinOutcome.Left).ToList();
        static string Apart(string what, int count) => count > 0 ? $"{what} {count} 个，" : "";

        // A request names no group on some platforms (OneBot v11's carries only the id): the group is
        // named as the digest's incidents, or another request, name it (the newest name of the
        // period, as 概况 names a group), not by its id in one place and by its name in another.
        var groupNames = NewestGroupNames.Of(input.Incidents);
        foreach (var join in joins)
        {
            groupNames.Add(join.Platform, join.GroupId, join.GroupName, join.Time, join.Id);
        }

        string Group(Members.JoinDecision j) =>
            GroupName(j.GroupName is { Length: > 0 } ? j.GroupName : groupNames.Name(j.Platform, j.GroupId), j.GroupId, quote);
        lines.Add((LineKind.Heading, "入群申请"));
        lines.Add((LineKind.Item,
            $"拒绝 {rejected.Count(Carried)} 个（其中黑名单 {rejected.Count(j => Carried(j) && Blocked(j))} 个），" +
            Apart("拒绝待平台执行", rejected.Count(Pending)) +
            Apart("拒绝未能执行", rejected.Count(NotCarriedOut)) +
            $"自动通过 {approvals.Count(Carried)} 个，" +
            Apart("自动通过待平台执行", approvals.Count(Pending)) +
            Apart("自动通过未能执行", approvals.Count(NotCarriedOut)) +
            $"留给管理员 {left.Count} 个"));
        var rejectedDryRun = rejected.Where(DryRun).ToList();
        var approvalsDryRun = approvals.Count(DryRun);
        if (rejectedDryRun.Count + approvalsDryRun > 0)
        {
            var blockedDryRun = rejectedDryRun.Count(Blocked);
            lines.Add((LineKind.Item,
                $"演练：本应拒绝 {rejectedDryRun.Count} 个{(blockedDryRun > 0 ? $"（其中黑名单 {blockedDryRun} 个）" : "")}，本应自动通过 {approvalsDryRun} 个"));
        }

        // Only a rejection the platform carried out turned the applicant away: one in dry run would
        // have, and one not carried out (yet) leaves the request where it was, before the admins.
        foreach (var join in rejected.Take(Listed))
        {
            var why = Blocked(join)
                ? "黑名单" + (string.IsNullOrEmpty(join.BlockNote) ? "" : "：" + BlockNote(join.BlockNote, quote))
                : $"{RuleName(join.Rule ?? "", input.RuleNames, quote)}「{Term(join.MatchedTerm, join.Category, quote)}」";
            var done = DryRun(join) ? "本应拒绝" : Carried(join) ? "已拒绝" : "拒绝";
            lines.Add((LineKind.Item, $"{Local(join.Time, input.TimeZone):MM-dd HH:mm} {Applicant(join, quote)} 申请加入 {Group(join)}：{done}（{why}，{JoinAnswerName(join)}）" +
                (NotCarriedOut(join) ? "，待管理员处理" : "")));
        }

        NotListed(lines, rejected.Count - Listed, "个拒绝的申请", null);

        // The platform has not let them in (yet): the request waits for the platform or for the admins.
        var approvalsNotIn = approvals.Where(Pending).Take(Listed).Concat(approvals.Where(NotCarriedOut).Take(Listed)).ToList();
        foreach (var join in approvalsNotIn)
        {
            lines.Add((LineKind.Item, $"{Local(join.Time, input.TimeZone):MM-dd HH:mm} {Applicant(join, quote)} 申请加入 {Group(join)}：自动通过（{JoinAnswerName(join)}）" +
                (NotCarriedOut(join) ? "，待管理员处理" : "")));
        }

        NotListed(lines, approvals.Count(Pending) + approvals.Count(NotCarriedOut) - approvalsNotIn.Count, "个自动通过但尚未入群的申请", null);

        if (rejected.Take(Listed).Concat(approvalsNotIn).Any(NotCarriedOut))
        {
            // As for incidents: the platform's words (often long and in English) are the operator's.
            lines.Add((LineKind.Item, "平台返回的原文见服务日志"));
        }

        foreach (var join in left.Take(Listed))
        {
            var why = join.Reason == Members.JoinReason.Unscreened
                ? "未能完成自动审核" + Unscreened(join.ActionError)
                : $"命中 {RuleName(join.Rule ?? "", input.RuleNames, quote)}「{Term(join.MatchedTerm, join.Category, quote)}」";
            lines.Add((LineKind.Item, $"{Local(join.Time, input.TimeZone):MM-dd HH:mm} {Applicant(join, quote)} 申请加入 {Group(join)}：待管理员处理，{why}"));
        }

        NotListed(lines, left.Count - Listed, "个留给管理员的申请", null);
    }

    /// <summary>
    /// A rule as a leader reads it: by the name <paramref name="names"/> gives its id (the rule's
    /// <c>name:</c> in the rules in force, <c>贷款诈骗</c>), else by its id (<c>fraud.loan</c>: a rule
    /// without a name, or removed since the incident).
    /// </summary>
    internal static string RuleName(string id, Func<string, string?>? names, Func<string, string> quote) =>
        quote(names?.Invoke(id) is { Length: > 0 } name ? name : id);

    /// <summary>The rules of <paramref name="hits"/>, each once in their order, by the names a leader reads (<see cref="RuleName"/>), joined with 、.</summary>
    internal static string RuleNames(IEnumerable<Incident> hits, Func<string, string?>? names, Func<string, string> quote) =>
        string.Join("、", hits.Select(i => i.Rule).Distinct(StringComparer.Ordinal).Select(id => RuleName(id, names, quote)).Distinct(StringComparer.Ordinal));

    /// <summary>
    /// What could not be done in screening a request, in a few words a leader reads; what else a
    /// request left unscreened records (in English) stays in the console and the log.
    /// </summary>
    private static string Unscreened(string? error) => error switch
    {
        Members.JoinDecision.DetectionFailed => "（验证信息或昵称检测出错）",
        Members.JoinDecision.BlockListUnread => "（黑名单读取失败）",
        _ => "",
    };

    /// <summary>
    /// Why an applicant is on the block list, in a leader's words: the notes GroupGuard writes itself
    /// (in English, for the log and the operator: <c>kicked from group 123456 (incident 9)</c>, <c>kick
    /// decided in group …</c>, <c>blocked by …</c>) in Chinese (<c>曾被移出群 123456（事件 #9）</c>), as an
    /// alert's follow-up names an incident; what an operator wrote as it is.
    /// </summary>
    private static string BlockNote(string note, Func<string, string> quote)
    {
        var own = OwnBlockNote().Match(note);
        if (!own.Success)
        {
            return quote(note);
        }

        var incident = own.Groups["incident"].Success ? $"（事件 #{own.Groups["incident"].Value}）" : "";
        return own.Groups["what"].Value switch
        {
            "kicked from group" => $"曾被移出群 {quote(own.Groups["who"].Value)}{incident}",
            "kick decided in group" => $"曾在群 {quote(own.Groups["who"].Value)} 触发移出{incident}",
            _ => $"由 {quote(own.Groups["who"].Value)} 加入",
        };
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?<what>kicked from group|kick decided in group|blocked by) (?<who>\S+?)(?: \(incident (?<incident>\d+)\))?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex OwnBlockNote();

    private static string Applicant(Members.JoinDecision join, Func<string, string> quote) =>
        join.Nickname is { Length: > 0 } name ? $"{quote(name)}（{quote(join.UserId)}）" : quote(join.UserId);

    /// <summary>
    /// A group as the digest names it: its name and id, or the id alone; with its <paramref name="platform"/>
    /// after the id where another group told beside it has the same id on another platform
    /// (<c>二年级家长群（123456，qq）</c>, <c>群 123456（wecom）</c>).
    /// </summary>
    internal static string GroupName(string? name, string id, Func<string, string> quote, string? platform = null) =>
        name is { Length: > 0 }
            ? $"{quote(name)}（{quote(id)}{(platform is null ? "" : "，" + quote(platform))}）"
            : "群 " + quote(id) + (platform is null ? "" : $"（{quote(platform)}）");

    /// <summary>
    /// A platform as a leader names it (<c>企业微信</c>, <c>QQ</c>), not by GroupGuard's word for it
    /// (<c>wecom</c>, <c>qq</c>), where the digest tells a platform's own limits; one GroupGuard does
    /// not know (a OneBot v12 implementation's own) as it is.
    /// </summary>
    internal static string PlatformName(string platform, Func<string, string> quote) => platform switch
    {
        "qq" => "QQ",
        "qq-official" => "QQ 官方机器人",
        "wecom" => "企业微信",
        "wechat" => "微信",
        _ => quote(platform),
    };

    /// <summary>What became of a join request's answer; one not carried out is told by the kind of failure, as an incident's (<see cref="Reason(ActionErrorKind?, ActionStatus)"/>).</summary>
    private static string JoinAnswerName(Members.JoinDecision join) => join.ActionStatus switch
    {
        ActionStatus.Done => "平台已执行",
        ActionStatus.DryRun => "演练，未执行",
        ActionStatus.Failed or ActionStatus.Unsupported => "未能执行：" + Reason(join.ActionErrorKind, join.ActionStatus),
        _ => "待平台执行",
    };

    /// <summary>
    /// The whole hours (UTC) whose messages a digest of <paramref name="from"/> to <paramref name="to"/>
    /// counts: those that end within the period. Messages are counted per hour, not one by one; the
    /// hour a period ends in is not over when its digest is made (its later messages are still to
    /// come), so it is counted whole by the next digest, the one whose period it ends in. Consecutive
    /// periods thus count every hour once, and each hour when it is complete; a period within one
    /// hour counts none.
    /// </summary>
    public static (DateTimeOffset From, DateTimeOffset To) CountedHours(DateTimeOffset from, DateTimeOffset to) => (HourStart(from), HourStart(to));

    private static DateTimeOffset HourStart(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

    /// <summary>
    /// How many messages were checked, and over which hours when they are not the period's own
    /// (its start or end is not on the hour): the count is by whole hours (<see cref="CountedHours"/>).
    /// </summary>
    /// <summary>
    /// How many messages were checked, by the whole hours within the period (<see cref="CountedHours"/>),
    /// saying which where the period is not on the hour. Where those hours counted none while the
    /// period found offences (<paramref name="offended"/>: a service started within the last hour,
    /// a <c>digest send</c> to try it), the offences are all in the hour not counted yet: it says when
    /// the next count begins, never 共检查 0 条消息 beside 发现 4 条违规消息.
    /// </summary>
    private static string Checked(DigestInput input, bool offended)
    {
        var messages = input.MessagesSeen.ToString("N0", CultureInfo.InvariantCulture);
        var (from, to) = CountedHours(input.From, input.To);
        if (from == input.From && to == input.To)
        {
            return $"共检查 {messages} 条消息";
        }

        var (localFrom, localTo) = (Local(from, input.TimeZone), Local(to, input.TimeZone));
        if (from == to || (input.MessagesSeen == 0 && offended))
        {
            return $"消息数按整点小时统计，{localTo:HH:mm} 起的计入下期";
        }

        var end = localFrom.Date == localTo.Date ? $"{localTo:HH:mm}" : $"{localTo:M月d日 HH:mm}";
        return $"共检查 {messages} 条消息（按整点小时统计：{localFrom:M月d日 HH:mm} – {end}，此后的计入下期）";
    }

    /// <summary>
    /// Under a list cut short, how many it left out and where to read them (<c>另有 3 人未列出，见控制台</c>),
    /// so that a leader does not take the list for all there is; nothing when none was left out.
    /// </summary>
    private static void NotListed(List<Line> lines, int rest, string what, string? where)
    {
        if (rest > 0)
        {
            lines.Add((LineKind.Item, $"另有 {rest.ToString(CultureInfo.InvariantCulture)} {what}未列出" + (where is null ? "" : "，" + where)));
        }
    }

    private static string Change(int now, int? before) => before switch
    {
        null => "",
        var b when b == now => "与上期持平。",
        var b when now > b => $"比上期多 {now - b} 条。",
        var b => $"比上期少 {b - now} 条。",
    };

    private static string Counts(IEnumerable<(string Name, int Count)> counts) =>
        string.Join("，", counts.Select(c => $"{c.Name} {c.Count}"));

    /// <summary>
    /// The line of what was done, a message at a time: 已处置 counts only messages whose recall, mute,
    /// kick or warning the platform carried out. A <c>log</c> rule's incident is
    /// <see cref="ActionStatus.Done"/> once it is recorded, yet nothing was done to the message or the
    /// member: it is 仅记录, with the incidents whose message another incident acted on
    /// (<see cref="ActionStatus.Skipped"/>) and those of a platform that can only record. A message
    /// of several hits takes the first of: handled, failed (told on the lines after; in no count
    /// here), pending (待处置: an action still waiting on the platform when the digest is made, as the
    /// console's overview names it; one whose recall, mute or kick were carried out and whose warning
    /// alone waits is counted by those, as <see cref="SettledStatus"/> reads it: the incidents are
    /// given settled), dry run, exempt, recorded. Exempt is 管理员豁免, and apart from it 群内信任 and
    /// 全局免处置 (<see cref="ExemptName"/>). 已处置 is always said, every other count only when it is
    /// not 0. A message whose own action is pending is not 演练 for a shadow rule's hit on it.
    /// </summary>
    private static string Outcomes(List<Offence> offences, HashSet<string> recordOnly)
    {
        int handled = 0, pending = 0, recorded = 0, dryRun = 0, exempt = 0, trusted = 0, everywhere = 0;
        foreach (var hits in offences.Select(o => o.Hits))
        {
            if (hits.Any(i => i.ActionStatus == ActionStatus.Done && i.DecidedAction != ModerationAction.Log))
            {
                handled++;
            }
            else if (hits.Any(i => i.ActionStatus is ActionStatus.Failed or ActionStatus.Unsupported && !OnlyRecorded(i, recordOnly)))
            {
                // told on the 未能处置 lines
            }
            else if (hits.Any(i => i.ActionStatus == ActionStatus.Pending))
            {
                pending++;
            }
            else if (hits.Any(i => i.ActionStatus == ActionStatus.DryRun))
            {
                dryRun++;
            }
            else if (hits.FirstOrDefault(i => i.ActionStatus == ActionStatus.Exempt) is { } spared)
            {
                switch (spared.ExemptBy)
                {
                    case ExemptReason.Group:
                        trusted++;
                        break;
                    case ExemptReason.Service:
                        everywhere++;
                        break;
                    default:
                        exempt++;
                        break;
                }
            }
            else if (hits.Any(i => (i.ActionStatus == ActionStatus.Done && i.DecidedAction == ModerationAction.Log)
                || i.ActionStatus == ActionStatus.Skipped
                || OnlyRecorded(i, recordOnly)))
            {
                recorded++;
            }
        }

        // 已处置 always, the others only when there are some: a leader reads 已处置 3 条；仅记录 2 条, not
        // three more counts of nothing after it.
        var counts = new List<string> { $"已处置 {handled} 条" };
        foreach (var (name, count) in new[] { ("待处置", pending), ("仅记录", recorded), ("演练", dryRun), ("管理员豁免", exempt), (TrustedName, trusted), (ExemptEverywhereName, everywhere) })
        {
            if (count > 0)
            {
                counts.Add($"{name} {count} 条");
            }
        }

        return string.Join("；", counts);
    }

    /// <summary>
    /// Platforms on which no incident could be acted on because the platform cannot (every one that
    /// was to act <c>unsupported</c> for that reason): WeCom's chat archive, whose API cannot recall,
    /// mute or remove. The incidents that were not to act there (a rule that only logs, a dry run,
    /// an admin) say nothing of the platform and do not count either way.
    /// </summary>
    internal static HashSet<string> RecordOnlyPlatforms(IReadOnlyList<Incident> incidents) =>
        [.. incidents.GroupBy(i => i.Platform)
            .Where(g => g.Where(ToAct).ToList() is { Count: > 0 } acting
                && acting.All(i => i.ActionStatus == ActionStatus.Unsupported && (i.ActionErrorKind ?? ActionErrorKind.PlatformCannot) == ActionErrorKind.PlatformCannot))
            .Select(g => g.Key)];

    /// <summary>An incident that was to act on the message or member: its rule acts, and it was not a dry run, an admin's or skipped.</summary>
    private static bool ToAct(Incident incident) =>
        incident.DecidedAction != ModerationAction.Log && incident.ActionStatus is not (ActionStatus.DryRun or ActionStatus.Exempt or ActionStatus.Skipped);

    /// <summary>An incident that was to act on a platform that can only record.</summary>
    private static bool OnlyRecorded(Incident incident, HashSet<string> recordOnly) =>
        ToAct(incident) && recordOnly.Contains(incident.Platform);

    /// <summary>
    /// Why an action was not carried out, by its kind alone, in a few words a leader reads: the
    /// platform's own words (often long and in English, sometimes naming a recipient) stay in the
    /// console and the export, where an administrator acts on them.
    /// </summary>
    private static string Reason(Incident incident) => Reason(incident.ActionErrorKind, incident.ActionStatus);

    /// <summary>
    /// The words of <c>未能处置 3 条：…</c> for a failure of <paramref name="kind"/> (none known: by
    /// <paramref name="status"/>, <c>unsupported</c> being 平台不支持该操作): an incident's, a join
    /// request's answer's, and the console's before the platform's own.
    /// </summary>
    public static string Reason(ActionErrorKind? kind, ActionStatus status) =>
        (kind ?? (status == ActionStatus.Unsupported ? ActionErrorKind.PlatformCannot : null)) switch
        {
            ActionErrorKind.NotConfigured => "未配置机器人接口",
            ActionErrorKind.NotPermitted => "机器人不是群管理员，或对方是管理员",
            ActionErrorKind.PlatformCannot => "平台不支持该操作",
            ActionErrorKind.Refused => "平台拒绝（如消息已被撤回）",
            ActionErrorKind.Unreachable => "机器人无响应",
            ActionErrorKind.Invalid => "处置设置有误",
            ActionErrorKind.QueueFull => "处置队列已满",
            ActionErrorKind.Interrupted => "服务重启，处置已过时效",
            _ => "其他原因",
        };

    /// <summary>
    /// Why a digest's or an alert's channel did not deliver, by the kind of failure, in a few words
    /// (none known, as for an outcome recorded before kinds were kept: 其他原因). The channel's own
    /// words (English, naming addresses and settings) are the operator's: the console, `digest list`.
    /// </summary>
    public static string ChannelReason(ChannelErrorKind? kind) => kind switch
    {
        ChannelErrorKind.NotConfigured => "渠道未配置好",
        ChannelErrorKind.Unreachable => "连不上对方服务器，或对方未及时应答",
        ChannelErrorKind.Refused => "对方拒收",
        ChannelErrorKind.Uncertain => "对方应答不完整或不对，可能已送达",
        ChannelErrorKind.WriteFailed => "文件写入失败",
        _ => "其他原因",
    };

    /// <summary>Who the quoted words are really from, when the sender forwarded them.</summary>
    internal static string Forwarded(Incident incident, Func<string, string> quote) => incident.ForwardDepth switch
    {
        0 => "",
        _ when incident.ForwardedFrom is { Length: > 0 } from => $" 转发（原发送人 {quote(from)}）",
        _ => " 转发",
    };

    internal static string Cleared(Incident incident) =>
        incident.ClearedMessages + incident.ClearFailed == 0 ? ""
            : (Kicked(incident) ? $"，并撤回其近期消息 {incident.ClearedMessages} 条" : $"，并撤回分条发送的前 {incident.ClearedMessages} 条")
                + (incident.ClearFailed > 0 ? $"（{incident.ClearFailed} 条未能撤回）" : "");

    /// <summary>Whether the member was to be removed (a clear then took their recent messages; else it took the earlier pieces of a message sent in pieces).</summary>
    public static bool Kicked(Incident incident) =>
        incident.DecidedAction == ModerationAction.Kick || incident.PlannedActions.Contains(ModerationAction.Kick);

    /// <summary>
    /// A matched term as digests show it: a privacy rule's (the number itself) masked whole, any
    /// other with its digits masked when it holds a number (<see cref="Moderation.EvidenceMasker.MaskTerm"/>).
    /// </summary>
    private static string Term(string? term, string? category, Func<string, string> quote) =>
        quote(Moderation.EvidenceMasker.MaskTerm(term ?? "", category));

    /// <summary>The category of the rules whose hit is someone's personal number (ID, bank card, mobile).</summary>
    private const string PrivacyCategory = Moderation.EvidenceMasker.PrivacyCategory;

    /// <summary>
    /// The text of <paramref name="hits"/> (one message's, each with its spans on that text) as a
    /// leader reads it: digests travel through third-party robots, so an advert's contacts, every
    /// other hit and long digit runs are masked (<see cref="Moderation.EvidenceMasker.MaskForReaders"/>).
    /// </summary>
    internal static string Excerpt(string messageText, IEnumerable<Incident> hits, Func<string, string> quote)
    {
        // Trimmed: the space a mention (@李四) or a reply left before the words is no part of them.
        var text = Moderation.EvidenceMasker.MaskForReaders(messageText, hits.SelectMany(i => i.Spans.Select(s => (s, (string?)i.Category)))).Trim();
        if (text.Length == 0)
        {
            return "（原文未保存）";
        }

        // Cut as stored text is cut, never inside a surrogate pair: a lone surrogate is no text, and
        // PostgreSQL's driver refuses to write it to the outbox. (Cut counts its ellipsis.)
        return quote(Moderation.StoredText.Cut(text, ExcerptLength + 1)!);
    }

    /// <summary>
    /// What was done about the message, in a few words. An incident still pending whose recall, mute
    /// or kick were carried out and whose warning alone is left to go out (<see cref="Incident.ActsOutcome"/>)
    /// says what came of those: the member was muted whether or not the warning has gone out yet.
    /// </summary>
    internal static string ActionName(Incident incident) => NameOfSettled(Settled(incident));

    private static string NameOfSettled(Incident incident) => incident.ActionStatus switch
    {
        ActionStatus.Done when Strongest(incident) == ModerationAction.Log => "已记录",
        ActionStatus.Done => "已" + StrongestName(incident, withLength: true),
        ActionStatus.Failed => FailedName(incident) + "失败",
        ActionStatus.DryRun => "演练：本应" + StrongestName(incident, withLength: true),
        ActionStatus.Exempt => ExemptName(incident.ExemptBy),
        ActionStatus.Unsupported when incident.ActionErrorKind == ActionErrorKind.NotConfigured => "未能" + StrongestName(incident, withLength: false) + "（未配置机器人接口）",
        ActionStatus.Unsupported => "平台不支持" + StrongestName(incident, withLength: false),
        _ => "待处置",
    };

    /// <summary>A member trusted in the group (<c>/gg 信任</c>, the console, the group's <c>ExemptUsers</c>), spared there only.</summary>
    public const string TrustedName = "群内信任";

    /// <summary>A member of <c>GroupGuard:Moderation:ExemptUsers</c>, spared in every group.</summary>
    public const string ExemptEverywhereName = "全局免处置";

    /// <summary>
    /// Why an exempt incident's sender was spared, as a leader reads it: 群内信任, 全局免处置, else
    /// 管理员豁免 (an owner or admin, the bot, or an incident recorded before the reason was kept).
    /// </summary>
    public static string ExemptName(ExemptReason? reason) => reason switch
    {
        ExemptReason.Group => TrustedName,
        ExemptReason.Service => ExemptEverywhereName,
        _ => "管理员豁免",
    };

    /// <summary>
    /// The strongest action the incident brought (<see cref="Moderation.ActionPlan.Brought"/>, as the
    /// console tells it): a flood's warning that a repeat offence made an hour's mute is told as the mute.
    /// </summary>
    internal static ModerationAction Strongest(Incident incident) => Moderation.ActionPlan.Brought(incident).Max();

    /// <summary>The strongest action's name, a mute's with its length where it is known (<c>禁言 1 小时</c>).</summary>
    private static string StrongestName(Incident incident, bool withLength) => Strongest(incident) switch
    {
        ModerationAction.Mute when withLength && incident.MuteSeconds > 0 => "禁言 " + Moderation.ModerationPolicy.MuteLength(incident.MuteSeconds),
        var action => DecidedName(action),
    };

    /// <summary>
    /// What the platform did not carry out, as a leader must do it by hand: the actions whose calls
    /// failed, where the incident's words say which (the action worker writes each failed call's
    /// words after its action, <c>recall: …; mute: …</c>), in the order they are carried out
    /// (<c>撤回</c>, or <c>撤回、禁言</c>): a recall that failed while the mute was done leaves the advert
    /// in the group, and reads 撤回失败, not 禁言失败. Where the words do not say (a full queue, a
    /// restart), the strongest action brought.
    /// </summary>
    private static string FailedName(Incident incident)
    {
        var error = incident.ActionError ?? "";
        bool Failed(ModerationAction action)
        {
            var word = action.ToString().ToLowerInvariant() + ": ";
            return error.StartsWith(word, StringComparison.Ordinal) || error.Contains("; " + word, StringComparison.Ordinal);
        }

        var failed = Moderation.ActionPlan.InOrder(Enum.GetValues<ModerationAction>().Where(Failed)).ToList();
        return failed.Count > 0 ? string.Join("、", failed.Select(DecidedName)) : StrongestName(incident, withLength: false);
    }

    /// <summary>
    /// <see cref="ActionName"/> with, for an action the platform did not carry out, why in the
    /// digest's words (<c>撤回失败：机器人不是群管理员，或对方是管理员</c>): an alert is read at once, by
    /// someone who may then recall by hand what the bot could not.
    /// </summary>
    internal static string ActionNameAndReason(Incident incident)
    {
        var settled = Settled(incident);
        return settled.ActionStatus == ActionStatus.Failed ? NameOfSettled(settled) + "：" + Reason(settled) : NameOfSettled(settled);
    }

    /// <summary>
    /// The incident's outcome as it will read once its warning has gone out: when its recall, mute
    /// or kick are carried out already (<see cref="Incident.ActsOutcome"/>), what came of those;
    /// else its status. Still <see cref="ActionStatus.Pending"/>: nothing is known yet.
    /// </summary>
    public static ActionStatus SettledStatus(Incident incident) =>
        incident.ActionStatus == ActionStatus.Pending && incident.ActsOutcome is { } acts and not ActionStatus.Pending ? acts : incident.ActionStatus;

    private static Incident Settled(Incident incident) =>
        SettledStatus(incident) is var status && status == incident.ActionStatus ? incident : incident with { ActionStatus = status };

    private static string DecidedName(ModerationAction action) => action switch
    {
        ModerationAction.Warn => "警告",
        ModerationAction.Recall => "撤回",
        ModerationAction.Mute => "禁言",
        ModerationAction.Kick => "移出群",
        _ => "记录",
    };

    internal static string SeverityName(Severity severity) => severity switch
    {
        Severity.Critical => "严重",
        Severity.High => "高",
        Severity.Medium => "中",
        _ => "低",
    };

    internal static string CategoryName(string category, Func<string, string> quote) => KnownCategoryName(category) ?? quote(category);

    /// <summary>
    /// The Chinese name digests, alerts and charts give a category the shipped packs use (<c>ads</c>,
    /// 广告引流), or GroupGuard's blocked pictures'; null for any other (a pack's own category).
    /// </summary>
    public static string? KnownCategoryName(string category) => category switch
    {
        "ads" => "广告引流",
        "fraud" => "诈骗",
        "gambling" => "赌博",
        "porn" => "色情",
        "abuse" => "辱骂仇恨",
        PrivacyCategory => "个人信息",
        "flood" => "刷屏",
        "contraband" => "违禁品",
        Images.BlockedPictures.Category => Images.BlockedPictures.Name,
        _ => null,
    };

    internal static DateTimeOffset Local(DateTimeOffset time, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(time, zone);
}
