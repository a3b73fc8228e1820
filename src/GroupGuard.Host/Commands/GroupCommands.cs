using System.Globalization;
using System.Text;
using GroupGuard.Core;
using GroupGuard.Core.Accounts;
using GroupGuard.Core.Commands;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Commands;

/// <summary>
/// Commands typed in a group (<c>/gg 状态</c>, <c>误判</c>, <c>解禁</c>, <c>放行</c>, <c>放行名单</c>, <c>取消放行</c>,
/// <c>信任</c>, <c>信任名单</c>, <c>取消信任</c>, <c>试运行</c>, <c>检查</c>),
/// for its owners and admins only, checked as exemptions are (<see cref="SenderRoles"/>). The
/// moderator asks first of every message: a command of an owner or admin is carried out
/// (within <see cref="CommandLimiter"/>'s limits), audited and answered in one line, and not
/// moderated; anyone else's is left to moderation as the text it is, without a word. What a
/// command writes (marks, the switch, the allow list, the trusted members) is done here, in order with the messages
/// around it, so the next message already sees it; what it asks of the platform is queued.
/// </summary>
internal sealed partial class GroupCommands(
    IOptionsMonitor<CommandsOptions> options,
    IIncidentStore store,
    IIncidentBrowser browser,
    ISentWarnings warnings,
    IGroupSwitches switches,
    IAccountStore accounts,
    IRuleSetProvider rules,
    IRuleSetLoader loader,
    IOptionsMonitor<RulesOptions> rulesOptions,
    ModerationSettings settings,
    MessageCounter counter,
    CommandReplies replies,
    TimeProvider time,
    ILogger<GroupCommands> logger,
    IPlatformActions? platform = null,
    IWordSegmenter? segmenter = null,
    ICommandClaims? claims = null,
    InstanceIdentity? instance = null,
    RecentTexts? texts = null,
    ITrustedMembers? trusted = null)
{
    public const string AuditPrefix = "group_command:";

    private readonly CommandLimiter _limiter = new(time);

    /// <summary>True when the message was a command of an owner or admin, and so is not to be moderated.</summary>
    public async Task<bool> TryHandleAsync(ChatMessage message, CancellationToken stoppingToken)
    {
        var current = options.CurrentValue;
        if (!current.Enabled || GroupCommandParser.Parse(message, current.Prefix) is not { } command)
        {
            return false;
        }

        var role = await SenderRoles.OfAsync(platform, message, time, stoppingToken);
        if (!SenderRoles.IsOwnerOrAdmin(role))
        {
            LogNotAdmin(command.Name, message.Platform, message.GroupId, message.UserId);
            return false;
        }

        if (!await ClaimedAsync(command, message, stoppingToken))
        {
            // Another instance on the shared database heard it too and carries it out and answers.
            return true;
        }

        var limit = _limiter.Take(message.Platform, message.GroupId, message.UserId);
        switch (limit.Allowance)
        {
            case CommandAllowance.LimitedQuiet:
                LogLimited(command.Name, message.Platform, message.GroupId, message.UserId);
                return true;
            case CommandAllowance.LimitedTell:
                LogLimited(command.Name, message.Platform, message.GroupId, message.UserId);
                Reply(command, CommandReply.Say(message, TooFrequent(limit)));
                return true;
        }

        CommandReply reply;
        try
        {
            // Writes are not cancelled half-way by a stop: a command is carried out whole or, replayed, again.
            reply = command.Problem is { } problem
                ? CommandReply.Say(message, problem)
                : await CarryOutAsync(command, message, current.Prefix);
            if (command.ReadAs is { } readAs)
            {
                // Read as another command than typed (放行 名单: 放行名单): the answer says so first.
                var answer = reply.Answer;
                reply = reply with { Answer = changed => readAs + answer(changed) };
            }
        }
        catch (Exception ex)
        {
            LogFailed(ex, command.Name, message.Platform, message.GroupId, message.MessageId);
            reply = CommandReply.Say(message, "命令未能完成，请稍后再试");
        }

        Reply(command, reply);
        return true;
    }

    /// <summary>
    /// The one answer over the rate limit: when to try again, in whole seconds of the limiter's own
    /// window (<c>命令太频繁，请 40 秒后再试</c>); <c>本群</c> first when the group's count is full, so
    /// an admin who has typed little knows it is not theirs.
    /// </summary>
    internal static string TooFrequent(CommandLimit limit) =>
        string.Create(CultureInfo.InvariantCulture, $"{(limit.Group ? "本群" : "")}命令太频繁，请 {limit.RetrySeconds} 秒后再试");

    /// <summary>
    /// Whether this instance carries out the command: always alone on its database (SQLite, where
    /// no claims are registered: one instance, whose redeliveries the intake drops and whose journal
    /// replays a command to be carried out again); on a shared one (PostgreSQL) when it is the first
    /// to claim it. A claim that cannot be written leaves the command to be carried out here
    /// (perhaps by two instances, as before claims), not lost.
    /// </summary>
    private async Task<bool> ClaimedAsync(GroupCommand command, ChatMessage message, CancellationToken cancellationToken)
    {
        if (claims is null || instance is null)
        {
            return true;
        }

        try
        {
            if (await claims.ClaimAsync(message, instance.Id, time.GetUtcNow(), cancellationToken))
            {
                return true;
            }

            LogClaimedElsewhere(command.Name, message.Platform, message.GroupId, message.MessageId);
            return false;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogClaimFailed(ex, command.Name, message.Platform, message.GroupId, message.MessageId);
            return true;
        }
    }

    private Task<CommandReply> CarryOutAsync(GroupCommand command, ChatMessage message, string prefix) => command.Verb switch
    {
        GroupCommandVerb.Status => StatusAsync(command, message),
        GroupCommandVerb.FalsePositive => FalsePositiveAsync(command, message),
        GroupCommandVerb.Unmute => UnmuteAsync(command, message),
        GroupCommandVerb.Allow => AllowAsync(command, message),
        GroupCommandVerb.Disallow => DisallowAsync(command, message, prefix),
        GroupCommandVerb.AllowList => AllowListAsync(command, message),
        GroupCommandVerb.DryRun => DryRunAsync(command, message, prefix),
        GroupCommandVerb.Trust => TrustAsync(command, message),
        GroupCommandVerb.Untrust => UntrustAsync(command, message),
        GroupCommandVerb.TrustList => TrustListAsync(command, message, prefix),
        GroupCommandVerb.Check => command.Argument.Length > 0 ? CheckAsync(command, message) : CheckRepliedAsync(command, message, prefix),
        _ => HelpAsync(command, message, prefix),
    };

    private async Task<CommandReply> HelpAsync(GroupCommand command, ChatMessage message, string prefix)
    {
        await AuditAsync(command, message, null);
        return CommandReply.Say(message, GroupCommandParser.Usage(prefix));
    }

    /// <summary>
    /// Messages checked and incidents since local midnight (the service's time zone), those marked
    /// false positive left out as the console's overview and the digest leave them out (and counted
    /// apart when there are any), and whether dry run is on.
    /// </summary>
    private async Task<CommandReply> StatusAsync(GroupCommand command, ChatMessage message)
    {
        await counter.FlushAsync();
        var (start, end, offset) = Today();
        var overview = await browser.OverviewAsync(start, end, offset, [message.GroupId], top: 1, CancellationToken.None);
        var dryRun = await DryRunInForceAsync(message);
        await AuditAsync(command, message, null);
        return CommandReply.Say(
            message,
            string.Create(CultureInfo.InvariantCulture, $"今日本群：检查 {overview.MessagesChecked} 条消息，违规消息 {overview.OffendingMessages} 条{(overview.Incidents > overview.OffendingMessages ? $"（{overview.Incidents} 次命中）" : "")}{(overview.FalsePositives > 0 ? $"，误判 {overview.FalsePositives} 起" : "")}，试运行{(dryRun ? "开" : "关")}"));
    }

    /// <summary>
    /// The incidents a reply points at: those a warning of GroupGuard's was about, else those of the
    /// message replied to; kept to the senders the command mentions, if it mentions any. Each is
    /// marked false positive, and where a mute one of them caused is the one in force, it is lifted,
    /// or set again for what a genuine offence's mute it replaced has left (<see cref="MuteAfterMarks"/>).
    /// </summary>
    private async Task<CommandReply> FalsePositiveAsync(GroupCommand command, ChatMessage message)
    {
        var replied = new GroupMessageRef(message.Platform, message.BotId, message.GroupId, command.ReplyTo!);
        var incidents = await WarnedAsync(replied);
        var viaWarning = incidents.Count > 0;
        if (!viaWarning)
        {
            incidents.AddRange(await store.FindByMessageAsync(replied, CancellationToken.None));
        }

        if (command.Users.Count > 0)
        {
            incidents = [.. incidents.Where(i => command.Users.Contains(i.UserId, StringComparer.Ordinal))];
        }

        if (incidents.Count == 0)
        {
            return CommandReply.Say(message, "没有找到这条消息的违规记录");
        }

        var now = time.GetUtcNow();
        var note = command.Argument.Length > 0 ? command.Argument : null;
        // Marked before (the command sent twice, or by another admin): its mute was settled then, and
        // a mute set since is someone's decision; the answer says so, and only a new note is written.
        var before = incidents.Where(i => i.FalsePositive).Select(i => i.Id).ToHashSet();
        var fresh = incidents.Where(i => !before.Contains(i.Id)).ToList();
        foreach (var incident in note is null ? fresh : incidents)
        {
            await store.MarkFalsePositiveAsync(incident.Id, true, note, now, Actor(message), CancellationToken.None);
        }

        // QQ keeps the last mute set: the mark changes a member's mute only where a marked incident's
        // is the one in force, and then to what their genuine offences alone would have left.
        var mutes = new List<MuteChange>();
        var kept = new List<string>();
        var done = new List<string>();
        foreach (var user in fresh.Where(i => MuteAfterMarks.MayStillBeMuted(i, now)).Select(i => i.UserId).Distinct(StringComparer.Ordinal))
        {
            var genuine = await MuteAfterMarks.GenuineAsync(browser, message.Platform, message.GroupId, user, CancellationToken.None);
            var after = MuteAfterMarks.Decide(fresh.Where(i => i.UserId == user), genuine, now);
            switch (after.Fix)
            {
                case MuteFix.KeptForAnother:
                    kept.Add(user);
                    break;
                case MuteFix.Lift:
                    mutes.Add(new MuteChange(user));
                    done.Add($"unmute {user}");
                    break;
                case MuteFix.Shorten:
                    mutes.Add(new MuteChange(user, after.Seconds));
                    done.Add(string.Create(CultureInfo.InvariantCulture, $"mute {user} for the {after.Seconds} s left of incident #{after.Genuine!.Id}"));
                    break;
            }
        }

        var ids = string.Join(' ', incidents.Select(i => "#" + i.Id.ToString(CultureInfo.InvariantCulture)));
        await AuditAsync(
            command,
            message,
            $"incidents {ids}; reply to {(viaWarning ? "warning" : "message")} {command.ReplyTo}"
                + (done.Count > 0 ? "; " + string.Join("; ", done) : "")
                + (kept.Count > 0 ? $"; kept muted for another offence {string.Join(',', kept)}" : "")
                + (before.Count > 0 ? $"; marked before {string.Join(' ', before.Order().Select(i => "#" + i.ToString(CultureInfo.InvariantCulture)))}" : "")
                + (note is null ? "" : $"; note: {note}"));
        return fresh.Count == 0
            ? CommandReply.Say(message, $"之前已标记误判：{ids}，未再改动禁言")
            : new CommandReply(message, mutes, changed => $"已标记误判：{ids}" + MutesSaid(changed, kept));
    }

    /// <summary>The incidents in its group a warning of GroupGuard's was about, when <paramref name="replied"/> is one, in id order; else none.</summary>
    private async Task<List<Incident>> WarnedAsync(GroupMessageRef replied)
    {
        var ids = await warnings.IncidentsOfAsync(replied, CancellationToken.None);
        return ids.Count == 0 ? [] : [.. (await store.GetManyAsync(ids, CancellationToken.None)).Where(i => i.GroupId == replied.GroupId)];
    }

    /// <summary>
    /// What became of the members' mutes, in the words of <c>误判</c>'s answer: 已解除禁言, 禁言已改为另一次违规剩余的
    /// N 分钟, or that another offence's mute is in force; one not done with why, where known
    /// (解除禁言未成功（机器人不是群管理员，或对方是管理员）); each after the member's number when the
    /// answer is about more than one.
    /// </summary>
    internal static string MutesSaid(IReadOnlyList<MuteChanged> changed, IReadOnlyList<string> kept)
    {
        var named = changed.Select(c => c.Change.UserId).Concat(kept).Distinct(StringComparer.Ordinal).Count() > 1;
        string Who(string user) => named ? user + " " : "";

        var said = new StringBuilder();
        foreach (var (change, ok, why) in changed)
        {
            var minutes = change.Minutes;
            said.Append(said.Length == 0 ? "，" : "；").Append(Who(change.UserId)).Append((change.Seconds > 0, ok) switch
            {
                (false, true) => "已解除禁言",
                (false, false) => "解除禁言未成功",
                (true, true) => string.Create(CultureInfo.InvariantCulture, $"禁言已改为另一次违规剩余的 {minutes} 分钟"),
                (true, false) => string.Create(CultureInfo.InvariantCulture, $"禁言未能改为另一次违规剩余的 {minutes} 分钟"),
            });
            if (!ok && why is not null)
            {
                said.Append('（').Append(why).Append('）');
            }
        }

        foreach (var user in kept)
        {
            said.Append('；').Append(Who(user)).Append("另一次违规的禁言仍在生效，未解除");
        }

        return said.ToString();
    }

    private async Task<CommandReply> UnmuteAsync(GroupCommand command, ChatMessage message)
    {
        await AuditAsync(command, message, $"unmute {string.Join(',', command.Users)}");
        var count = command.Users.Count;
        return new CommandReply(
            message,
            [.. command.Users.Select(u => new MuteChange(u))],
            changed =>
            {
                var failed = changed.Count(c => !c.Done);
                return failed == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"已解除禁言：{count} 人")
                    : string.Create(CultureInfo.InvariantCulture, $"解除禁言未成功：{failed}/{count} 人") + MuteChanged.Reasons(changed);
            });
    }

    /// <summary>Appends the phrase to <c>allow-&lt;group&gt;.txt</c> and reloads the rules at once, so the next message already has it.</summary>
    private async Task<CommandReply> AllowAsync(GroupCommand command, ChatMessage message)
    {
        if (!GroupAllowList.IsFileGroupId(message.GroupId))
        {
            return CommandReply.Say(message, "本群的编号不能用作文件名，无法在群里放行；请编辑 allow.txt");
        }

        var file = GroupAllowList.FileName(message.GroupId);
        var phrase = command.Argument;
        GroupAllowAdded added;
        try
        {
            added = GroupAllowList.Add(rulesOptions.CurrentValue.ResolvePath(), message.GroupId, phrase, rules.Current.TermLines, rules.Current.TermCharacters);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogAllowNotWritten(ex, file);
            return CommandReply.Say(message, $"无法写入 {file}：规则目录不可写");
        }

        switch (added)
        {
            case GroupAllowAdded.AlreadyThere:
                return CommandReply.Say(message, $"「{phrase}」已在本群放行名单中");
            case GroupAllowAdded.Full:
                return CommandReply.Say(message, string.Create(CultureInfo.InvariantCulture, $"本群放行名单已满（{GroupAllowList.MaxPhrases} 条），请编辑 {file}"));
            case GroupAllowAdded.TooManyLists:
                return CommandReply.Say(message, string.Create(CultureInfo.InvariantCulture, $"规则目录里的群放行名单已达上限（{RuleLoader.MaxGroupAllowLists} 个），无法为本群新建；请编辑 allow.txt"));
            case GroupAllowAdded.FolderFull:
                return CommandReply.Say(message, string.Create(CultureInfo.InvariantCulture, $"规则目录的词语已达上限（{RuleLoader.MaxTermLines} 行或 {RuleLoader.MaxTermCharacters} 字），无法再放行；请整理规则文件"));
            case GroupAllowAdded.NotUtf8:
                return CommandReply.Say(message, NotUtf8(file));
        }

        var loaded = loader.Reload();
        var inForce = InGroupList(message.GroupId, phrase);
        await AuditAsync(command, message, $"{phrase} ({file}{(inForce ? "" : ", not in force: the rules did not reload")})");
        if (!inForce)
        {
            LogAllowNotInForce(message.GroupId, file, loaded);
            return CommandReply.Say(message, $"已写入 {file}，但规则文件有错误，暂未生效");
        }

        return CommandReply.Say(message, $"已放行「{phrase}」，仅本群");
    }

    /// <summary>
    /// Takes the phrase off <c>allow-&lt;group&gt;.txt</c> and reloads the rules at once, so the
    /// next message is moderated without it. A phrase of <c>allow.txt</c>, which every group
    /// shares, is not the group's to take off: the answer says where it is.
    /// </summary>
    private async Task<CommandReply> DisallowAsync(GroupCommand command, ChatMessage message, string prefix)
    {
        if (!GroupAllowList.IsFileGroupId(message.GroupId))
        {
            return CommandReply.Say(message, "本群的编号不能用作文件名，无法在群里取消放行；请编辑 allow.txt");
        }

        var file = GroupAllowList.FileName(message.GroupId);
        var phrase = command.Argument;
        GroupAllowRemoved removed;
        try
        {
            removed = GroupAllowList.Remove(rulesOptions.CurrentValue.ResolvePath(), message.GroupId, phrase);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogAllowNotWritten(ex, file);
            return CommandReply.Say(message, $"无法写入 {file}：规则目录不可写");
        }

        if (removed == GroupAllowRemoved.NotUtf8)
        {
            return CommandReply.Say(message, NotUtf8(file));
        }

        if (removed != GroupAllowRemoved.Removed)
        {
            // Several phrases run together are no line the list has: each is taken off on its own.
            var several = removed == GroupAllowRemoved.NotThere ? GroupAllowList.PhrasesRunTogether(phrase) : [];
            return CommandReply.Say(message, $"「{phrase}」不在本群放行名单中" + (removed == GroupAllowRemoved.NoList ? "（本群没有放行名单）" : "")
                + (SharedAllow(phrase) ? "；它在全体群共用的 allow.txt 里，请编辑该文件" : "")
                + (several.Count > 0 ? "；" + GroupCommandParser.OnePhraseAtATime(prefix, GroupCommandParser.DisallowName, several) : ""));
        }

        var loaded = loader.Reload();
        var stillInForce = !loaded || InGroupList(message.GroupId, phrase);
        await AuditAsync(command, message, $"{phrase} ({file}{(stillInForce ? ", still in force: the rules did not reload" : "")})");
        if (stillInForce)
        {
            LogAllowNotInForce(message.GroupId, file, loaded);
            return CommandReply.Say(message, $"已从 {file} 删除，但规则文件有错误，暂未生效");
        }

        return CommandReply.Say(message, $"已取消放行「{phrase}」，仅本群" + (SharedAllow(phrase) ? "；它仍在全体群共用的 allow.txt 里" : ""));
    }

    /// <summary>
    /// The answer of 放行 and 取消放行 to a list an editor saved as GBK: written to from the group, it
    /// would be half GBK, half UTF-8 (or rewritten garbled), so it is left as it is.
    /// </summary>
    private static string NotUtf8(string file) => $"{file} 不是 UTF-8 编码的文本，无法在群里修改；请用编辑器另存为 UTF-8";

    /// <summary>The most phrases one answer to <c>放行名单</c> lists; the rest are counted.</summary>
    internal const int MaxListedPhrases = 10;

    /// <summary>
    /// The longest answer to <c>放行名单</c> (the @ aside) past its first phrase: what a phone shows in a
    /// few lines. Ten phrases of their full 50 characters made it near 600.
    /// </summary>
    internal const int MaxListAnswerLength = 200;

    /// <summary>What the answer to <c>放行名单</c> ends with when it leaves phrases out: where the rest are.</summary>
    internal const string ListCut = " 等，完整名单见该文件";

    /// <summary>
    /// The group's allow list as in force: how many phrases, the file, and as many of the first
    /// <see cref="MaxListedPhrases"/> as the answer holds within <see cref="MaxListAnswerLength"/>
    /// (one at least), then, when some are left out, <see cref="ListCut"/>. The whole group reads the
    /// answer, so where a rule's term stands inside a phrase it is masked as <c>检查</c> masks it
    /// (加微信群: 「加**群」).
    /// </summary>
    private async Task<CommandReply> AllowListAsync(GroupCommand command, ChatMessage message)
    {
        var set = rules.Current;
        var file = GroupAllowList.FileName(message.GroupId);
        var phrases = set.GroupAllow.TryGetValue(message.GroupId, out var list) ? list.Select(p => p.Text).Distinct(StringComparer.Ordinal).ToList() : [];
        await AuditAsync(command, message, string.Create(CultureInfo.InvariantCulture, $"{phrases.Count} phrases (rules {set.Version})"));
        if (phrases.Count == 0)
        {
            return CommandReply.Say(message, "本群没有放行词语");
        }

        var answer = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"本群放行 {phrases.Count} 条（{file}）："));
        var shown = 0;
        foreach (var phrase in phrases.Take(MaxListedPhrases))
        {
            var (verdict, misses) = MessageDetector.Explain(set, phrase, message.GroupId, segmenter);
            var quoted = (shown > 0 ? "、" : "") + "「" + MaskStretches(phrase, verdict.Hits.Select(h => (h.Start, h.Start + h.Length)).Concat(misses.Select(m => (m.Start, m.Start + m.Length)))) + "」";
            var cut = shown + 1 < phrases.Count ? ListCut.Length : 0;
            if (shown > 0 && answer.Length + quoted.Length + cut > MaxListAnswerLength)
            {
                break;
            }

            answer.Append(quoted);
            shown++;
        }

        return CommandReply.Say(message, answer.Append(shown < phrases.Count ? ListCut : "").ToString());
    }

    /// <summary>Whether a phrase is on the group's own allow list in the rules in force.</summary>
    private bool InGroupList(string groupId, string phrase) =>
        rules.Current.GroupAllow.TryGetValue(groupId, out var phrases) && phrases.Any(p => p.Text == phrase);

    /// <summary>Whether a phrase is in <c>allow.txt</c>, for every group, not just this one.</summary>
    private bool SharedAllow(string phrase) => rules.Current.Allow.Any(p => p.Text == phrase);

    /// <summary>
    /// Trusts the members named in this group (<see cref="ITrustedMembers"/>): their messages are
    /// recorded, never acted on here, from the next one on. One the group's settings trust already
    /// is said so and not written; past <see cref="GroupOverride.MaxTrusted"/> none is written.
    /// </summary>
    private async Task<CommandReply> TrustAsync(GroupCommand command, ChatMessage message)
    {
        if (trusted is null)
        {
            return CommandReply.Say(message, "信任名单不可用：没有数据库");
        }

        var group = settings.For(message.GroupId).Group;
        var bySettings = command.Users.Where(u => group?.Trusts(u) == true).ToList();
        var wanted = command.Users.Except(bySettings, StringComparer.Ordinal).ToList();
        var result = wanted.Count == 0
            ? new TrustAdded([], [], Full: false, 0)
            : await trusted.TrustAsync(message.Platform, message.GroupId, wanted, GroupOverride.MaxTrusted, time.GetUtcNow(), Actor(message), CancellationToken.None);
        await AuditAsync(
            command,
            message,
            result.Full
                ? string.Create(CultureInfo.InvariantCulture, $"not trusted, the list is full ({result.Count}): {string.Join(',', wanted)}")
                : $"trusted {string.Join(',', result.Added)}"
                    + (result.Already.Count > 0 ? $"; trusted before {string.Join(',', result.Already)}" : "")
                    + (bySettings.Count > 0 ? $"; trusted in the settings {string.Join(',', bySettings)}" : ""));
        if (result.Full)
        {
            return CommandReply.Say(message, string.Create(CultureInfo.InvariantCulture,
                $"本群信任名单已满（{GroupOverride.MaxTrusted} 人），未添加；请先取消信任不再需要的人"));
        }

        var said = new List<string>();
        if (result.Added.Count > 0)
        {
            said.Add($"已信任 {Listed(result.Added)}：本群只记录其消息，不处理");
        }

        if (result.Already.Count > 0)
        {
            said.Add($"{Listed(result.Already)} 之前已信任");
        }

        if (bySettings.Count > 0)
        {
            said.Add($"{Listed(bySettings)} 已在设置中信任");
        }

        return CommandReply.Say(message, string.Join("；", said));
    }

    /// <summary>
    /// Stops trusting the members named in this group: their messages are acted on again from the
    /// next one. One its settings trust, or every group's, is not the group's to take off: the
    /// answer says which setting keeps them, as <c>取消放行</c> names <c>allow.txt</c>.
    /// </summary>
    private async Task<CommandReply> UntrustAsync(GroupCommand command, ChatMessage message)
    {
        if (trusted is null)
        {
            return CommandReply.Say(message, "信任名单不可用：没有数据库");
        }

        var configured = settings.For(message.GroupId);
        var removed = await trusted.UntrustAsync(message.Platform, message.GroupId, command.Users, CancellationToken.None);
        var bySettings = command.Users.Where(u => configured.Group?.Trusts(u) == true).ToList();
        var everywhere = command.Users.Where(u => configured.Options.ExemptUsers.Contains(u, StringComparer.Ordinal) && !bySettings.Contains(u, StringComparer.Ordinal)).ToList();
        var stillSpared = bySettings.Concat(everywhere).ToHashSet(StringComparer.Ordinal);
        var notThere = command.Users.Where(u => !removed.Contains(u, StringComparer.Ordinal) && !stillSpared.Contains(u)).ToList();
        await AuditAsync(
            command,
            message,
            $"untrusted {string.Join(',', removed)}"
                + (notThere.Count > 0 ? $"; not trusted {string.Join(',', notThere)}" : "")
                + (bySettings.Count > 0 ? $"; still trusted in the settings {string.Join(',', bySettings)}" : "")
                + (everywhere.Count > 0 ? $"; still exempt in every group {string.Join(',', everywhere)}" : ""));

        var said = new List<string>();
        // One the settings still spare is said under the setting, not as acted on again.
        var acting = removed.Where(u => !stillSpared.Contains(u)).ToList();
        if (acting.Count > 0)
        {
            said.Add($"已取消信任 {Listed(acting)}：本群恢复处理其消息");
        }

        if (notThere.Count > 0)
        {
            said.Add($"{Listed(notThere)} 不在本群信任名单中");
        }

        if (bySettings.Count > 0)
        {
            said.Add($"{Listed(bySettings)} 由设置信任，仍不处理；请修改 GroupGuard:Groups:{message.GroupId}:ExemptUsers");
        }

        if (everywhere.Count > 0)
        {
            said.Add($"{Listed(everywhere)} 全局免处置，仍不处理；请修改 GroupGuard:Moderation:ExemptUsers");
        }

        return CommandReply.Say(message, string.Join("；", said));
    }

    /// <summary>The most members one answer of <c>信任名单</c> lists in each of its parts; the rest are counted.</summary>
    internal const int MaxListedMembers = 10;

    /// <summary>
    /// Who is spared in this group, saying by what: the members its admins trust (<c>信任</c>, the
    /// console), those its settings trust (<c>GroupGuard:Groups:&lt;id&gt;:ExemptUsers</c>) and
    /// those spared in every group (<c>GroupGuard:Moderation:ExemptUsers</c>), each part counted and
    /// its first <see cref="MaxListedMembers"/> named. Owners and admins go without saying.
    /// </summary>
    private async Task<CommandReply> TrustListAsync(GroupCommand command, ChatMessage message, string prefix)
    {
        var configured = settings.For(message.GroupId);
        var byCommand = trusted is null ? [] : (await trusted.ListAsync(message.Platform, message.GroupId, CancellationToken.None)).Select(t => t.UserId).ToList();
        var bySettings = (configured.Group?.ExemptUsers ?? []).Distinct(StringComparer.Ordinal).ToList();
        var everywhere = configured.Options.ExemptUsers.Distinct(StringComparer.Ordinal).ToList();
        await AuditAsync(command, message, string.Create(CultureInfo.InvariantCulture, $"{byCommand.Count} trusted, {bySettings.Count} in the settings, {everywhere.Count} in every group"));

        var said = new List<string>();
        if (byCommand.Count > 0)
        {
            said.Add(string.Create(CultureInfo.InvariantCulture, $"本群信任 {byCommand.Count} 人：{Listed(byCommand, MaxListedMembers)}"));
        }

        if (bySettings.Count > 0)
        {
            said.Add(string.Create(CultureInfo.InvariantCulture, $"设置中信任 {bySettings.Count} 人：{Listed(bySettings, MaxListedMembers)}"));
        }

        if (everywhere.Count > 0)
        {
            said.Add(string.Create(CultureInfo.InvariantCulture, $"全局免处置 {everywhere.Count} 人：{Listed(everywhere, MaxListedMembers)}"));
        }

        return CommandReply.Say(message, said.Count > 0
            ? string.Join("；", said)
            : $"本群没有信任的成员；信任某人：{prefix} {GroupCommandParser.TrustName} @某人");
    }

    /// <summary>Members by id, parted by 、 as a list is written; past <paramref name="max"/>, the first ones and 等.</summary>
    private static string Listed(IReadOnlyList<string> users, int max = GroupCommandParser.MaxUsers) =>
        string.Join("、", users.Take(max)) + (users.Count > max ? " 等" : "");

    /// <summary>Switches dry run on or off; asked (<c>试运行</c> alone), says what it is and how to change it.</summary>
    private async Task<CommandReply> DryRunAsync(GroupCommand command, ChatMessage message, string prefix)
    {
        if (command.On is not { } on)
        {
            var inForce = await DryRunInForceAsync(message);
            await AuditAsync(command, message, inForce ? "asked: on" : "asked: off");
            return CommandReply.Say(message, DryRunSetting(inForce, prefix));
        }


        await switches.SetDryRunAsync(message.Platform, message.GroupId, on, time.GetUtcNow(), Actor(message), CancellationToken.None);
        await AuditAsync(command, message, on ? "on" : "off");
        return CommandReply.Say(message, on ? "已开启试运行：本群只记录，不处理" : "已关闭试运行：本群恢复处理");
    }

    /// <summary>
    /// The group's dry run as <c>状态</c> says it (<c>试运行关</c>), what that means, as switching it
    /// answers, and the command that changes it: <c>本群试运行关：违规消息照常处理。开启：/gg 试运行 开</c>.
    /// </summary>
    internal static string DryRunSetting(bool on, string prefix) => on
        ? $"本群试运行开：只记录，不处理。关闭：{prefix} {GroupCommandParser.DryRunName} 关"
        : $"本群试运行关：违规消息照常处理。开启：{prefix} {GroupCommandParser.DryRunName} 开";

    /// <summary>What the rules in force make of the text in this group: the rules it hits, or why the terms found do not count.</summary>
    private async Task<CommandReply> CheckAsync(GroupCommand command, ChatMessage message)
    {
        var set = rules.Current;
        var (verdict, misses) = MessageDetector.Explain(set, command.Argument, message.GroupId, segmenter);
        await AuditAsync(command, message, string.Create(CultureInfo.InvariantCulture, $"{command.Argument.Length} chars: {verdict.Hits.Count} hits, {misses.Count} near misses (rules {set.Version})"));
        return CommandReply.Say(message, CheckAnswer(command.Argument, verdict, misses));
    }

    /// <summary>
    /// <c>检查</c> without text, in reply to a message: that message's text checked as <c>检查 文字</c>
    /// would check it, the answer after <c>检查所回复的消息：</c>, found as GroupGuard took it in
    /// (<see cref="RecentTexts"/>: the last 2,000 messages, 30 minutes). GroupGuard's own warning is
    /// not checked: the answer says what it was about. A command is not checked either. A message no
    /// longer remembered, or with no text of its own (a picture alone), is answered with what the
    /// rules found in it then, from its incidents: their stored text may be masked, cut, a picture's
    /// or a forwarded message's, so it is not checked again as if it were the message. A message
    /// that is neither is answered so, with how to check its text by hand.
    /// </summary>
    private async Task<CommandReply> CheckRepliedAsync(GroupCommand command, ChatMessage message, string prefix)
    {
        var replied = new GroupMessageRef(message.Platform, message.BotId, message.GroupId, command.ReplyTo!);
        var set = rules.Current;
        var warned = await WarnedAsync(replied);
        if (warned.Count > 0)
        {
            await AuditAsync(command, message, $"reply to warning {command.ReplyTo}: incidents {Ids(warned)}");
            return CommandReply.Say(message, $"所回复的是机器人的警告，不检查；它针对：{Recorded(warned, set)}");
        }

        var remembered = texts?.Find(replied);
        if (remembered is { Command: true })
        {
            return CommandReply.Say(message, $"所回复的是一条命令，不检查；要检查文字请发送 {prefix} {GroupCommandParser.CheckName} 文字");
        }

        if (remembered is { TooLong: true })
        {
            return CommandReply.Say(message, string.Create(CultureInfo.InvariantCulture, $"所回复的消息有 {remembered.Length} 个字，检查的文字最长 {GroupCommandParser.MaxCheckLength} 个字"));
        }

        if (remembered is not null && !remembered.Text.AsSpan().IsWhiteSpace())
        {
            var (verdict, misses) = MessageDetector.Explain(set, remembered.Text, message.GroupId, segmenter);
            await AuditAsync(command, message, string.Create(CultureInfo.InvariantCulture, $"replied message {command.ReplyTo}, {remembered.Text.Length} chars: {verdict.Hits.Count} hits, {misses.Count} near misses (rules {set.Version})"));
            return CommandReply.Say(message, $"检查所回复的消息{ReadAs(remembered)}：" + CheckAnswer(remembered.Text, verdict, misses));
        }

        var incidents = (await store.FindByMessageAsync(replied, CancellationToken.None)).Where(i => i.GroupId == message.GroupId).ToList();
        if (incidents.Count > 0)
        {
            await AuditAsync(command, message, $"replied message {command.ReplyTo}, {(remembered is null ? "not remembered" : "no text")}: incidents {Ids(incidents)}");
            return CommandReply.Say(message, (remembered is null ? "所回复的消息太旧，无法重新检查" : "所回复的消息没有文字") + $"；当时命中：{Recorded(incidents, set)}");
        }

        return remembered is null
            ? CommandReply.Say(message, $"没有找到所回复消息的文字（太旧、机器人未收到，或是机器人自己发的）：请复制文字发送 {prefix} {GroupCommandParser.CheckName} 文字")
            : CommandReply.Say(message, $"所回复的消息没有文字{ReadAs(remembered)}");
    }

    private static string Ids(IEnumerable<Incident> incidents) =>
        string.Join(' ', incidents.Select(i => "#" + i.Id.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// How the answer about a message replied to read it, in brackets: joined to the pieces before
    /// it (连同…), and without its pictures and forwarded chats, which are read apart from the text
    /// (图片未检查); empty when it is the message's text alone.
    /// </summary>
    private static string ReadAs(RecentText remembered)
    {
        var said = new List<string>();
        if (remembered.EarlierPieces > 0)
        {
            said.Add(string.Create(CultureInfo.InvariantCulture, $"连同此人之前的 {remembered.EarlierPieces} 条短消息"));
        }

        var apart = (remembered.Pictures, remembered.Forwards) switch
        {
            (true, true) => "图片和合并转发未检查",
            (true, false) => "图片未检查",
            (false, true) => "合并转发未检查",
            _ => null,
        };
        if (apart is not null)
        {
            said.Add(apart);
        }

        return said.Count == 0 ? "" : "（" + string.Join("；", said) + "）";
    }

    /// <summary>
    /// The incidents as the answer names what the rules found: each rule by its name, else its pack's
    /// name and its id, as <see cref="CheckAnswer"/> names them (<see cref="Rule.ShownName"/>), the term
    /// as stored, masked as a check masks it, and the incident's number (<c>加联系方式引流「加**」（#12）</c>,
    /// <c>广告 ads.contact「加**」（#12）</c>), one marked false positive said so; a rule since taken out by its id.
    /// </summary>
    private static string Recorded(IReadOnlyList<Incident> incidents, RuleSet set)
    {
        var named = incidents.Take(MaxCheckItems).Select(i =>
        {
            var rule = set.Find(i.Rule) ?? Moderator.BuiltInRule(i.Rule);
            return string.Create(CultureInfo.InvariantCulture, $"{rule?.ShownName ?? i.Rule}「{Masked(i.MatchedTerm)}」（#{i.Id}{(i.FalsePositive ? "，已标记误判" : "")}）");
        });
        return string.Join("，", named) + (incidents.Count > MaxCheckItems ? string.Create(CultureInfo.InvariantCulture, $" 等 {incidents.Count} 条") : "");
    }

    /// <summary>The most hits or near misses one answer to <c>检查</c> names.</summary>
    internal const int MaxCheckItems = 3;

    /// <summary>
    /// One line: the rules the text hits (会命中), else why each term found does not count (不会命中。未计入),
    /// else that none was found, each rule by its name (<c>加联系方式引流</c>), else by its pack's name and its id
    /// (<see cref="Rule.ShownName"/>). The answer is posted to the whole group, so a term shows only its
    /// first character (「傻*」): the rule's name says the rest. Where the answer quotes the member's
    /// <paramref name="text"/> around a term (the words an allow phrase covered), every term found
    /// in the quote is masked the same way, so a phone number is not printed whole beside its mask.
    /// </summary>
    internal static string CheckAnswer(string text, Verdict verdict, IReadOnlyList<NearMiss> misses)
    {
        static string More(int count) => count > MaxCheckItems ? string.Create(CultureInfo.InvariantCulture, $" 等 {count} 条") : "";

        if (verdict.Flagged)
        {
            return "会命中：" + string.Join("，", verdict.Hits.Take(MaxCheckItems).Select(h => $"{h.Rule.ShownName}「{Masked(h.Matched)}」")) + More(verdict.Hits.Count);
        }

        return misses.Count == 0
            ? "不会命中：没有找到任何规则的词"
            : "不会命中。未计入：" + string.Join("；", misses.Take(MaxCheckItems).Select(m => $"{m.Rule.ShownName}「{Masked(m.Matched)}」{Why(m, Covered(text, m, misses))}")) + More(misses.Count);
    }

    /// <summary>
    /// For a term an allow phrase cancelled: the member's text the phrase covered (its
    /// <see cref="NearMiss.Detail"/>), with each stretch of it a term was found in (this one's and any
    /// other's) masked as <see cref="Masked"/> masks a term; null for any other reason. Where the
    /// covered text cannot be placed in <paramref name="text"/> around the term, all of it is masked.
    /// </summary>
    private static string? Covered(string text, NearMiss miss, IReadOnlyList<NearMiss> misses)
    {
        if (miss.Reason != MissReason.Allowed || miss.Detail is not { Length: > 0 } covered)
        {
            return null;
        }

        var start = -1;
        for (var at = text.IndexOf(covered, StringComparison.Ordinal); at >= 0 && at <= miss.Start; at = text.IndexOf(covered, at + 1, StringComparison.Ordinal))
        {
            if (at + covered.Length >= miss.Start + miss.Length)
            {
                start = at;
                break;
            }
        }

        if (start < 0)
        {
            return Masked(covered);
        }

        return MaskStretches(text[start..(start + covered.Length)], misses.Select(m => (m.Start - start, m.Start + m.Length - start)));
    }

    /// <summary>
    /// <paramref name="text"/> with each of <paramref name="stretches"/> (start and end offsets in
    /// it, clipped to it) masked as <see cref="Masked"/> masks a term, stretches that overlap merged.
    /// </summary>
    private static string MaskStretches(string text, IEnumerable<(int Start, int End)> stretches)
    {
        var found = stretches
            .Select(s => (Start: Math.Max(s.Start, 0), End: Math.Min(s.End, text.Length)))
            .Where(s => s.Start < s.End)
            .OrderBy(s => s.Start)
            .ToList();
        var quote = new StringBuilder();
        var from = 0;
        for (var i = 0; i < found.Count; i++)
        {
            var (stretchStart, stretchEnd) = found[i];
            while (i + 1 < found.Count && found[i + 1].Start < stretchEnd)
            {
                stretchEnd = Math.Max(stretchEnd, found[++i].End);
            }

            if (stretchStart < from)
            {
                continue;
            }

            quote.Append(text, from, stretchStart - from).Append(Masked(text[stretchStart..stretchEnd]));
            from = stretchEnd;
        }

        return quote.Append(text, from, text.Length - from).ToString();
    }

    /// <summary>
    /// The first character (a whole surrogate pair) as written, each later letter or digit as *; past
    /// <see cref="MaskedLength"/> characters cut with … (a regex's match may be a long stretch).
    /// </summary>
    private static string Masked(string term)
    {
        var first = term.Length > 1 && char.IsSurrogatePair(term[0], term[1]) ? 2 : 1;
        if (term.Length <= first)
        {
            return term;
        }

        var rest = term[first..];
        var masked = new string([.. rest.Take(MaskedLength - 1).Select(c => char.IsLetterOrDigit(c) || char.IsSurrogate(c) ? '*' : c)]);
        return string.Concat(term.AsSpan(0, first), masked, rest.Length > MaskedLength - 1 ? "…" : "");
    }

    /// <summary>The most characters of a masked term an answer shows.</summary>
    private const int MaskedLength = 8;

    /// <summary>Why the term does not count; <paramref name="covered"/>, the allowed words as <see cref="Covered"/> quotes them.</summary>
    private static string Why(NearMiss miss, string? covered) => miss.Reason switch
    {
        MissReason.OtherGroup => "不适用于本群",
        MissReason.InsideAsciiWord => "在英文单词之内",
        MissReason.AcrossClauseBreak => "跨越了标点、表情或 @",
        MissReason.Allowed => $"被放行词「{covered}」覆盖",
        MissReason.PrecededBy => "前面有排除词",
        MissReason.NoTarget => miss.Rule.Target == TermTarget.Group ? "附近没有指向群体" : "附近没有指向人",
        MissReason.TargetInsideWord => miss.Rule.Target == TermTarget.Group ? "附近的群体词都在更长的词里" : "附近的指人词都在更长的词里",
        MissReason.HalfOfDoubledWord => "是把叠词读成一个字凑成的",
        MissReason.InsideWord => "是更长词语的一部分",
        MissReason.Near => $"所在句中有排除词「{miss.Detail}」",
        MissReason.AllowedDomain => "其中的链接属于放行的网站",
        _ => miss.Reason.ToString(),
    };

    /// <summary>The group's switch, else its configured dry run, else the service's.</summary>
    private async Task<bool> DryRunInForceAsync(ChatMessage message)
    {
        var configured = settings.For(message.GroupId);
        return await switches.GetDryRunAsync(message.Platform, message.GroupId, CancellationToken.None)
            ?? configured.Group?.DryRun
            ?? configured.Options.DryRun;
    }

    /// <summary>Today in the service's time zone: its start and end, and the offset at its start.</summary>
    private (DateTimeOffset Start, DateTimeOffset End, TimeSpan Offset) Today()
    {
        var zone = time.LocalTimeZone;
        var local = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone);
        var midnight = local.Date;
        var offset = zone.GetUtcOffset(midnight);
        var start = new DateTimeOffset(midnight, offset);
        var next = midnight.AddDays(1);
        return (start, new DateTimeOffset(next, zone.GetUtcOffset(next)), offset);
    }

    /// <summary>
    /// One line of the audit log for a command carried out. The command stands when the log cannot
    /// be written: it was done, and the log says why it lacks the line.
    /// </summary>
    private async Task AuditAsync(GroupCommand command, ChatMessage message, string? detail)
    {
        try
        {
            await accounts.AuditAsync(
                new AuditEntry(0, time.GetUtcNow(), Actor(message), AuditPrefix + command.Name, $"{message.Platform}:{message.GroupId}", detail, Remote: null),
                CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogNotAudited(ex, command.Name, message.Platform, message.GroupId, message.UserId);
        }
    }

    /// <summary>
    /// What <paramref name="command"/> asked, as <see cref="CommandReply.Asked"/> keeps it: the same
    /// for /gg, /gg 帮助 and /gg帮助 from anyone; another for 检查 of another text or reply, 解禁 of
    /// other members.
    /// </summary>
    private static string Asked(GroupCommand command) =>
        string.Join('\n', command.Verb.ToString(), command.Argument, command.On is { } on ? (on ? "on" : "off") : "", command.ReplyTo ?? "", string.Join(',', command.Users));

    private static string Actor(ChatMessage message) => $"{message.Platform}:{message.UserId}";

    private void Reply(GroupCommand command, CommandReply reply)
    {
        if (!replies.TryEnqueue(reply with { Name = command.Name, Asked = Asked(command) }))
        {
            LogReplyDropped(reply.Command.GroupId, reply.Command.MessageId);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Command {Name} from {UserId} in {Platform} group {GroupId}, who is no owner or admin: moderated as text")]
    private partial void LogNotAdmin(string name, string platform, string groupId, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {Name} from {UserId} in {Platform} group {GroupId} is over the rate limit: not carried out")]
    private partial void LogLimited(string name, string platform, string groupId, string userId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Command {Name} in {Platform} group {GroupId} (message {MessageId}) failed")]
    private partial void LogFailed(Exception ex, string name, string platform, string groupId, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Command {Name} from {UserId} in {Platform} group {GroupId} was carried out but could not be written to the audit log")]
    private partial void LogNotAudited(Exception ex, string name, string platform, string groupId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command: the reply queue is full; the answer to message {MessageId} in group {GroupId} is dropped")]
    private partial void LogReplyDropped(string groupId, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Command: {File} could not be written in the rules folder")]
    private partial void LogAllowNotWritten(Exception ex, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command: a phrase was added to {File} for group {GroupId}, but the rules did not reload with it (reload ok: {Loaded}); see the rules errors")]
    private partial void LogAllowNotInForce(string groupId, string file, bool loaded);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Group command {Command} in {Platform} group {GroupId} (message {MessageId}) is carried out by another instance, which claimed it first")]
    private partial void LogClaimedElsewhere(string command, string platform, string groupId, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group command {Command} in {Platform} group {GroupId} (message {MessageId}) could not be claimed; carried out here, perhaps by another instance too")]
    private partial void LogClaimFailed(Exception ex, string command, string platform, string groupId, string messageId);
}
