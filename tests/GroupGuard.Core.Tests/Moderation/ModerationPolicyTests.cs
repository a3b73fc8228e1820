using GroupGuard.Core.Detection;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Tests.Detection;

namespace GroupGuard.Core.Tests.Moderation;

public sealed class ModerationPolicyTests
{
    private static readonly RuleSet Rules = MessageDetectorTests.Load("""
        pack: ads
        name: 广告
        rules:
          - id: ads.recall
            terms: [加微信]
            action: recall
          - id: ads.warn
            terms: [私聊我]
            action: warn
            warning: "{pack}：请勿私聊拉人"
          - id: ads.log
            terms: [优惠券]
            action: log
          - id: ads.mute
            terms: [代开发票]
            action: mute
            mute_minutes: 30
          - id: ads.shadow
            terms: [兼职]
            action: kick
            mode: shadow
        """);

    private static ChatMessage Message(string text, string user = "200", SenderRole role = SenderRole.Member, string platform = "qq") =>
        Messages.Group(
            text,
            id: "555",
            group: "100",
            groupName: "家长群",
            user: user,
            role: role,
            platform: platform,
            bot: "1",
            time: DateTimeOffset.Parse("2026-11-26T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private static Decision Decide(ChatMessage message, int offences = 0, ModerationOptions? options = null, GroupOverride? group = null, PrivacyOptions? privacy = null, Func<ModerationAction, bool>? canDo = null, bool? dryRunSwitch = null, bool trusted = false)
    {
        var hits = MessageDetector.Detect(Rules, message).Hits;
        var context = new PolicyContext(offences, message.SenderRole, message.Time, options ?? new ModerationOptions(), group, privacy ?? new PrivacyOptions(), canDo ?? (_ => true), dryRunSwitch, trusted);
        return ModerationPolicy.Decide(message, hits, Rules.Version, context);
    }

    private static ModerationAction[] Actions(Decision d) => [.. d.Actions.Select(a => a.Action)];

    [Fact]
    public void The_strongest_enforced_action_wins_and_each_hit_is_an_incident()
    {
        var decision = Decide(Message("加微信 私聊我 优惠券"));

        Assert.Equal([ModerationAction.Recall], Actions(decision));
        Assert.Equal(3, decision.Incidents.Count);
        Assert.Equal(ActionStatus.Pending, decision.Incidents.Single(i => i.Rule == "ads.recall").ActionStatus);
        Assert.Equal(ActionStatus.Done, decision.Incidents.Single(i => i.Rule == "ads.log").ActionStatus);
        Assert.Equal("555", decision.Actions[0].MessageId);
    }

    [Fact]
    public void A_long_message_keeps_the_part_around_its_hit_with_the_span_on_the_hit()
    {
        var text = new string('啊', 50_000) + "加微信" + new string('哦', 50_000);
        var message = Message(text) with { SenderName = new string('名', 5_000), GroupName = new string('群', 5_000) };

        var incident = Assert.Single(Decide(message).Incidents);

        Assert.True(incident.MessageText.Length <= StoredText.MaxMessageChars, $"{incident.MessageText.Length} characters kept");
        var span = Assert.Single(incident.Spans);
        Assert.Equal("加微信", incident.MessageText.Substring(span.Start, span.Length));
        Assert.StartsWith("…", incident.MessageText, StringComparison.Ordinal);
        Assert.EndsWith("…", incident.MessageText, StringComparison.Ordinal);
        Assert.True(incident.SenderName!.Length <= StoredText.MaxNameChars);
        Assert.True(incident.GroupName!.Length <= StoredText.MaxNameChars);
        Assert.True(incident.NormalizedText is null || incident.NormalizedText.Length <= StoredText.MaxMessageChars);
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 10_000)) + "加微信";

        var incident = Assert.Single(Decide(Message(text)).Incidents);

        var strict = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        Assert.True(strict.GetByteCount(incident.MessageText) > 0); // throws on a lone surrogate
        Assert.Equal("加微信", incident.MessageText.Substring(incident.Spans[0].Start, incident.Spans[0].Length));
    }

