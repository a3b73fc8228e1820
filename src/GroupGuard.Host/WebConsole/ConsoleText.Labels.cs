using System.Collections.Frozen;
using System.Globalization;
using GroupGuard.Core;
using GroupGuard.Core.Accounts;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Images;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;
using Microsoft.AspNetCore.Html;

namespace GroupGuard.Host.WebConsole;

/// <summary>
/// The names GroupGuard stores and the console's addresses take (severity <c>medium</c>, status
/// <c>dry_run</c>, action <c>recall</c>, role <c>member</c>, audit action <c>login</c>) as words: in
/// Chinese the digest's where it has them (已处置, 仅记录, 演练, 管理员豁免, 群内信任, 高/中/低, 撤回/禁言/警告/移出群),
/// or in English. The name itself stays a form's value, a link's query and the title of what shows it.
/// </summary>
internal sealed partial class ConsoleText
{
    private static readonly FrozenDictionary<string, (string En, string Zh)> SeverityWords = new Dictionary<string, (string, string)>
    {
        ["low"] = ("low", "低"),
        ["medium"] = ("medium", "中"),
        ["high"] = ("high", "高"),
        ["critical"] = ("critical", "严重"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The outcomes (<see cref="IncidentOutcome"/>) as the digest counts them.</summary>
    private static readonly FrozenDictionary<string, (string En, string Zh)> OutcomeWords = new Dictionary<string, (string, string)>
    {
        ["pending"] = ("pending", "待处置"),
        ["done"] = ("done", "已处置"),
        ["logged"] = ("logged only", "仅记录"),
        ["failed"] = ("failed", "未能处置"),
        ["skipped"] = ("skipped", "已跳过"),
        ["dry_run"] = ("dry run", "演练"),
        ["exempt"] = ("exempt (an admin, a trusted member)", "豁免（管理员、信任成员）"),
        ["unsupported"] = ("the platform cannot", "平台不支持"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, (string En, string Zh)> ActionWords = new Dictionary<string, (string, string)>
    {
        ["log"] = ("log", "记录"),
        ["warn"] = ("warn", "警告"),
        ["recall"] = ("recall", "撤回"),
        ["mute"] = ("mute", "禁言"),
        ["kick"] = ("kick", "移出群"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>A sender's role in the group, and a console account's.</summary>
    private static readonly FrozenDictionary<string, (string En, string Zh)> RoleWords = new Dictionary<string, (string, string)>
    {
        ["unknown"] = ("unknown", "未知"),
        ["member"] = ("member", "成员"),
        ["admin"] = ("admin", "管理员"),
        ["owner"] = ("owner", "群主"),
        ["leader"] = ("leader", "负责人"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>A digest's and each of its channels' sending.</summary>
    private static readonly FrozenDictionary<string, (string En, string Zh)> SendingWords = new Dictionary<string, (string, string)>
    {
        ["pending"] = ("pending", "待发送"),
        ["sent"] = ("sent", "已发送"),
        ["partial"] = ("partly sent", "部分发送"),
        ["failed"] = ("failed", "发送失败"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, (string En, string Zh)> ModeWords = new Dictionary<string, (string, string)>
    {
        ["enforce"] = ("enforce", "执行"),
        ["shadow"] = ("shadow: recorded, never acted on", "影子模式：只记录，不处置"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>What the audit log's actions are called: every one the console, the command line and the group commands write.</summary>
    private static readonly FrozenDictionary<string, (string En, string Zh)> AuditActionWords = new Dictionary<string, (string, string)>
    {
        ["login"] = ("signed in", "登录"),
        ["login_failed"] = ("sign-in failed", "登录失败"),
        ["login_failed_locked"] = ("sign-in failed, name locked", "登录失败，已锁定"),
        ["login_refused_locked"] = ("sign-in refused while locked", "锁定期间拒绝登录"),
        ["logout"] = ("signed out", "退出"),
        ["mark_false_positive"] = ("marked false positive", "标记为误判"),
        ["unmark_false_positive"] = ("took back the mark", "撤销误判标记"),
        ["unmute"] = ("lifted a mute", "解除禁言"),
        ["image_block"] = ("blocked a picture", "屏蔽图片"),
        ["image_unblock"] = ("unblocked a picture", "解除图片屏蔽"),
        ["dry_run"] = ("switched dry run", "设置试运行"),
        ["trust"] = ("trusted a member in a group", "信任成员"),
        ["untrust"] = ("stopped trusting a member", "取消信任成员"),
        ["sandbox"] = ("tried rules in the sandbox", "试验台试规则"),
        ["send_digest"] = ("sent a digest now", "立即发送日报"),
        ["user_add"] = ("added an account", "添加账号"),
        ["user_remove"] = ("removed an account", "删除账号"),
        ["user_block"] = ("blocked a user", "加入黑名单"),
        ["user_unblock"] = ("unblocked a user", "移出黑名单"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private string Pick(FrozenDictionary<string, (string En, string Zh)> table, string name) =>
        table.TryGetValue(name, out var words) ? (English ? words.En : words.Zh) : name;

    public string Severity(Severity severity) => Pick(SeverityWords, WireNames<Severity>.ToText(severity));

    /// <summary>A severity by its name (a filter's option); another name as it is.</summary>
    public string Severity(string name) => Pick(SeverityWords, name);

    /// <summary>An outcome by its name (<see cref="IncidentOutcome"/>, the overview's and the status filter's); another name as it is.</summary>
    public string Outcome(string name) => Pick(OutcomeWords, name);

    public string Outcome(IncidentOutcome outcome) => Outcome(WireNames<IncidentOutcome>.ToText(outcome));

    /// <summary>
    /// An incident's outcome as words, as the digest's line and counts read it: a mute carried out
    /// whose warning still waits is 已处置, not 待处置 (<see cref="IncidentOutcomes.Of(Incident)"/>).
    /// </summary>
    public string Outcome(Incident incident) =>
        IncidentOutcomes.Of(incident) == IncidentOutcome.Exempt ? Exempt(incident.ExemptBy) : Outcome(IncidentOutcomes.Of(incident));

    /// <summary>
    /// Why an exempt incident's sender was spared, in the digest's words: 群内信任 (trusted in this
    /// group only), 全局免处置 (<c>GroupGuard:Moderation:ExemptUsers</c>), else 管理员豁免.
    /// </summary>
    public string Exempt(ExemptReason? reason) => !English ? DigestBuilder.ExemptName(reason) : reason switch
    {
        ExemptReason.Group => "exempt (trusted in the group)",
        ExemptReason.Service => "exempt (in every group)",
        _ => "exempt (an admin)",
    };

    /// <summary>An action status as words, a log rule's done being "logged" (<see cref="IncidentOutcomes"/>).</summary>
    public string Outcome(ModerationAction decided, ActionStatus status) => Outcome(IncidentOutcomes.Of(decided, status));

    public string Action(ModerationAction action) => Pick(ActionWords, WireNames<ModerationAction>.ToText(action));

    public string Role(SenderRole role) => Pick(RoleWords, WireNames<SenderRole>.ToText(role));

    public string Role(AccountRole role) => Pick(RoleWords, WireNames<AccountRole>.ToText(role));

    public string Sending(DigestStatus status) => Pick(SendingWords, WireNames<DigestStatus>.ToText(status));

    public string Sending(ChannelStatus status) => Pick(SendingWords, WireNames<ChannelStatus>.ToText(status));

    public string Mode(RuleMode mode) => Pick(ModeWords, WireNames<RuleMode>.ToText(mode));

    /// <summary>
    /// Whose an entry of the digest outbox is, by its key, as an admin reads it: a leader's digest by
    /// the leader's name, <c>告警 office</c>, <c>告警跟进 office</c> (<c>alert office</c>, <c>alert
    /// follow-up office</c> in English). Every page that names an entry names it so, never by its
    /// key, as <c>digest list</c> does: one place, <see cref="OutboxEntryName"/>.
    /// </summary>
    public string OutboxEntry(string key) => OutboxEntryName.Of(key, English);

    /// <summary>
    /// The groups a pack applies in (its <c>groups:</c>): <c>全部群</c>, <c>全部群，除 222222</c>, or
    /// <c>仅 111111, 333333</c>.
    /// </summary>
    public string Groups(GroupScope scope)
    {
        static string List(IEnumerable<string> ids) => string.Join(", ", ids.Order(StringComparer.Ordinal));
        if (!scope.All)
        {
            return (English ? "only " : "仅 ") + List(scope.Included);
        }

        return scope.Excluded.Count == 0 ? (English ? "all groups" : "全部群")
            : (English ? "all groups but " : "全部群，除 ") + List(scope.Excluded);
    }

    /// <summary>
    /// What kind of failure an action met (<see cref="ActionErrorKind"/>; none known: by its status),
    /// in words an administrator reads before the platform's own, which are often English and long:
    /// in Chinese the digest's (<c>未能处置 3 条：机器人不是群管理员，或对方是管理员</c>).
    /// </summary>
    public string Failure(ActionErrorKind? kind, ActionStatus status)
    {
        if (!English)
        {
            return DigestBuilder.Reason(kind, status);
        }

        return (kind ?? (status == ActionStatus.Unsupported ? ActionErrorKind.PlatformCannot : null)) switch
        {
            ActionErrorKind.NotConfigured => "the bot's API is not set up",
            ActionErrorKind.NotPermitted => "the bot is not a group admin, or the member is one",
            ActionErrorKind.PlatformCannot => "the platform cannot do this",
            ActionErrorKind.Refused => "the platform refused (the message may be gone already)",
            ActionErrorKind.Unreachable => "the bot did not answer",
            ActionErrorKind.Invalid => "the action's settings are wrong",
            ActionErrorKind.QueueFull => "the action queue was full",
            ActionErrorKind.Interrupted => "a restart came in between, too long ago to act now",
            _ => "another reason",
        };
    }

    /// <summary>What kind of failure an incident's action met (<see cref="Failure(ActionErrorKind?, ActionStatus)"/>), by its settled outcome (<see cref="Outcome(Incident)"/>).</summary>
    public string Failure(Incident incident) => Failure(incident.ActionErrorKind, DigestBuilder.SettledStatus(incident));

    /// <summary>
    /// What the platform did not do, with its outcome and the kind of failure in words:
    /// <c>平台未能解除禁言（未能处置：机器人无响应）</c>. The platform's own words go beside it, as a detail.
    /// </summary>
    public string Failed(string what, ActionStatus status, ActionErrorKind? kind)
    {
        var outcome = Outcome(ModerationAction.Mute, status);
        return English ? $"{what} ({outcome}: {Failure(kind, status)})" : $"{what}（{outcome}：{Failure(kind, status)}）";
    }

    /// <summary>
    /// The platform's own words about an action it did not carry out (often English and long, as
    /// <see cref="Incident.ActionError"/> keeps them), folded under the words of <see cref="Failure"/>:
    /// <c>&lt;details&gt;&lt;summary&gt;平台原文&lt;/summary&gt;…</c>; nothing without them.
    /// </summary>
    public IHtmlContent PlatformWords(string? words) => Folded("The platform's own words", words);

    /// <summary>
    /// An adapter's or a channel's own text about what went wrong (English, as the log has it),
    /// folded under the console's words for its kind (<see cref="ConnectionFailure"/>,
    /// <see cref="ChannelFailure"/>): <c>&lt;details&gt;&lt;summary&gt;日志原文&lt;/summary&gt;…</c>; nothing without it.
    /// </summary>
    public IHtmlContent LoggedWords(string? words) => Folded("As the log says it", words);

    private IHtmlContent Folded(string summary, string? words) =>
        string.IsNullOrEmpty(words) ? HtmlString.Empty
            : new HtmlContentBuilder()
                .AppendHtml("<details class=\"platform-words\"><summary>").Append(this[summary])
                .AppendHtml("</summary><code>").Append(words).AppendHtml("</code></details>");

    /// <summary>
    /// What kind of failure a digest's channel met (<see cref="ChannelErrorKind"/>), in words an
    /// administrator acts on, before the channel's own text; none known (recorded before kinds were kept): 其他原因.
    /// </summary>
    public string ChannelFailure(ChannelErrorKind? kind) => !English ? Core.Digests.DigestBuilder.ChannelReason(kind) : kind switch
    {
        ChannelErrorKind.NotConfigured => "the channel is not set up",
        ChannelErrorKind.Unreachable => "could not reach the server, or it did not answer in time",
        ChannelErrorKind.Refused => "the other side refused it",
        ChannelErrorKind.Uncertain => "the answer broke off or was not the expected one: it may have arrived",
        ChannelErrorKind.WriteFailed => "the file could not be written",
        _ => "another reason",
    };

    /// <summary>
    /// What kind of trouble a connection met (<see cref="ConnectionErrorKind"/>), in words an
    /// administrator acts on, before the adapter's own text; none known: 其他原因.
    /// </summary>
    public string ConnectionFailure(ConnectionErrorKind? kind) => kind switch
    {
        ConnectionErrorKind.NotYet => English ? "not connected yet" : "尚未连上",
        ConnectionErrorKind.Unreachable => English ? "unreachable: nothing answered at the address" : "连不上：地址不通、没有程序在监听或没有应答",
        ConnectionErrorKind.TokenRefused => English ? "the access token was refused: compare the token set on both sides" : "访问令牌被拒绝：请核对两边设置的令牌",
        ConnectionErrorKind.WrongEndpoint => English ? "something answered, but not as an event endpoint: check the address and port" : "地址有应答，但不是事件接口：请核对地址和端口",
        ConnectionErrorKind.Dropped => English ? "the connection dropped" : "连接中断",
        ConnectionErrorKind.BotOffline => English ? "the bot's account is logged out" : "机器人账号已离线",
        ConnectionErrorKind.Stopping => English ? "GroupGuard is stopping" : "服务正在停止",
        ConnectionErrorKind.AccessTokenFailed => English ? "no access token from the platform: check the AppID and AppSecret" : "未能获取访问令牌：请核对 AppID 和 AppSecret",
        ConnectionErrorKind.DeliveryRefused => English ? "a delivery failed its signature check" : "有推送未通过签名校验",
        ConnectionErrorKind.PullFailed => English ? "pulling the chat archive failed" : "拉取会话存档失败",
        _ => English ? "another reason" : "其他原因",
    };

    /// <summary>An audit entry's action: a known one in words, a group command (<c>group_command:误判</c>) as one, another as it is.</summary>
    public string AuditAction(string action)
    {
        if (action.StartsWith(Commands.GroupCommands.AuditPrefix, StringComparison.Ordinal))
        {
            return (English ? "group command " : "群命令 ") + action[Commands.GroupCommands.AuditPrefix.Length..];
        }

        return Pick(AuditActionWords, action);
    }

    /// <summary>
    /// What an incident brought on its message and sender, as the incident list shows it: the actions
    /// planned for it in the order they are carried out, so that a recall the escalation added a
    /// mute to is <c>撤回+禁言 10 分钟</c>; where none was to be called (a dry run, an admin's, a
    /// <c>log</c> rule's), the rule's action and the mute the decision gave it. A mute with its length.
    /// </summary>
    public string Actions(Incident incident) => string.Join("+", ActionsOf(incident).Select(a =>
        a == ModerationAction.Mute && incident.MuteSeconds > 0 ? Action(a) + " " + Minutes(incident.MuteSeconds / 60) : Action(a)));

    /// <summary>The names of <see cref="Actions"/>, for its title: <c>recall+mute</c>.</summary>
    public static string ActionNames(Incident incident) => string.Join("+", ActionsOf(incident).Select(WireNames<ModerationAction>.ToText));

    private static List<ModerationAction> ActionsOf(Incident incident)
    {
        var actions = ActionPlan.InOrder(ActionPlan.Brought(incident)).ToList();
        return actions.Count > 0 ? actions : [ModerationAction.Log];
    }

    /// <summary>A mute's length: <c>10 分钟</c>, <c>10 min</c>.</summary>
    public string Minutes(int minutes) => string.Create(CultureInfo.InvariantCulture, $"{minutes} {(English ? "min" : "分钟")}");

    /// <summary>An escalation step: <c>第 2 次：禁言 10 分钟</c>, <c>2: mute 10 min</c>.</summary>
    public string Step(EscalationStep step)
    {
        var action = Action(step.Action) + (step.Action == ModerationAction.Mute ? " " + Minutes(step.MuteMinutes) : "");
        return English
            ? string.Create(CultureInfo.InvariantCulture, $"{step.Count}: {action}")
            : string.Create(CultureInfo.InvariantCulture, $"第 {step.Count} 次：{action}");
    }

    /// <summary>
    /// A rule (<c>ads.contact-id</c>) as the Chinese console names it: its name with its id after it,
    /// the id an admin looks for in the packs (<c>加联系方式引流（ads.contact-id）</c>), where the running
    /// rules give it a <c>name:</c>, and so the rule GroupGuard adds of its own (<c>已屏蔽图片（images.blocked）</c>,
    /// <see cref="Pipeline.Moderator.BuiltInRule"/>); without a name, as <c>/gg 检查</c> does, its pack's
    /// Chinese name before its id (<c>广告引流 ads.contact</c>), where the pack has one (one of Latin
    /// letters would be its id again) and <paramref name="byPack"/> (not where the page names the
    /// pack beside it: an incident's); else, and in English, the id as it is.
    /// </summary>
    public string Rule(string id, RuleSet rules, bool byPack = true)
    {
        if (English)
        {
            return id;
        }

        return (rules.Find(id) ?? Pipeline.Moderator.BuiltInRule(id)) switch
        {
            { Name: { } name } => $"{name}（{id}）",
            { } rule when byPack => rule.ShownName,
            _ => id,
        };
    }

    /// <summary>
    /// A group as the digest names it, by the name its incidents carry and its id
    /// (<c>二年级家长群（111111）</c>; in English <c>二年级家长群 (111111)</c>), or its id alone where none does;
    /// with its <paramref name="platform"/> after the id where another group listed beside it has the
    /// same id on another platform (<c>二年级家长群（111111，qq）</c>, <c>111111（wecom）</c>).
    /// </summary>
    public string Group(string id, string? name, string? platform = null)
    {
        var inBrackets = platform is null ? null : English ? $"{id}, {platform}" : $"{id}，{platform}";
        return string.IsNullOrEmpty(name)
            ? platform is null ? id : English ? $"{id} ({platform})" : $"{id}（{platform}）"
            : English ? $"{name} ({inBrackets ?? id})" : $"{name}（{inBrackets ?? id}）";
    }

    /// <summary>
    /// A category (<c>ads</c>) as the Chinese console names it: as digests, alerts and their charts
    /// do for the categories the shipped packs use (<c>ads</c> 广告引流, which two shipped packs share
    /// under the names 广告引流 and 商业推广; <c>fraud</c> 诈骗 beside a pack of one's own that names it
    /// 游戏交易) and GroupGuard's blocked pictures (已屏蔽图片); another by the name of the pack its
    /// rules are in, where the running rules give it one name (every pack with rules of it has the same
    /// <c>name:</c>, other than its id); else, and in English, the category as it is.
    /// </summary>
    public string Category(string category, RuleSet rules)
    {
        if (English)
        {
            return category;
        }

        if (Core.Digests.DigestBuilder.KnownCategoryName(category) is { } known)
        {
            return known;
        }

        string? name = null;
        foreach (var pack in rules.Packs)
        {
            if (!pack.Rules.Any(r => string.Equals(r.Category, category, StringComparison.Ordinal)))
            {
                continue;
            }

            // A pack without a name: is named by its id, which says no more than the category.
            if (string.Equals(pack.Name, pack.Id, StringComparison.Ordinal) || (name is not null && !string.Equals(name, pack.Name, StringComparison.Ordinal)))
            {
                return category;
            }

            name = pack.Name;
        }

        return name ?? category;
    }
}
