using System.Collections.Frozen;
using Microsoft.Net.Http.Headers;

namespace GroupGuard.Host.WebConsole;

/// <summary>
/// The console's words: Chinese, or English where the browser prefers it (<c>Accept-Language</c>
/// names <c>en</c> before any <c>zh</c>). Pages write the English text; this gives the Chinese.
/// </summary>
internal sealed partial class ConsoleText
{
    private static readonly FrozenDictionary<string, string> Chinese = new Dictionary<string, string>
    {
        ["Overview"] = "概览",
        ["Incidents"] = "事件",
        ["Rules"] = "规则",
        ["Groups"] = "群",
        ["Digests"] = "日报",
        ["Audit log"] = "审计日志",
        ["Sign out"] = "退出",
        ["Sign in"] = "登录",
        ["Name"] = "用户名",
        ["Password"] = "密码",
        ["Wrong name or password."] = "用户名或密码错误。",
        ["Too many failed sign-ins: this account is locked for a while."] = "登录失败次数过多，账号已暂时锁定。",
        ["Too many sign-in attempts from this address: try again in {0} seconds."] = "此地址的登录尝试过多，请 {0} 秒后再试。",
        ["The console is busy checking other sign-ins: try again in a few seconds."] = "控制台正忙于核对其他登录，请几秒后再试。",
        ["Last 30 days"] = "最近 30 天",
        ["Offending messages per day"] = "每日违规消息",
        ["Messages checked"] = "已检查消息",
        ["Offending messages (false positives left out)"] = "违规消息（不含误判）",
        ["{0} hits"] = "{0} 次命中",
        ["(by hit)"] = "（按命中计）",
        ["As the digest counts: by offending message, a message of several hits once; incidents marked false positive are left out of the counts and the chart. Action outcomes and false positives count hits, one row each in the incident list they open."] = "与日报一致：按违规消息计数，一条消息命中多次只算一条；标记为误判的不计入本页的统计和图表。处置结果和误判按命中计，与点开的事件列表一样每次命中一行。",
        ["Action outcomes"] = "处置结果",
        ["Top rules"] = "最常触发的规则",
        ["Top groups"] = "违规消息最多的群",
        ["Adapters"] = "接入",
        ["No events yet."] = "尚未收到事件。",
        ["Nothing in this period."] = "此期间没有记录。",
        ["Group"] = "群",
        ["User"] = "用户",
        ["Pack"] = "规则包",
        ["Rule"] = "规则",
        ["Severity"] = "严重程度",
        ["Status"] = "状态",
        ["False positive"] = "误判",
        ["From"] = "起",
        ["To"] = "止",
        ["Text contains"] = "文本包含",
        ["Filter"] = "筛选",
        ["Any"] = "全部",
        ["Yes"] = "是",
        ["No"] = "否",
        ["Time"] = "时间",
        ["Times are in {0}."] = "时间均为 {0}。",
        ["Message"] = "消息",
        ["Matched"] = "命中",
        ["Action"] = "处置",
        ["Next page"] = "下一页",
        ["No incidents match."] = "没有符合条件的事件。",
        ["Incident"] = "事件",
        ["Folded text"] = "归一化文本",
        ["Rule-set version"] = "规则版本",
        ["Decided action"] = "决定的处置",
        ["the rule's"] = "规则的",
        ["Platform's answer"] = "平台回应",
        ["Escalation step"] = "升级级别",
        ["Forwarded content"] = "转发内容",
        ["bundle depth"] = "转发层级",
        ["first sent by"] = "原发送人",
        ["Cleared after the kick"] = "移出后清理",
        ["recent messages recalled"] = "条近期消息已撤回",
        ["Sent in pieces"] = "分条发送",
        ["earlier pieces recalled"] = "条前面的分条已撤回",
        ["not recalled"] = "条未能撤回",
        ["Mute"] = "禁言",
        ["Review"] = "复核",
        ["Marked false positive"] = "已标记为误判",
        ["Not marked"] = "未标记",
        ["Note"] = "备注",
        ["Mark false positive"] = "标记为误判",
        ["Take back the mark"] = "撤销误判标记",
        ["Lift the mute"] = "解除禁言",
        ["The mute is lifted."] = "已解除禁言。",
        ["The platform did not lift the mute"] = "平台未能解除禁言",
        ["Another offence's mute is in force (incident #{0}): it is not lifted."] = "另一次违规（事件 #{0}）的禁言仍在生效，未解除。",
        ["The mute is now the {0} minutes another offence (incident #{1}) has left."] = "禁言已改为另一次违规（事件 #{1}）剩余的 {0} 分钟。",
        ["The platform did not set the mute to the {0} minutes another offence has left"] = "禁言未能改为另一次违规剩余的 {0} 分钟",
        ["The platform's own words"] = "平台原文",
        ["As the log says it"] = "日志原文",
        ["Switch"] = "开关",
        ["as configured"] = "按配置",
        ["Set"] = "设置",
        ["Platform"] = "平台",
        ["Pictures"] = "图片",
        ["Blocked"] = "已屏蔽",
        ["Block this picture"] = "屏蔽此图片",
        ["The picture is blocked in every group."] = "已屏蔽此图片，所有群生效。",
        ["events"] = "个事件",
        ["connected"] = "已连接",
        ["down"] = "已断开",
        ["by"] = "操作人",
        ["Sender"] = "发送者",
        ["Role"] = "身份",
        ["Packs"] = "规则包",
        ["Terms"] = "词条",
        ["Problems"] = "问题",
        ["No problems."] = "没有问题。",
        ["Sandbox"] = "试验台",
        ["One message a line."] = "每行一条消息。",
        ["A chat log: each line a time, a sender and the text (2026-12-01 20:15:03 <10001> text, or separated by tabs), in time order; flood and repeat rules count over the times"] = "聊天记录：每行为时间、发送者和文字（2026-12-01 20:15:03 <10001> 文字，或以制表符分隔），按时间先后排列；刷屏、重复规则按这些时间计数",
        ["Did not fire"] = "未触发",
        ["Rules folder beside the running one, e.g. rules-draft (empty: the running rules)"] = "与运行中规则目录同级的规则目录，如 rules-draft（留空：使用运行中的规则）",
        ["Try"] = "试一试",
        ["No hit."] = "未命中。",
        ["Span"] = "位置",
        ["As written"] = "原文",
        ["How it matched"] = "匹配方式",
        ["Not counted"] = "未计入",
        ["As sent in group (empty: the packs for every group only)"] = "按群号检查（留空：只试适用于全部群的规则包）",
        ["its pack's groups leave this group out"] = "规则包的 groups 不含本群",
        ["no group chosen, and its pack applies in some groups only"] = "未指定群，其规则包只适用于部分群",
        ["No group given: only the packs for every group were tried, not {0}. Give a group to try them as sent there."] = "未指定群：只试了适用于全部群的规则包，未试 {0}。填写群号，可按在该群发送来试这些规则包。",
        ["inside a Latin word"] = "在英文单词之内",
        ["across punctuation, a face or a mention"] = "跨越了标点、表情或 @",
        ["an allow phrase covers it"] = "被放行词覆盖",
        ["a word of unless_preceded_by stands before it"] = "前面有 unless_preceded_by 中的词",
        ["a phrase of unless_near stands in its sentence"] = "所在句中有 unless_near 中的词",
        ["its links are on the rule's allow_domains"] = "其中的链接都属于规则的 allow_domains",
        ["no group named near it (target: group)"] = "附近没有指向群体（target: group）",
        ["nobody named near it (target: person)"] = "附近没有指向人（target: person）",
        ["the group words near it are parts of longer words (target: group)"] = "附近的群体词都在更长的词里（target: group）",
        ["the person words near it are parts of longer words (target: person)"] = "附近的指人词都在更长的词里（target: person）",
        ["made by reading a doubled word once (他妈妈的)"] = "把叠词读成一个字才凑成（如 他妈妈的）",
        ["part of a longer word (word mode)"] = "是更长词语的一部分（match: word）",
        ["Dry run"] = "试运行",
        ["Escalation"] = "升级",
        ["all packs"] = "全部规则包",
        ["no pack"] = "没有规则包",
        ["Leader"] = "负责人",
        ["Leader or alert"] = "负责人 / 告警",
        ["Period"] = "时段",
        ["Channels"] = "渠道",
        ["Preview of the next digest"] = "下一期日报预览",
        ["Send now"] = "立即发送",
        ["Send anyway"] = "仍然发送",
        ["Nothing sent: {0}'s last digest ended at {1}, less than {2} ago. \"Send anyway\" sends a digest of that time all the same."] = "未发送：{0} 的上一期日报截至 {1}，距今不到 {2}。点「仍然发送」可照样发送这段时间的日报。",
        ["Actor"] = "操作人",
        ["Target"] = "对象",
        ["Detail"] = "详情",
        ["Address"] = "地址",
        ["Earlier"] = "更早",
        ["Only admins may do this."] = "只有管理员可以执行此操作。",
        ["Saved."] = "已保存。",
        ["Running"] = "运行中",
        ["on"] = "开",
        ["as written"] = "原样",
        ["full width"] = "全角",
        ["case"] = "大小写",
        ["look-alike"] = "形近字",
        ["traditional form"] = "繁体",
        ["compatibility form"] = "兼容字符",
        ["inserted symbols"] = "插入符号",
        ["repeated characters"] = "叠字",
        ["pinyin"] = "拼音",
        ["folded"] = "归一化",
        ["Word boundaries come from the running rules' dictionary."] = "分词边界使用运行中规则的词典。",
        ["The rules in that folder have problems:"] = "该目录的规则有问题：",
        ["Lines"] = "行",
        ["Flagged"] = "命中",
        ["off"] = "关",
        ["other"] = "其他",
        ["Mode"] = "模式",
        ["regex"] = "正则",
        ["detector"] = "检测器",
        ["message stream"] = "消息流",
        ["Groups it applies in"] = "适用的群",
        ["The address cannot be shown"] = "无法按此地址显示",
        ["{0} may have at most {1} characters."] = "筛选项「{0}」最多 {1} 个字符。",
        ["{0} may not hold a control character (a line break, say)."] = "筛选项「{0}」不能含控制字符（如换行）。",
        ["The page to start from is an id, a whole number above 0, as the page links write it."] = "翻页位置应为大于 0 的整数，由翻页链接写入。",
        ["{0} is one of {1}."] = "{0}应为其中之一：{1}。",
        ["{0} is yes, no, or empty for any."] = "{0}应为 yes（是）或 no（否），留空为全部。",
        ["{0} is written like {1}."] = "{0}应写成 {1}。",
        ["{0} is a day from {1} to {2}."] = "{0}应在 {1} 到 {2} 之间。",
        ["Start day"] = "开始日期",
        ["End day"] = "结束日期",
        ["Every incident, no filter"] = "查看全部事件（不加筛选）",
        ["The latest entries"] = "查看最新的审计日志",
        ["No leader is named {0}: the leaders are {1}."] = "没有名为「{0}」的负责人，已配置的负责人：{1}。",
        ["Every digest"] = "查看全部日报",
        ["The form cannot be sent as filled in"] = "无法按所填内容提交",
        ["{0} takes at most {1} characters; this has {2}: shorten it and send it again."] = "「{0}」最多 {1} 个字符，所填有 {2} 个，请删短后再提交。",
        ["{0} may not hold a control character (a line break, a tab): take it out and send it again."] = "「{0}」不能含控制字符（如换行、制表符），请删去后再提交。",
        ["The mark is true or false, as the page's button sends it: send the form from the incident's page."] = "误判标记只能是 true 或 false（由页面上的按钮填写），请在事件页面上重新提交。",
        ["Back to incident #{0}"] = "返回事件 #{0}",
        ["Incident #{0} did not mute its sender: there is no mute of it to lift."] = "事件 #{0} 没有禁言发送者，没有可解除的禁言。",
        ["The sandbox takes at most {0} characters at a time; this has {1}: try them in parts."] = "试验台一次最多 {0} 个字符，所填有 {1} 个，请分几次试。",
        ["The sandbox takes at most {0} lines at a time; this has {1}: try them in parts."] = "试验台一次最多 {0} 行，所填有 {1} 行，请分几次试。",
        ["The sandbox's messages may not hold a NUL character (U+0000): take it out and send it again."] = "试验台的消息不能含空字符（U+0000），请删去后再提交。",
        ["As sent in group"] = "按群号检查",
        ["Rules folder"] = "规则目录",
        ["{0} is a folder inside {1}, where the rules folder is (a name alone, rules-draft, is one beside it); {2} is not."] = "「{0}」应为 {1} 之内的目录（规则目录就在其中，只写名字如 rules-draft 即为与规则目录同级的目录），{2} 不在其中。",
        ["{0} is a folder inside {1}, where the rules folder is; there is no folder {2} on the server."] = "「{0}」应为 {1} 之内的目录（规则目录就在其中），服务器上没有目录 {2}。",
        ["The switch is sent with its group's platform and group id, as each row's form has them: set it from the row of the group."] = "试运行开关需带上群所在的平台和群号（每行的表单已填好），请在该群所在的行设置。",
        ["{0} is on, off, or empty for as configured."] = "{0}应为 on（开）或 off（关），留空为按配置。",
        ["{0} is one GroupGuard reads ({1}) or one this page lists; {2} is neither."] = "{0}应为 GroupGuard 读取的平台（{1}）或本页列出的平台，「{2}」都不是。",
        ["Back to the groups"] = "返回群列表",
        ["Trusted members"] = "信任成员",
        ["Member"] = "成员",
        ["Trust"] = "信任",
        ["Untrust"] = "取消信任",
        ["settings"] = "设置",
        ["none"] = "无",
        ["Their messages are recorded in this group, never acted on."] = "其消息在本群只记录，不处理。",
        ["Exempt in every group (GroupGuard:Moderation:ExemptUsers): {0}"] = "全局免处置（GroupGuard:Moderation:ExemptUsers）：{0}",
        ["Group {0} trusts {1} members already, the most a group may: untrust one first."] = "群 {0} 已信任 {1} 人，已达上限，请先取消信任其中一人。",
        ["{0} was trusted in this group already."] = "{0} 之前已在本群信任。",
        ["{0} was not trusted in this group."] = "{0} 不在本群信任名单中。",
        ["A member is trusted with their group's platform and group id, as each row's form has them: trust them from the row of the group."] = "信任成员需带上群所在的平台和群号（每行的表单已填好），请在该群所在的行操作。",
        ["Write the {0}'s id: a QQ number on qq, else the platform's id."] = "请填写{0}的 ID：QQ 平台填 QQ 号，其他平台填该平台的 ID。",
        ["{0} is a QQ number, 5 to 20 digits; {1} is not."] = "{0}应为 QQ 号（5 到 20 位数字），「{1}」不是。",
        ["{0} is the member's id on the platform (letters, digits, _ - . : @, at most 64); {1} is not."] = "{0}应为该平台的成员 ID（字母、数字、_ - . : @，最多 64 个字符），「{1}」不是。",
        ["Offending messages"] = "违规消息",
        [", "] = "、",
        ["{0} ({1})"] = "{0}（{1}）",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private ConsoleText(bool english) => English = english;

    public static ConsoleText Zh { get; } = new(false);

    public static ConsoleText En { get; } = new(true);

    public bool English { get; }

    /// <summary>The <c>lang</c> attribute of the page.</summary>
    public string Lang => English ? "en" : "zh-CN";

    public string this[string english] => English ? english : Chinese.GetValueOrDefault(english, english);

    /// <summary>Chinese unless the browser asks for English before any Chinese.</summary>
    public static ConsoleText For(HttpContext context)
    {
        var header = context.Request.Headers.AcceptLanguage.ToString();
        if (header.Length is 0 or > 1000 || !StringWithQualityHeaderValue.TryParseList(header.Split(','), out var languages))
        {
            return Zh;
        }

        foreach (var language in languages.Where(l => (l.Quality ?? 1) > 0).OrderByDescending(l => l.Quality ?? 1))
        {
            var tag = language.Value.Value ?? "";
            if (tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase))
            {
                return Zh;
            }

            if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase))
            {
                return En;
            }
        }

        return Zh;
    }
}