    [Fact]
    public void A_log_hit_calls_nothing()
    {
        var decision = Decide(Message("优惠券"));

        Assert.Empty(decision.Actions);
        Assert.Equal(ActionStatus.Done, Assert.Single(decision.Incidents).ActionStatus);
    }

    [Fact]
    public void A_mute_also_recalls_and_sends_its_duration()
    {
        var decision = Decide(Message("代开发票"));

        Assert.Equal([ModerationAction.Recall, ModerationAction.Mute, ModerationAction.Warn], Actions(decision));
        Assert.Equal(1800, decision.Actions.Single(a => a.Action == ModerationAction.Mute).MuteSeconds);
        Assert.Equal(1800, Assert.Single(decision.Incidents).MuteSeconds);
    }

    /// <summary>
    /// A warning that escalates to a mute (a flooder's second offence): the mute is carried out
    /// first and the warning that explains it after it, so the warning, which may wait for others to
    /// the group to share its message, never holds up the mute. A restart rebuilds the same order.
    /// </summary>
    [Fact]
    public void A_warning_comes_after_the_actions_it_explains()
    {
        var decision = Decide(Message("私聊我"), offences: 1);

        Assert.Equal([ModerationAction.Mute, ModerationAction.Warn], Actions(decision));
        Assert.Equal([ModerationAction.Mute, ModerationAction.Warn], Assert.Single(decision.Incidents).PlannedActions);
        var target = ActionTarget.Of(Message("私聊我"));
        Assert.Equal(
            [ModerationAction.Recall, ModerationAction.Kick, ModerationAction.Warn],
            ActionPlan.Build(target, [ModerationAction.Warn, ModerationAction.Kick, ModerationAction.Log, ModerationAction.Recall], 0, "w").Select(a => a.Action));
    }

    /// <summary>
    /// By default a mute or kick is said in the group (the warning names why), a recall alone is
    /// not; <c>Announce</c> turns that off or on for every recall, and a group may differ.
    /// </summary>
    [Fact]
    public void Mutes_and_kicks_are_announced_in_the_group_by_default_and_the_setting_says_which()
    {
        var none = new ModerationOptions { Announce = Announcements.None };
        var all = new ModerationOptions { Announce = Announcements.All };

        Assert.Equal([ModerationAction.Recall], Actions(Decide(Message("加微信"))));
        Assert.Equal([ModerationAction.Recall, ModerationAction.Mute, ModerationAction.Warn], Actions(Decide(Message("加微信"), offences: 1)));
        Assert.Equal("请勿发布广告相关内容", Decide(Message("加微信"), offences: 1).Actions.Single(a => a.Action == ModerationAction.Warn).WarningText);
        Assert.Equal([ModerationAction.Recall, ModerationAction.Mute], Actions(Decide(Message("代开发票"), options: none)));
        Assert.Equal([ModerationAction.Recall, ModerationAction.Warn], Actions(Decide(Message("加微信"), options: all)));
        Assert.Equal([ModerationAction.Recall], Actions(Decide(Message("加微信"), options: all, group: new GroupOverride { Announce = Announcements.Mutes })));
        Assert.Equal([ModerationAction.Recall, ModerationAction.Mute], Actions(Decide(Message("代开发票"), group: new GroupOverride { Announce = Announcements.None })));

        // Nothing is said where nothing is done, nor where the platform cannot post.
        Assert.Empty(Decide(Message("代开发票", role: SenderRole.Admin)).Actions);
        Assert.Empty(Decide(Message("代开发票"), options: new ModerationOptions { DryRun = true }).Actions);
        Assert.Equal([ModerationAction.Recall, ModerationAction.Mute], Actions(Decide(Message("代开发票"), canDo: a => a != ModerationAction.Warn)));
    }

    [Fact]
    public void An_announcement_says_what_the_platform_did_and_nothing_it_did_not()
    {
        var target = ActionTarget.Of(Message("加微信"));
        var done = ActionPlan.Build(target, [ModerationAction.Recall, ModerationAction.Mute], 3600, null);

        Assert.Equal("请勿发广告（已撤回，禁言 1 小时）", ModerationPolicy.WithWhatWasDone("请勿发广告", done));
        Assert.Equal("请勿发广告（禁言 1 小时）", ModerationPolicy.WithWhatWasDone("请勿发广告", done.Where(a => a.Action == ModerationAction.Mute)));
        Assert.Equal("请勿发广告（已撤回，已移出本群）", ModerationPolicy.WithWhatWasDone("请勿发广告", ActionPlan.Build(target, [ModerationAction.Kick, ModerationAction.Recall], 0, null)));
        Assert.Equal("请勿发广告", ModerationPolicy.WithWhatWasDone("请勿发广告", []));
        Assert.Equal(["1 分钟", "10 分钟", "1 小时", "1 小时 30 分钟", "1 天", "30 天"], new[] { 1, 600, 3600, 5400, 86400, 30 * 86400 }.Select(ModerationPolicy.MuteLength));
    }

    [Fact]
    public void A_reason_is_the_same_whatever_was_done_about_it_and_only_what_was_done_is_read_off()
    {
        var target = ActionTarget.Of(Message("加微信"));
        var said = new[] { 60, 600, 5400, 86400 }.Select(s => ModerationPolicy.WithWhatWasDone("请勿刷屏", ActionPlan.Build(target, [ModerationAction.Mute], s, null)))
            .Append(ModerationPolicy.WithWhatWasDone("请勿刷屏", ActionPlan.Build(target, [ModerationAction.Kick, ModerationAction.Recall], 0, null)))
            .ToList();

        Assert.All(said, s => Assert.True(ModerationPolicy.SameReason("请勿刷屏", s), s));
        Assert.All(said, s => Assert.True(ModerationPolicy.SaysWhatWasDone(s), s));
        Assert.False(ModerationPolicy.SaysWhatWasDone("请勿刷屏"));

        // A pack's own brackets are part of its reason, not an outcome.
        Assert.False(ModerationPolicy.SameReason("请勿发广告（含二维码）", "请勿发广告"));
        Assert.False(ModerationPolicy.SaysWhatWasDone("请勿发广告（含二维码）"));
        Assert.False(ModerationPolicy.SameReason("请勿刷屏", "请文明发言（禁言 10 分钟）"));
    }

    [Fact]
    public void The_incident_records_what_the_decision_will_call_so_a_restart_calls_the_same()
    {
        var options = new ModerationOptions { Escalation = [new() { Count = 2, Action = ModerationAction.Kick }] };

        var decision = Decide(Message("加微信 优惠券"), offences: 1, options: options);

        Assert.Equal([ModerationAction.Recall, ModerationAction.Kick, ModerationAction.Warn], Actions(decision));
        var recall = decision.Incidents.Single(i => i.Rule == "ads.recall");
        Assert.Equal([ModerationAction.Recall, ModerationAction.Kick, ModerationAction.Warn], recall.PlannedActions);
        Assert.Equal(Protocol.OneBotV11, recall.Protocol);
        Assert.Empty(decision.Incidents.Single(i => i.Rule == "ads.log").PlannedActions); // done already: nothing to call
    }

    [Fact]
    public void A_dry_run_plans_nothing()
    {
        var decision = Decide(Message("加微信"), options: new ModerationOptions { DryRun = true });

        Assert.Empty(Assert.Single(decision.Incidents).PlannedActions);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(1, 600, 1)] // 2nd incident: mute 10 min
    [InlineData(2, 3600, 2)] // 3rd: mute 60 min
    [InlineData(7, 3600, 2)] // later ones stay at the last step
    public void Repeat_offenders_escalate_by_the_default_steps(int before, int muteSeconds, int step)
    {
        var decision = Decide(Message("加微信"), offences: before);

        Assert.Equal(muteSeconds, decision.Actions.Where(a => a.Action == ModerationAction.Mute).Select(a => a.MuteSeconds).SingleOrDefault());
        Assert.Equal(step, Assert.Single(decision.Incidents).EscalationStep);
        Assert.Contains(ModerationAction.Recall, Actions(decision));
    }

    [Fact]
    public void Configured_steps_replace_the_defaults_and_a_group_can_have_its_own()
    {
        var options = new ModerationOptions { Escalation = [new() { Count = 2, Action = ModerationAction.Kick }] };
        var group = new GroupOverride { Escalation = [new() { Count = 5, Action = ModerationAction.Mute, MuteMinutes = 5 }] };

        Assert.Equal([ModerationAction.Recall, ModerationAction.Kick, ModerationAction.Warn], Actions(Decide(Message("加微信"), offences: 1, options)));
        Assert.Equal([ModerationAction.Recall], Actions(Decide(Message("加微信"), offences: 1, options, group)));
    }

    [Theory]
    [InlineData(SenderRole.Owner, "200")]
    [InlineData(SenderRole.Admin, "200")]
    [InlineData(SenderRole.Member, "1")] // the bot itself
    [InlineData(SenderRole.Member, "999")] // ExemptUsers
    public void Owners_admins_the_bot_and_exempt_users_get_incidents_and_no_action(SenderRole role, string user)
    {
        var decision = Decide(Message("加微信", user, role), offences: 5, new ModerationOptions { ExemptUsers = ["999"] });

        Assert.Empty(decision.Actions);
        Assert.Equal(ActionStatus.Exempt, Assert.Single(decision.Incidents).ActionStatus);
    }

    /// <summary>
    /// Each exempt incident says why its sender was spared, so a digest tells a teacher trusted in
    /// one group (群内信任) from an admin (管理员豁免) and from a member spared in every group (全局免处置).
    /// </summary>
    [Theory]
    [InlineData(SenderRole.Admin, "200", false, ExemptReason.Admin)]
    [InlineData(SenderRole.Member, "1", false, ExemptReason.Bot)]
    [InlineData(SenderRole.Member, "999", false, ExemptReason.Service)] // GroupGuard:Moderation:ExemptUsers
    [InlineData(SenderRole.Member, "300", false, ExemptReason.Group)]   // GroupGuard:Groups:100:ExemptUsers
    [InlineData(SenderRole.Member, "200", true, ExemptReason.Group)]    // /gg 信任
    [InlineData(SenderRole.Member, "999", true, ExemptReason.Group)]    // trusted here and everywhere: the group's word first
    public void An_exempt_incident_says_why_its_sender_was_spared(SenderRole role, string user, bool trusted, ExemptReason reason)
    {
        var decision = Decide(Message("加微信", user, role), offences: 5, new ModerationOptions { ExemptUsers = ["999"] }, new GroupOverride { ExemptUsers = ["300"] }, trusted: trusted);

        Assert.Empty(decision.Actions);
        var incident = Assert.Single(decision.Incidents);
        Assert.Equal(ActionStatus.Exempt, incident.ActionStatus);
        Assert.Equal(reason, incident.ExemptBy);
        Assert.False(incident.CountsAsOffence);
    }

    [Fact]
    public void A_member_trusted_in_one_group_is_acted_on_in_another_and_nobody_else_is_spared()
    {
        var settings = new GroupOverride { ExemptUsers = ["300"] };

        var here = Decide(Message("加微信", "300"), group: settings);
        var elsewhere = Decide(Message("加微信", "300"));
        var another = Decide(Message("加微信", "301"), group: settings);

        Assert.Empty(here.Actions);
        Assert.Equal(ExemptReason.Group, Assert.Single(here.Incidents).ExemptBy);
        Assert.Equal([ModerationAction.Recall], Actions(elsewhere));
        Assert.Null(Assert.Single(elsewhere.Incidents).ExemptBy);
        Assert.Equal([ModerationAction.Recall], Actions(another));
        Assert.Equal(ActionStatus.Pending, Assert.Single(another.Incidents).ActionStatus);
    }

    [Fact]
    public void Dry_run_and_shadow_rules_record_what_would_have_been_done()
    {
        var dry = Decide(Message("加微信"), options: new ModerationOptions { DryRun = true });
        var groupDry = Decide(Message("加微信"), group: new GroupOverride { DryRun = true });
        var shadow = Decide(Message("兼职"));

        Assert.Empty(dry.Actions);
        Assert.Equal(ActionStatus.DryRun, Assert.Single(dry.Incidents).ActionStatus);
        Assert.Equal(ModerationAction.Recall, dry.Incidents[0].DecidedAction);
        Assert.Empty(groupDry.Actions);
        Assert.Empty(shadow.Actions);
        Assert.Equal(ActionStatus.DryRun, Assert.Single(shadow.Incidents).ActionStatus);
        Assert.Equal(ModerationAction.Kick, shadow.Incidents[0].DecidedAction);
    }

    [Fact]
    public void A_dry_run_switched_at_runtime_comes_before_the_groups_and_the_services_setting()
    {
        var switchedOn = Decide(Message("加微信"), group: new GroupOverride { DryRun = false }, dryRunSwitch: true);
        var switchedOff = Decide(Message("加微信"), options: new ModerationOptions { DryRun = true }, group: new GroupOverride { DryRun = true }, dryRunSwitch: false);

        Assert.Empty(switchedOn.Actions);
        Assert.Equal(ActionStatus.DryRun, Assert.Single(switchedOn.Incidents).ActionStatus);
        Assert.Equal([ModerationAction.Recall], Actions(switchedOff));
        Assert.Equal(ActionStatus.Pending, Assert.Single(switchedOff.Incidents).ActionStatus);
    }

    [Fact]
    public void A_group_can_limit_the_packs_that_apply()
    {
        var decision = Decide(Message("加微信"), group: new GroupOverride { Packs = ["other"] });

        Assert.Empty(decision.Incidents);
    }

    [Fact]
    public void What_a_platform_cannot_do_degrades_to_a_warning_and_says_so()
    {
        var decision = Decide(Message("代开发票", platform: "wechat"), canDo: a => a is ModerationAction.Warn or ModerationAction.Kick);

        Assert.Equal([ModerationAction.Warn], Actions(decision));
        var incident = Assert.Single(decision.Incidents);
        Assert.Contains("wechat cannot recall or mute", incident.ActionError, StringComparison.Ordinal);
        Assert.Equal("请勿发布广告相关内容", decision.Actions[0].WarningText);
    }

    [Fact]
    public void Nothing_possible_is_unsupported()
    {
        var decision = Decide(Message("加微信"), canDo: _ => false);

        Assert.Empty(decision.Actions);
        Assert.Equal(ActionStatus.Unsupported, Assert.Single(decision.Incidents).ActionStatus);
    }

    [Fact]
    public void A_pack_named_only_by_its_id_warns_in_chinese_not_with_its_id()
    {
        var rules = MessageDetectorTests.Load("""
            pack: my-ads
            rules:
              - id: my-ads.contact
                terms: [加微信]
                action: warn
            """);

        Assert.Equal("请遵守群规", ModerationPolicy.Warning(rules.Rules.Single()));
        Assert.Equal("请勿发布广告相关内容", ModerationPolicy.Warning(Rules.Rules.Single(r => r.Id == "ads.recall")));
    }

    /// <summary>
    /// A <c>warning:</c> is what members read: {rule} and {category} fill in ids (ads.contact, ads),
    /// and {pack} the pack's id where it has no Chinese name. Each is a warning at load time on the
    /// warning's line, naming what members would read and the Chinese name to write instead;
    /// {pack} of a pack with a Chinese name is what it is for, and no warning.
    /// </summary>
    [Fact]
    public void A_warning_placeholder_members_would_read_as_an_id_is_a_load_warning_naming_it_and_the_chinese_name()
    {
        using var dir = new TempFolder();
        dir.Write("ads.yaml", """
            pack: ads
            name: 广告引流
            category: ads
            warning: "请勿发布{rule}（{category}）"
            rules:
              - id: ads.contact
                terms: [加微信]
                action: warn
              - id: ads.pm
                terms: [私聊我]
                action: warn
                warning: "{pack}：请勿私聊拉人"
            """);
        dir.Write("my.yaml", """
            pack: my-ads
            rules:
              - id: my-ads.contact
                terms: [代开发票]
                action: warn
                warning: "请勿发布{pack}相关内容"
            """);

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Collection(
            result.Warnings,
            w => Assert.Equal(("ads.yaml", 4, "pack 'ads': the warning holds {rule}, which members read as 'ads.contact', the rule's id; give the rule a name: line (name: 加微信引流), which {rule} then gives, or write a Chinese name instead, such as the pack's: 广告引流"), (Path.GetFileName(w.Path), w.Line, w.Message)),
            w => Assert.Equal(("ads.yaml", 4, "pack 'ads': the warning holds {category}, which members read as 'ads', the category's id; write a Chinese name instead, such as the category's: 广告引流"), (Path.GetFileName(w.Path), w.Line, w.Message)),
            w => Assert.Equal(("my.yaml", 6, "rule 'my-ads.contact': the warning holds {pack}, which members read as 'my-ads', the pack's id (it has no name: line); give the pack a Chinese name (a name: line below pack:), which {pack} then gives, or write the Chinese name in the warning"), (Path.GetFileName(w.Path), w.Line, w.Message)));

        // What the members would have read.
        var set = result.RuleSet!;
        Assert.Equal("请勿发布ads.contact（ads）", ModerationPolicy.Warning(set.Rules.Single(r => r.Id == "ads.contact")));
        Assert.Equal("广告引流：请勿私聊拉人", ModerationPolicy.Warning(set.Rules.Single(r => r.Id == "ads.pm")));
        Assert.Equal("请勿发布my-ads相关内容", ModerationPolicy.Warning(set.Rules.Single(r => r.Id == "my-ads.contact")));
    }

    /// <summary>{rule} of a rule with a name: gives its name, which members read; no load warning then.</summary>
    [Fact]
    public void A_warning_s_rule_placeholder_gives_the_rule_s_name_and_warns_only_of_rules_without_one()
    {
        using var dir = new TempFolder();
        dir.Write("ads.yaml", """
            pack: ads
            name: 广告引流
            category: ads
            warning: "请勿发布{rule}"
            rules:
              - id: ads.contact
                name: 加微信引流
                terms: [加微信]
                action: warn
              - id: ads.pm
                name: 私聊拉人
                terms: [私聊我]
                action: warn
                warning: "{rule}：请勿私聊拉人"
            """);
        dir.Write("my.yaml", """
            pack: my
            name: 我的规则
            warning: "请勿发布{rule}"
            rules:
              - id: my.named
                name: 代开发票
                terms: [代开发票]
                action: warn
              - id: my.unnamed
                terms: [刷单]
                action: warn
            """);

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var warning = Assert.Single(result.Warnings); // only my.yaml's, for my.unnamed
        Assert.Equal(("my.yaml", 3), (Path.GetFileName(warning.Path), warning.Line));
        Assert.Contains("'my.unnamed', the rule's id", warning.Message, StringComparison.Ordinal);
        var set = result.RuleSet!;
        Assert.Equal("请勿发布加微信引流", ModerationPolicy.Warning(set.Rules.Single(r => r.Id == "ads.contact")));
        Assert.Equal("私聊拉人：请勿私聊拉人", ModerationPolicy.Warning(set.Rules.Single(r => r.Id == "ads.pm")));
        Assert.Equal("请勿发布代开发票", ModerationPolicy.Warning(set.Rules.Single(r => r.Id == "my.named")));
        Assert.Equal("请勿发布my.unnamed", ModerationPolicy.Warning(set.Rules.Single(r => r.Id == "my.unnamed")));
    }

    [Fact]
    public void Warnings_use_the_rules_template()
    {
        var decision = Decide(Message("私聊我"));

        Assert.Equal("广告：请勿私聊拉人", Assert.Single(decision.Actions).WarningText);
    }

    [Theory]
    [InlineData(StoreText.Full, "加微信 13800138000")]
    [InlineData(StoreText.Masked, "*** ***********")]
    [InlineData(StoreText.None, "")]
    public void Stored_text_follows_the_privacy_setting(StoreText mode, string stored)
    {
        var decision = Decide(Message("加微信 13800138000"), privacy: new PrivacyOptions { StoreText = mode });

        Assert.Equal(stored, Assert.Single(decision.Incidents).MessageText);
    }

    [Theory]
    [InlineData(StoreText.Full, "13800138000")]
    [InlineData(StoreText.Masked, "***********")]
    [InlineData(StoreText.None, "***********")]
    public void A_privacy_hit_s_number_is_kept_only_when_the_text_is_kept_whole(StoreText mode, string term)
    {
        // The matched words of a privacy rule are the number itself: a setting that keeps the text
        // masked (or not at all) must not keep it whole beside it.
        var rules = MessageDetectorTests.Load("""
            pack: privacy
            category: privacy
            rules:
              - id: privacy.mobile
                detector: cn_mobile
                action: log
            """);
        var message = Message("老师电话 13800138000");
        var context = new PolicyContext(0, message.SenderRole, message.Time, new ModerationOptions(), null, new PrivacyOptions { StoreText = mode }, _ => true, null);

        var decision = ModerationPolicy.Decide(message, MessageDetector.Detect(rules, message).Hits, rules.Version, context);

        Assert.Equal(term, Assert.Single(decision.Incidents).MatchedTerm);
    }

    /// <summary>The official QQ bot platform: it warns and mutes, and can neither recall a member's message nor remove them.</summary>
    private static bool QQOfficial(ModerationAction action) => action is ModerationAction.Warn or ModerationAction.Mute;

    private static readonly RuleSet KickRules = MessageDetectorTests.Load("""
        pack: scams
        name: 诈骗
        rules:
          - id: scams.kick
            terms: [刷单返利]
            action: kick
          - id: scams.kick-long
            terms: [代办贷款]
            action: kick
            mute_minutes: 1440
        """);

    private static Decision DecideOn(RuleSet rules, ChatMessage message, int offences, ModerationOptions options, Func<ModerationAction, bool> canDo)
    {
        var context = new PolicyContext(offences, message.SenderRole, message.Time, options, null, new PrivacyOptions(), canDo, null);
        return ModerationPolicy.Decide(message, MessageDetector.Detect(rules, message).Hits, rules.Version, context);
    }

    private static int MuteSeconds(Decision d) => d.Actions.Where(a => a.Action == ModerationAction.Mute).Select(a => a.MuteSeconds).SingleOrDefault();

    /// <summary>
    /// Escalation to a kick on a platform that mutes but cannot remove anyone: the repeat offender
    /// was muted an hour at the second offence and only warned at the third, a milder step for a
    /// worse offender. A kick the platform cannot do is a mute instead, as long as the longest
    /// mute the escalation gives, and the incident says so.
    /// </summary>
    [Fact]
    public void Escalating_to_a_kick_the_platform_cannot_do_mutes_as_long_as_the_longest_step_instead_of_only_warning()
    {
        var options = new ModerationOptions
        {
            Escalation = [new() { Count = 2, Action = ModerationAction.Mute, MuteMinutes = 60 }, new() { Count = 3, Action = ModerationAction.Kick }],
        };

        var second = Decide(Message("加微信", platform: "qq-official"), offences: 1, options: options, canDo: QQOfficial);
        var third = Decide(Message("加微信", platform: "qq-official"), offences: 2, options: options, canDo: QQOfficial);

        Assert.Equal([ModerationAction.Mute, ModerationAction.Warn], Actions(second));
        Assert.Equal(3600, MuteSeconds(second));
        Assert.Equal([ModerationAction.Mute, ModerationAction.Warn], Actions(third));
        Assert.Equal(3600, MuteSeconds(third));
        var incident = Assert.Single(third.Incidents);
        Assert.Equal((3600, 2, ActionStatus.Pending), (incident.MuteSeconds, incident.EscalationStep, incident.ActionStatus));
        Assert.Equal([ModerationAction.Mute, ModerationAction.Warn], incident.PlannedActions);
        Assert.Equal("qq-official cannot recall or kick; muted and warned in the group instead", incident.ActionError);

        // Steps with no mute: the rule's own mute_minutes (the pack's default, 10), never a token minute.
        var kickOnly = new ModerationOptions { Escalation = [new() { Count = 2, Action = ModerationAction.Kick }] };
        Assert.Equal(600, MuteSeconds(Decide(Message("加微信", platform: "qq-official"), offences: 1, options: kickOnly, canDo: QQOfficial)));
    }

    /// <summary>
    /// A rule that kicks, on a platform that cannot kick, mutes for the longest of the rule's
    /// <c>mute_minutes</c> and the escalation's mute steps; where the platform can kick there is no
    /// mute beside the kick.
    /// </summary>
    [Fact]
    public void A_kick_rule_the_platform_cannot_carry_out_mutes_for_the_longest_of_its_mute_minutes_and_the_mute_steps()
    {
        var defaults = new ModerationOptions(); // 2nd offence: mute 10 min, 3rd: 60 min

        var first = DecideOn(KickRules, Message("刷单返利", platform: "qq-official"), 0, defaults, QQOfficial);
        var longer = DecideOn(KickRules, Message("代办贷款", platform: "qq-official"), 0, defaults, QQOfficial);
        var kicked = DecideOn(KickRules, Message("刷单返利"), 0, defaults, _ => true);

        Assert.Equal([ModerationAction.Mute, ModerationAction.Warn], Actions(first));
        Assert.Equal(3600, MuteSeconds(first));
        Assert.Equal(3600, Assert.Single(first.Incidents).MuteSeconds);
        Assert.Equal(1440 * 60, MuteSeconds(longer));
        Assert.Equal([ModerationAction.Recall, ModerationAction.Kick, ModerationAction.Warn], Actions(kicked));
    }

    /// <summary>
    /// Two mute rules hit one message: the longer mute wins whichever rule is listed first, and the
    /// hit carrying it is the one the warning quotes and whose incident records the length.
    /// </summary>
    [Fact]
    public void Two_mute_rules_on_one_message_mute_for_the_longer_whichever_is_listed_first()
    {
        var rules = MessageDetectorTests.Load("""
            pack: mix
            name: 混合
            action: mute
            rules:
              - id: a.short
                terms: [代开发票]
                mute_minutes: 10
                warning: "短禁言"
              - id: b.long
                terms: [砍死你]
                mute_minutes: 1440
                warning: "长禁言"
            """);

        var decision = DecideOn(rules, Message("代开发票 砍死你"), 0, new ModerationOptions(), _ => true);
        var unrecalled = DecideOn(rules, Message("代开发票 砍死你", platform: "qq-official"), 0, new ModerationOptions(), QQOfficial);

        Assert.Equal([ModerationAction.Recall, ModerationAction.Mute, ModerationAction.Warn], Actions(decision));
        Assert.Equal(1440 * 60, MuteSeconds(decision));
        Assert.Equal(1440 * 60, decision.Incidents.Single(i => i.Rule == "b.long").MuteSeconds);
        Assert.Equal(0, decision.Incidents.Single(i => i.Rule == "a.short").MuteSeconds);

        // Where the message cannot be recalled, the warning that stands in is the longer rule's.
        Assert.Equal(1440 * 60, MuteSeconds(unrecalled));
        Assert.Equal("长禁言", unrecalled.Actions.Single(a => a.Action == ModerationAction.Warn).WarningText);
    }
}
