using System.Globalization;
using GroupGuard.Core.Digests;

namespace GroupGuard.Core.Tests.Digests;

public sealed class DigestBuilderTests
{
    private static readonly DateTimeOffset From = DateTimeOffset.Parse("2026-11-25T00:00:00Z", CultureInfo.InvariantCulture);
    private static readonly DateTimeOffset To = From.AddDays(1);
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly LeaderOptions Wang = new() { Name = "王主任", Groups = ["123456"] };
    private static readonly DigestHealth Healthy = new([("onebot.v11 10001", To.AddMinutes(-5))], 0, [], []);

    private static Incident Incident(long id, string user, string message, Severity severity = Severity.Medium, string text = "加微信 abc123456789 领红包", bool falsePositive = false) =>
        Incidents.Of(message, time: From.AddHours(id), severity: severity, groupName: "二年级家长群", user: user, senderName: "用户" + user, text: text, id: id) with
        {
            Spans = [new EvidenceSpan(0, 3)],
            FalsePositive = falsePositive,
            ReviewNote = falsePositive ? "班主任通知" : null,
        };

    private static DigestDocument Build(IReadOnlyList<Incident> incidents, long messages = 4120, int? previous = null) =>
        DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, incidents, messages, previous, Healthy));

    private static Members.JoinDecision Join(string flag, Members.JoinOutcome outcome, Members.JoinReason reason, ActionStatus status = ActionStatus.Done) => new()
    {
        Time = From.AddHours(2),
        DecidedAt = From.AddHours(2),
        Platform = "qq",
        Protocol = Protocol.OneBotV11,
        BotId = "10001",
        GroupId = "123456",
        GroupName = "二年级家长群",
        UserId = "3000" + flag,
        Nickname = flag == "1" ? "**资料**" : null,
        Comment = "",
        Flag = flag,
        Outcome = outcome,
        Reason = reason,
        Rule = reason == Members.JoinReason.Rule ? "ads.contact" : null,
        MatchedTerm = reason == Members.JoinReason.Rule ? "加微信" : null,
        BlockNote = reason == Members.JoinReason.Blocked ? "kicked from group 777 (incident 9)" : null,
        ActionStatus = status,
        ActionError = status == ActionStatus.Failed ? "set_group_add_request failed: retcode 1400, permission denied (bot is not admin)" : null,
        ActionErrorKind = status == ActionStatus.Failed ? ActionErrorKind.NotPermitted : null,
    };

    [Fact]
    public void A_platform_that_can_only_record_is_said_once_and_its_incidents_read_as_recorded()
    {
        var wecom = (Incident i) => i with
        {
            Platform = "wecom",
            Protocol = Protocol.WeComArchive,
            ActionStatus = ActionStatus.Unsupported,
            ActionError = "wecom cannot recall",
            ActionErrorKind = ActionErrorKind.PlatformCannot,
        };

        var digest = Build(
        [
            wecom(Incident(1, "1", "m1", Severity.High)),
            wecom(Incident(2, "2", "m2")),
            wecom(Incident(3, "3", "m3")),
            Incident(4, "4", "m4") with { ActionStatus = ActionStatus.Unsupported, ActionError = "qq cannot kick", ActionErrorKind = ActionErrorKind.PlatformCannot },
            Incident(5, "5", "m5"),
            // Not to act there: a rule that only logs, a dry run. They leave the platform's line as it is.
            Incident(6, "6", "m6") with { Platform = "wecom", Protocol = Protocol.WeComArchive, DecidedAction = ModerationAction.Log },
            Incident(7, "7", "m7") with { Platform = "wecom", Protocol = Protocol.WeComArchive, ActionStatus = ActionStatus.DryRun },
        ]);

        Assert.Contains("已处置 1 条；仅记录 4 条；演练 1 条", digest.Text, StringComparison.Ordinal); // the three the next line says were only recorded, and the logged one
        Assert.Contains("企业微信：平台只能记录，不能撤回、禁言或移出，3 条仅记录", digest.Text, StringComparison.Ordinal); // the platform as a leader names it
        Assert.Single(digest.Text.Split('\n'), line => line.Contains("平台只能记录", StringComparison.Ordinal));
        Assert.Equal(3, digest.Text.Split('\n').Count(line => line.Contains("仅记录）", StringComparison.Ordinal)));
        Assert.DoesNotContain("wecom cannot recall", digest.Text, StringComparison.Ordinal);
        Assert.Contains("未能处置 1 条：平台不支持该操作", digest.Text, StringComparison.Ordinal); // a platform that acts on others is still named per reason
        Assert.DoesNotContain("qq cannot kick", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Join_requests_are_counted_and_each_one_turned_away_or_flagged_is_named_on_a_quiet_day_too()
    {
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, [], 10, null, Healthy)
        {
            JoinDecisions =
            [
                Join("1", Members.JoinOutcome.Rejected, Members.JoinReason.Rule),
                Join("2", Members.JoinOutcome.Rejected, Members.JoinReason.Blocked, ActionStatus.Failed),
                Join("3", Members.JoinOutcome.Approved, Members.JoinReason.Clean),
                Join("4", Members.JoinOutcome.Left, Members.JoinReason.Rule, ActionStatus.Skipped),
                Join("5", Members.JoinOutcome.Left, Members.JoinReason.Unscreened, ActionStatus.Skipped) with { ActionError = Members.JoinDecision.DetectionFailed },
            ],
        });

        Assert.Contains("本期无违规", digest.Text, StringComparison.Ordinal);
        Assert.Contains("【入群申请】", digest.Text, StringComparison.Ordinal);
        Assert.Contains("拒绝 1 个（其中黑名单 0 个），拒绝未能执行 1 个，自动通过 1 个，留给管理员 2 个", digest.Text, StringComparison.Ordinal);
        Assert.Contains("11-25 10:00 **资料**（30001） 申请加入 二年级家长群（123456）：已拒绝（ads.contact「加微信」，平台已执行）", digest.Text, StringComparison.Ordinal);
        // A failed answer is told by its kind in the incidents' words, not the platform's.
        Assert.Contains("30002 申请加入 二年级家长群（123456）：拒绝（黑名单：曾被移出群 777（事件 #9），未能执行：机器人不是群管理员，或对方是管理员），待管理员处理", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("permission denied", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("set_group_add_request", digest.Markdown, StringComparison.Ordinal);
        Assert.Contains("· 平台返回的原文见服务日志", digest.Text, StringComparison.Ordinal);
        Assert.Contains("30004 申请加入 二年级家长群（123456）：待管理员处理，命中 ads.contact「加微信」", digest.Text, StringComparison.Ordinal);
        Assert.Contains("30005 申请加入 二年级家长群（123456）：待管理员处理，未能完成自动审核（验证信息或昵称检测出错）", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("detection failed", digest.Text, StringComparison.Ordinal); // GroupGuard's own words are the operator's
        Assert.DoesNotContain("30003", digest.Text, StringComparison.Ordinal); // approvals are counted, not listed
        Assert.DoesNotContain("**资料**", digest.Markdown, StringComparison.Ordinal); // a nickname cannot style the robots' Markdown
    }

    [Fact]
    public void A_request_left_unscreened_says_in_chinese_what_could_not_be_done()
    {
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, [], 10, null, Healthy)
        {
            JoinDecisions =
            [
                Join("5", Members.JoinOutcome.Left, Members.JoinReason.Unscreened, ActionStatus.Skipped) with { ActionError = Members.JoinDecision.BlockListUnread },
                Join("6", Members.JoinOutcome.Left, Members.JoinReason.Unscreened, ActionStatus.Skipped) with { ActionError = "something GroupGuard has no words for yet" },
            ],
        });

        Assert.Contains("30005 申请加入 二年级家长群（123456）：待管理员处理，未能完成自动审核（黑名单读取失败）", digest.Text, StringComparison.Ordinal);
        Assert.Contains("30006 申请加入 二年级家长群（123456）：待管理员处理，未能完成自动审核\n", digest.Text + "\n", StringComparison.Ordinal);
        Assert.DoesNotContain("block list", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("no words for", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_auto_approval_the_platform_did_not_carry_out_is_counted_and_named_as_failed_not_as_let_in()
    {
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, [], 10, null, Healthy)
        {
            JoinDecisions =
            [
                Join("1", Members.JoinOutcome.Approved, Members.JoinReason.Clean),
                Join("2", Members.JoinOutcome.Approved, Members.JoinReason.Clean, ActionStatus.Failed),
                Join("3", Members.JoinOutcome.Approved, Members.JoinReason.Clean, ActionStatus.Unsupported),
            ],
        });

        Assert.Contains("拒绝 0 个（其中黑名单 0 个），自动通过 1 个，自动通过未能执行 2 个，留给管理员 0 个", digest.Text, StringComparison.Ordinal);
        Assert.Contains("30002 申请加入 二年级家长群（123456）：自动通过（未能执行：机器人不是群管理员，或对方是管理员），待管理员处理", digest.Text, StringComparison.Ordinal);
        Assert.Contains("30003 申请加入 二年级家长群（123456）：自动通过（未能执行：平台不支持该操作），待管理员处理", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("30001", digest.Text, StringComparison.Ordinal); // one let in is counted, not listed
        Assert.DoesNotContain("permission denied", digest.Text, StringComparison.Ordinal);
        Assert.Contains("· 平台返回的原文见服务日志", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rejection_the_platform_did_not_carry_out_is_counted_apart_and_left_to_the_admins_not_said_done()
    {
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, [], 10, null, Healthy)
        {
            JoinDecisions =
            [
                Join("1", Members.JoinOutcome.Rejected, Members.JoinReason.Rule),
                Join("2", Members.JoinOutcome.Rejected, Members.JoinReason.Rule, ActionStatus.Unsupported) with { ActionErrorKind = ActionErrorKind.NotConfigured },
                Join("3", Members.JoinOutcome.Rejected, Members.JoinReason.Blocked, ActionStatus.Failed),
                Join("4", Members.JoinOutcome.Rejected, Members.JoinReason.Rule, ActionStatus.Pending),
            ],
        });

        // One applicant was turned away; the other requests still wait, for the platform or the admins.
        Assert.Contains("拒绝 1 个（其中黑名单 0 个），拒绝待平台执行 1 个，拒绝未能执行 2 个，自动通过 0 个，留给管理员 0 个", digest.Text, StringComparison.Ordinal);
        Assert.Contains("（30001） 申请加入 二年级家长群（123456）：已拒绝（ads.contact「加微信」，平台已执行）\n", digest.Text, StringComparison.Ordinal);
        Assert.Contains("30002 申请加入 二年级家长群（123456）：拒绝（ads.contact「加微信」，未能执行：未配置机器人接口），待管理员处理\n", digest.Text, StringComparison.Ordinal);
        Assert.Contains("30003 申请加入 二年级家长群（123456）：拒绝（黑名单：曾被移出群 777（事件 #9），未能执行：机器人不是群管理员，或对方是管理员），待管理员处理\n", digest.Text, StringComparison.Ordinal);
        Assert.Contains("30004 申请加入 二年级家长群（123456）：拒绝（ads.contact「加微信」，待平台执行）\n", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_that_names_no_group_is_told_by_the_group_s_name_the_incidents_give_it()
    {
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, [Incident(1, "1", "m1")], 10, null, Healthy)
        {
            JoinDecisions =
            [
                // OneBot v11's request carries the group's id alone.
                Join("2", Members.JoinOutcome.Rejected, Members.JoinReason.Rule) with { GroupName = null },
                Join("3", Members.JoinOutcome.Rejected, Members.JoinReason.Rule) with { GroupName = null, GroupId = "654321" },
                Join("4", Members.JoinOutcome.Rejected, Members.JoinReason.Rule) with { GroupName = null, Platform = "wecom" },
            ],
        });

        Assert.Contains("二年级家长群（123456）：1 条", digest.Text, StringComparison.Ordinal);
        Assert.Contains("30002 申请加入 二年级家长群（123456）：已拒绝", digest.Text, StringComparison.Ordinal);
        Assert.Contains("30003 申请加入 群 654321：已拒绝", digest.Text, StringComparison.Ordinal); // no name known
        Assert.Contains("30004 申请加入 群 123456：已拒绝", digest.Text, StringComparison.Ordinal); // another platform's group of that id
    }

    [Fact]
    public void A_join_decision_made_in_dry_run_is_counted_as_what_would_have_been_done_not_as_done()
    {
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, [], 10, null, Healthy)
        {
            JoinDecisions =
            [
                Join("1", Members.JoinOutcome.Rejected, Members.JoinReason.Rule, ActionStatus.DryRun),
                Join("2", Members.JoinOutcome.Rejected, Members.JoinReason.Blocked, ActionStatus.DryRun),
                Join("3", Members.JoinOutcome.Approved, Members.JoinReason.Clean, ActionStatus.DryRun),
                Join("4", Members.JoinOutcome.Approved, Members.JoinReason.Clean, ActionStatus.DryRun),
                Join("5", Members.JoinOutcome.Approved, Members.JoinReason.Clean),
            ],
        });

        // Nobody was turned away and one member was let in; the rest is what dry run would have done.
        Assert.Contains("拒绝 0 个（其中黑名单 0 个），自动通过 1 个，留给管理员 0 个", digest.Text, StringComparison.Ordinal);
        Assert.Contains("· 演练：本应拒绝 2 个（其中黑名单 1 个），本应自动通过 2 个\n", digest.Text, StringComparison.Ordinal);
        Assert.Contains("30002 申请加入 二年级家长群（123456）：本应拒绝（黑名单：曾被移出群 777（事件 #9），演练，未执行）", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("已拒绝", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_auto_approval_still_waiting_on_the_platform_is_counted_apart_from_those_let_in()
    {
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, [], 10, null, Healthy)
        {
            JoinDecisions =
            [
                Join("1", Members.JoinOutcome.Approved, Members.JoinReason.Clean),
                Join("2", Members.JoinOutcome.Approved, Members.JoinReason.Clean, ActionStatus.Pending),
                Join("3", Members.JoinOutcome.Approved, Members.JoinReason.Clean, ActionStatus.Failed),
            ],
        });

        Assert.Contains("拒绝 0 个（其中黑名单 0 个），自动通过 1 个，自动通过待平台执行 1 个，自动通过未能执行 1 个，留给管理员 0 个", digest.Text, StringComparison.Ordinal);
        Assert.Contains("· 11-25 10:00 30002 申请加入 二年级家长群（123456）：自动通过（待平台执行）\n", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("演练", digest.Text, StringComparison.Ordinal); // nothing was in dry run
    }

    [Fact]
    public void A_privacy_hit_s_number_is_not_in_the_false_positives_or_the_join_requests()
    {
        var mobile = (Members.JoinDecision join) => join with { Rule = "privacy.mobile", Category = "privacy", MatchedTerm = "13812345678" };
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai,
            [
                Incident(1, "1", "m1", falsePositive: true) with { Rule = "privacy.mobile", Category = "privacy", MatchedTerm = "13812345678" },
                Incident(2, "2", "m2", falsePositive: true) with { Rule = "privacy.mobile", Category = "privacy", MatchedTerm = "+86 138 1234 5679" },
                Incident(3, "3", "m3", falsePositive: true) with { Rule = "ads.contact", MatchedTerm = "加微信" },
            ],
            10, null, Healthy)
        {
            JoinDecisions =
            [
                mobile(Join("1", Members.JoinOutcome.Rejected, Members.JoinReason.Rule)),
                mobile(Join("4", Members.JoinOutcome.Left, Members.JoinReason.Rule, ActionStatus.Skipped)),
            ],
        });

        // Digests go through third-party robots, whatever StoreText keeps: the number is masked as the excerpt masks a hit.
        foreach (var written in new[] { digest.Markdown, digest.Text, digest.Html })
        {
            Assert.DoesNotContain("13812345678", written, StringComparison.Ordinal);
            Assert.DoesNotContain("1234 5679", written, StringComparison.Ordinal);
        }

        Assert.Contains("privacy.mobile「***********」：班主任通知", digest.Text, StringComparison.Ordinal);
        Assert.Contains("privacy.mobile「+** *** **** ****」", digest.Text, StringComparison.Ordinal);
        Assert.Contains("ads.contact「加微信」", digest.Text, StringComparison.Ordinal); // a rule's own term stays readable
        Assert.Contains("已拒绝（privacy.mobile「***********」，平台已执行）", digest.Text, StringComparison.Ordinal);
        Assert.Contains("待管理员处理，命中 privacy.mobile「***********」", digest.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("加微信", false, "加微信")]
    [InlineData("vx12345", false, "vx12345")] // five digits: no number to hide
    [InlineData("138 1234 5678", false, "*** **** ****")] // a number however it is spaced
    [InlineData("１３８１２３４５６７８", false, "***********")] // full-width digits too
    [InlineData("11010519491231002X", true, "******************")]
    [InlineData("QQ:12345", true, "**:*****")]
    public void A_matched_term_is_masked_for_outside_eyes(string term, bool privacy, string shown)
    {
        Assert.Equal(shown, GroupGuard.Core.Moderation.EvidenceMasker.MaskTerm(term, privacy));
    }

    /// <summary>A loan advert with a phone number: two rules hit one message, each hit's span its own.</summary>
    private static IReadOnlyList<Incident> LoanAdvert()
    {
        const string text = "低息贷款当天放款联系13812345678";
        var ad = Incident(1, "1", "m1", Severity.High, text) with { Rule = "fraud.loan", Category = "fraud", Spans = [new EvidenceSpan(0, 4)] };
        var phone = Incident(2, "1", "m1", Severity.Medium, text) with { Rule = "privacy.mobile", Category = "privacy", Spans = [new EvidenceSpan(10, 11)], ActionStatus = ActionStatus.Skipped };
        var contact = Incident(3, "1", "m1", Severity.Medium, text) with { Rule = "ads.contact", Category = "ads", Spans = [new EvidenceSpan(8, 2)], ActionStatus = ActionStatus.Skipped };
        return [ad, phone, contact, Incident(4, "2", "m2")];
    }

    [Fact]
    public void A_message_with_several_hits_is_one_offence_shown_once_with_every_hit_masked()
    {
        var digest = Build(LoanAdvert(), previous: 1);

        Assert.Contains("共检查 4,120 条消息，发现 2 条违规消息（4 次命中）。比上期多 1 条。", digest.Text, StringComparison.Ordinal);
        Assert.Contains("按严重程度：高 1，中 1", digest.Text, StringComparison.Ordinal); // the message's highest
        Assert.Contains("广告引流 2", digest.Text, StringComparison.Ordinal); // once per category a message hit
        Assert.Contains("诈骗 1", digest.Text, StringComparison.Ordinal);
        Assert.Contains("个人信息 1", digest.Text, StringComparison.Ordinal);
        Assert.Contains("二年级家长群（123456）：2 条", digest.Text, StringComparison.Ordinal);
        Assert.Contains("已处置 2 条\n", digest.Text, StringComparison.Ordinal); // the advert was recalled: its other hits skipped, no 仅记录
        var lines = digest.Text.Split('\n');
        var advert = Assert.Single(lines, l => l.Contains("m1", StringComparison.Ordinal) || l.Contains("当天放款", StringComparison.Ordinal));
        Assert.Contains("「低息贷款当天放款联系***********」（诈骗、个人信息、广告引流，fraud.loan、privacy.mobile、ads.contact，已撤回）", advert, StringComparison.Ordinal); // as the alert names it
        Assert.DoesNotContain("13812345678", digest.Text, StringComparison.Ordinal); // the contact, and someone's number
    }

    /// <summary>The names of the rules in force, as the service gives the builders: fraud.loan and ads.contact have one, privacy.mobile none.</summary>
    private static readonly Func<string, string?> Names = id => id switch
    {
        "fraud.loan" => "贷款诈骗",
        "ads.contact" => "加联系方式引流",
        _ => null,
    };

    /// <summary>
    /// A leader reads the rules that hit by their names, under each message, among the false
    /// positives and the join requests, and by its id a rule without one (or since taken out).
    /// </summary>
    [Fact]
    public void A_digest_names_the_rules_that_hit_by_their_names_and_a_rule_without_one_by_its_id()
    {
        var fp = Incident(9, "9", "m9", falsePositive: true) with { Rule = "ads.contact" };
        var gone = Incident(10, "10", "m10", falsePositive: true) with { Rule = "ads.gone" };
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, [.. LoanAdvert(), fp, gone], 4120, null, Healthy)
        {
            RuleNames = Names,
            JoinDecisions =
            [
                Join("1", Members.JoinOutcome.Rejected, Members.JoinReason.Rule),
                Join("4", Members.JoinOutcome.Left, Members.JoinReason.Rule, ActionStatus.Skipped),
            ],
        });

        var advert = Assert.Single(digest.Text.Split('\n'), l => l.Contains("当天放款", StringComparison.Ordinal));
        Assert.Contains("（诈骗、个人信息、广告引流，贷款诈骗、privacy.mobile、加联系方式引流，已撤回）", advert, StringComparison.Ordinal);
        Assert.Contains("· 加联系方式引流「加微信」：班主任通知", digest.Text, StringComparison.Ordinal);
        Assert.Contains("· ads.gone「加微信」：班主任通知", digest.Text, StringComparison.Ordinal);
        Assert.Contains("：已拒绝（加联系方式引流「加微信」，平台已执行）", digest.Text, StringComparison.Ordinal);
        Assert.Contains("：待管理员处理，命中 加联系方式引流「加微信」", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("fraud.loan", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("ads.contact", digest.Markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("ads.contact", digest.Html, StringComparison.Ordinal);
    }

    /// <summary>Two rules of one name (in two packs) that hit one message are named once.</summary>
    [Fact]
    public void An_alert_names_the_rules_that_hit_by_their_names_each_name_once()
    {
        var rule = new AlertRuleOptions { Name = "office", MinSeverity = "medium", Groups = ["*"], Channels = ["robot"] };
        var incidents = LoanAdvert().Select(i => i.Rule == "privacy.mobile" ? i with { Rule = "school.loan" } : i).ToList();
        Func<string, string?> names = id => id == "school.loan" ? "贷款诈骗" : Names(id);

        var alert = AlertBuilder.Build(new AlertInput(rule, From, To, From, Shanghai, incidents, incidents.Count, [.. incidents.Select(i => i.Id)]) { RuleNames = names });

        var advert = Assert.Single(alert.Text.Split('\n'), l => l.Contains("当天放款", StringComparison.Ordinal));
        Assert.Contains("（诈骗、个人信息、广告引流，贷款诈骗、加联系方式引流，已撤回）", advert, StringComparison.Ordinal);
        Assert.Contains("（广告引流，加联系方式引流，已撤回）", alert.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("ads.contact", alert.Markdown, StringComparison.Ordinal);
    }

    /// <summary>The digest keeps the count its headline says (the console's list of digests shows it), not its hits.</summary>
    [Fact]
    public void The_digest_keeps_how_many_offending_messages_its_headline_counted()
    {
        var incidents = LoanAdvert();
        var digest = Build([.. incidents, Incident(9, "9", "m9", falsePositive: true)]);
        var rule = new AlertRuleOptions { Name = "office", MinSeverity = "medium", Groups = ["*"], Channels = ["robot"] };
        var alert = AlertBuilder.Build(new AlertInput(rule, From, To, From, Shanghai, incidents, incidents.Count, [.. incidents.Select(i => i.Id)]));

        Assert.Contains("发现 2 条违规消息（4 次命中）", digest.Text, StringComparison.Ordinal);
        Assert.Equal((2, 5), (digest.Messages, digest.IncidentIds.Count)); // the one marked false positive is listed, not counted
        Assert.Equal(2, alert.Messages);
    }

    /// <summary>
    /// On a channel that gave up on its alert, the follow-up says so first, then gives the alert as
    /// it was stored under 原告警 and its own lines under 处置结果, in each rendering, under its own
    /// title; a robot that delivered the alert's first parts before giving up is told it saw only the start.
    /// </summary>
    [Theory]
    [InlineData(0, AlertBuilder.NotDeliveredHereLine)]
    [InlineData(1, AlertBuilder.PartlyDeliveredHereLine)]
    public void A_follow_up_on_a_channel_that_gave_up_on_its_alert_carries_the_alert_after_saying_it_did_not_arrive(int partsDelivered, string note)
    {
        var rule = new AlertRuleOptions { Name = "office", MinSeverity = "medium", Groups = ["*"], Channels = ["office-robot"] };
        var waiting = Incident(1, "1", "m1") with { ActionStatus = ActionStatus.Pending };
        var input = new AlertInput(rule, From, From.AddHours(1).AddMinutes(1), From.AddHours(1), Shanghai, [waiting], 1, [1]);
        var sent = AlertBuilder.Build(input);
        var alert = DigestRecord.ToSend("alert:office", sent, From, input.To, From.AddHours(1).AddMinutes(2), ["office-robot"]) with { PendingIds = AlertBuilder.PendingIds(input) };
        var failed = waiting with { ActionStatus = ActionStatus.Failed, ActionErrorKind = ActionErrorKind.NotPermitted };
        var followUp = AlertBuilder.FollowUp(new AlertFollowUpInput("office", alert, Shanghai, [failed], 0));

        var carried = AlertBuilder.Carrying(followUp, alert, new ChannelOutcome(ChannelStatus.Failed, DigestRecord.MaxSendAttempts, "refused", null) { PartsDelivered = partsDelivered });

        Assert.Equal(
            [
                "跟进：群管告警：1 条违规消息（office）",
                note,
                "",
                "【原告警】",
                "11月25日 09:00:00 起 60 秒内发现 1 条严重程度为「中」及以上的违规消息：",
                "· [中] 11-25 09:00:00 二年级家长群（123456） 用户1：「加微信 ************ 领红包」（广告引流，ads.contact，待处置）",
                "其中 1 条待处置：平台尚未答复，结果将另发跟进。",
                "",
                "【处置结果】",
                "11月25日 09:02 的告警中待处置的 1 条消息：1 条撤回失败。",
                "· [中] 11-25 09:00:00 二年级家长群（123456） 用户1：撤回失败：机器人不是群管理员，或对方是管理员（事件 #1，请手动处理）",
                "",
            ],
            carried.Text.Split('\n'));
        Assert.StartsWith($"### 跟进：群管告警：1 条违规消息（office）\n{note}\n\n**原告警**\n11月25日 09:00:00 起", carried.Markdown, StringComparison.Ordinal);
        Assert.Contains("结果将另发跟进。\n\n**处置结果**\n11月25日 09:02 的告警中", carried.Markdown, StringComparison.Ordinal);
        Assert.StartsWith($"{DigestBuilder.HtmlStart}<h3>跟进：群管告警：1 条违规消息（office）</h3>\n<p>{note}</p>\n<h4>原告警</h4>\n<p>11月25日 09:00:00 起", carried.Html, StringComparison.Ordinal);
        Assert.Contains("结果将另发跟进。</p>\n<h4>处置结果</h4>\n<p>11月25日 09:02 的告警中", carried.Html, StringComparison.Ordinal);
        Assert.EndsWith("请手动处理）</p>\n</body></html>\n", carried.Html, StringComparison.Ordinal);
        Assert.Single(carried.Html.Split("<html>")[1..]);
        Assert.Equal((followUp.Title, followUp.IncidentIds, followUp.Messages), (carried.Title, carried.IncidentIds, carried.Messages));
        Assert.DoesNotContain("原告警", followUp.Text, StringComparison.Ordinal); // as a channel that delivered the alert sends it
    }

    [Fact]
    public void The_most_serious_name_each_message_s_group_when_the_digest_covers_several()
    {
        var grade3 = Incident(2, "2", "m2", Severity.High) with { GroupId = "654321", GroupName = "三年级家长群" };
        var several = Build([Incident(1, "1", "m1"), grade3]);
        var one = Build([Incident(1, "1", "m1")]);

        Assert.Contains("] 11-25 10:00 三年级家长群（654321） 用户2：「", several.Text, StringComparison.Ordinal);
        Assert.Contains("] 11-25 09:00 二年级家长群（123456） 用户1：「", several.Text, StringComparison.Ordinal);
        Assert.Contains("] 11-25 09:00 用户1：「", one.Text, StringComparison.Ordinal); // the 概况 names the one group
    }

    /// <summary>
    /// 概况 names a renamed group by the newest name its incidents of the period carry, as the
    /// console's overview does (it took the first), and so do the lines below it; a group is its
    /// platform and id, so another platform's group of the same id is a line of its own, each with
    /// its platform, its name never lent to the other.
    /// </summary>
    [Fact]
    public void Groups_are_named_by_their_newest_name_and_two_platforms_groups_of_one_id_are_told_apart()
    {
        var digest = Build(
        [
            Incident(1, "1", "m1") with { GroupName = "二年级一班" },
            Incident(2, "2", "m2"), // 二年级家长群: renamed since the first
            Incident(3, "3", "m3") with { GroupName = null },
            Incident(4, "4", "m4") with { Platform = "wecom", GroupName = "企业微信外部群" }, // another platform's 123456, named last
            Incident(5, "5", "m5") with { GroupId = "654321", GroupName = null },
        ]);

        Assert.Contains("二年级家长群（123456，qq）：3 条\n", digest.Text, StringComparison.Ordinal);
        Assert.Contains("企业微信外部群（123456，wecom）：1 条\n", digest.Text, StringComparison.Ordinal);
        Assert.Contains("群 654321：1 条\n", digest.Text, StringComparison.Ordinal); // no other platform has its id
        Assert.Contains("] 11-25 09:00 二年级家长群（123456） 用户1：「", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("二年级一班", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alert_lists_each_message_once_with_every_hit_masked_and_counts_messages()
    {
        var rule = new AlertRuleOptions { Name = "office", MinSeverity = "medium", Groups = ["*"], Channels = ["robot"] };
        var incidents = LoanAdvert();
        var alert = AlertBuilder.Build(new AlertInput(rule, From, To, From, Shanghai, incidents, incidents.Count, [.. incidents.Select(i => i.Id)]));

        Assert.Contains("群管告警：2 条违规消息（office）", alert.Title, StringComparison.Ordinal);
        Assert.Contains("发现 2 条严重程度为「中」及以上的违规消息（4 次命中）", alert.Text, StringComparison.Ordinal);
        var advert = Assert.Single(alert.Text.Split('\n'), l => l.Contains("当天放款", StringComparison.Ordinal));
        Assert.Contains("「低息贷款当天放款联系***********」（诈骗、个人信息、广告引流，fraud.loan、privacy.mobile、ads.contact，已撤回）", advert, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", alert.Text, StringComparison.Ordinal);

        // A hit below the rule's severity is masked with the rest but neither counted nor named.
        var high = new AlertRuleOptions { Name = "office", MinSeverity = "high", Groups = ["*"], Channels = ["robot"] };
        var onlyHigh = AlertBuilder.Build(new AlertInput(high, From, To, From, Shanghai, incidents, 1, [1]));
        Assert.Contains("群管告警：1 条违规消息（office）", onlyHigh.Title, StringComparison.Ordinal);
        Assert.Contains("「低息贷款当天放款联系***********」（诈骗，fraud.loan，已撤回）", onlyHigh.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alert_says_why_the_platform_did_not_carry_out_an_action_so_that_someone_can_do_it_by_hand()
    {
        var rule = new AlertRuleOptions { Name = "office", MinSeverity = "medium", Groups = ["*"], Channels = ["robot"] };
        var incidents = LoanAdvert().Select(i => i with { ActionStatus = ActionStatus.Failed, ActionErrorKind = ActionErrorKind.NotPermitted, ActionError = "retcode 102: no permission" }).ToList();
        // A mute carried out whose warning still waits, and one the platform did not answer: recorded on the incident before its warning goes out.
        var muted = incidents[0] with { Id = 90, MessageId = "m-muted", DecidedAction = ModerationAction.Mute, ActionStatus = ActionStatus.Pending, ActsOutcome = ActionStatus.Done, ActionErrorKind = null, ActionError = null };
        var unanswered = incidents[0] with { Id = 91, MessageId = "m-unanswered", ActionStatus = ActionStatus.Pending, ActsOutcome = ActionStatus.Failed, ActionErrorKind = ActionErrorKind.Unreachable, ActionError = "timed out" };
        List<Incident> all = [.. incidents, muted, unanswered];

        var alert = AlertBuilder.Build(new AlertInput(rule, From, To, From, Shanghai, all, all.Count, [.. all.Select(i => i.Id)]));

        var lines = alert.Text.Split('\n');
        Assert.Contains(lines, l => l.EndsWith("，撤回失败：机器人不是群管理员，或对方是管理员）", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("，撤回失败：机器人无响应）", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("，已禁言）", StringComparison.Ordinal));
        Assert.DoesNotContain("retcode", alert.Text, StringComparison.Ordinal); // the platform's own words are the operator's
        Assert.DoesNotContain("待处置", alert.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// A message whose recall, mute and warning were planned, and whose recall alone failed, is
    /// still in the group: the digest, the alert and its follow-up say 撤回失败, what someone must do
    /// by hand, not 禁言失败 after the strongest action, which was carried out. Each failure is told
    /// by the actions whose calls failed, as the action worker's words name them.
    /// </summary>
    [Theory]
    [InlineData("recall: no answer to delete_msg within 149.514 s", "撤回失败")]
    [InlineData("recall: retcode 102: no permission; mute: retcode 102: no permission", "撤回、禁言失败")]
    [InlineData("warn: send_group_msg failed: retcode 120", "警告失败")]
    [InlineData("the action queue is full", "禁言失败")] // words that name no call: the strongest action brought
    public void A_failed_action_is_named_by_the_calls_that_failed_not_by_the_strongest_planned(string error, string named)
    {
        var advert = Incident(1, "1", "m1", Severity.High) with
        {
            PlannedActions = [ModerationAction.Recall, ModerationAction.Mute, ModerationAction.Warn],
            MuteSeconds = 600,
            ActionStatus = ActionStatus.Failed,
            ActionError = error,
            ActionErrorKind = ActionErrorKind.Unreachable,
        };
        var rule = new AlertRuleOptions { Name = "office", MinSeverity = "medium", Groups = ["*"], Channels = ["robot"] };
        var record = new DigestRecord
        {
            Leader = "alert:office",
            PeriodFrom = From,
            PeriodTo = From.AddMinutes(1),
            Status = DigestStatus.Sent,
            CreatedAt = From.AddMinutes(2),
            Title = "群管告警：1 条违规消息（office）",
            Markdown = "",
            Text = "",
            Html = "",
            IncidentIds = [1],
            PendingIds = [1],
            Channels = new Dictionary<string, ChannelOutcome> { ["office-robot"] = new(ChannelStatus.Sent, 1, null, null) },
        };

        var digest = Build([advert]);
        var alert = AlertBuilder.Build(new AlertInput(rule, From, To, From, Shanghai, [advert], 1, [1]));
        var followUp = AlertBuilder.FollowUp(new AlertFollowUpInput("office", record, Shanghai, [advert], 0));

        Assert.Contains($"，{named}）", digest.Text, StringComparison.Ordinal);
        Assert.Contains($"，{named}：机器人无响应）", alert.Text, StringComparison.Ordinal);
        Assert.Contains($"待处置的 1 条消息：1 条{named}。", followUp.Text, StringComparison.Ordinal);
        Assert.Contains($"用户1：{named}：机器人无响应（事件 #1，请手动处理）", followUp.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// An alert that could not wait for the platform any longer says 待处置 on a message: it says
    /// under the list that the platform has not answered yet and that a follow-up will tell what
    /// became of it, so that nobody takes 待处置 for something left for them to do.
    /// </summary>
    [Fact]
    public void An_alert_saying_a_message_is_still_to_be_handled_says_the_platform_has_not_answered_and_a_follow_up_will_tell()
    {
        var rule = new AlertRuleOptions { Name = "office", MinSeverity = "medium", Groups = ["*"], Channels = ["robot"] };
        List<Incident> incidents =
        [
            Incident(1, "1", "m1") with { ActionStatus = ActionStatus.Pending },
            Incident(2, "2", "m2") with { ActionStatus = ActionStatus.Pending },
            Incident(3, "3", "m3", Severity.High), // listed first: the most severe
        ];

        var waiting = AlertBuilder.Build(new AlertInput(rule, From, To, From, Shanghai, incidents, incidents.Count, [1, 2, 3]));
        var answered = AlertBuilder.Build(new AlertInput(rule, From, To, From, Shanghai, [incidents[2]], 1, [3]));

        Assert.EndsWith("，待处置）\n其中 2 条待处置：平台尚未答复，结果将另发跟进。\n", waiting.Text, StringComparison.Ordinal);
        Assert.EndsWith("，待处置）\n\n其中 2 条待处置：平台尚未答复，结果将另发跟进。\n", waiting.Markdown, StringComparison.Ordinal);
        Assert.Equal([1, 2], AlertBuilder.PendingIds(new AlertInput(rule, From, To, From, Shanghai, incidents, incidents.Count, [1, 2, 3]))); // what the follow-up tells of
        Assert.DoesNotContain("跟进", answered.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// A flood's warning escalated to a mute for the second and third offence: the leader reads the
    /// mutes the member was given, not 已警告 three times; a trial says the mute it would have given.
    /// </summary>
    [Fact]
    public void An_escalated_offence_is_told_by_the_mute_or_kick_it_was_given_with_its_length()
    {
        Incident Flood(long id, int step, int muteSeconds, params ModerationAction[] planned) =>
            Incident(id, "20006", "f" + id, Severity.Low, text: "哈哈哈" + id) with
            {
                DecidedAction = ModerationAction.Warn,
                EscalationStep = step,
                MuteSeconds = muteSeconds,
                PlannedActions = planned,
                Spans = [new EvidenceSpan(0, 1)],
            };

        var digest = Build(
        [
            Flood(1, 0, 0, ModerationAction.Warn),
            Flood(2, 1, 600, ModerationAction.Mute, ModerationAction.Warn),
            Flood(3, 2, 3600, ModerationAction.Mute, ModerationAction.Warn),
            Flood(4, 2, 3600) with { ActionStatus = ActionStatus.DryRun },
            Flood(5, 3, 0, ModerationAction.Kick, ModerationAction.Warn),
        ]);

        string Said(string text) => Assert.Single(digest.Text.Split('\n'), l => l.Contains(text, StringComparison.Ordinal));
        Assert.EndsWith("，已警告）", Said("哈哈1」"), StringComparison.Ordinal);
        Assert.EndsWith("，已禁言 10 分钟）", Said("哈哈2」"), StringComparison.Ordinal);
        Assert.EndsWith("，已禁言 1 小时）", Said("哈哈3」"), StringComparison.Ordinal);
        Assert.EndsWith("，演练：本应禁言 1 小时）", Said("哈哈4」"), StringComparison.Ordinal);
        Assert.EndsWith("，已移出群）", Said("哈哈5」"), StringComparison.Ordinal);
        Assert.Equal("禁言失败", DigestBuilder.ActionName(Flood(6, 1, 600, ModerationAction.Mute, ModerationAction.Warn) with { ActionStatus = ActionStatus.Failed }));
    }

    [Fact]
    public void An_alert_that_goes_out_more_than_five_minutes_after_it_was_due_says_so_in_its_heading()
    {
        var rule = new AlertRuleOptions { Name = "office", MinSeverity = "medium", Groups = ["*"], Channels = ["robot"] };
        var incidents = LoanAdvert();
        var due = From.AddSeconds(60); // 08:01 in Shanghai
        var alert = AlertBuilder.Build(new AlertInput(rule, From, due, From, Shanghai, incidents, incidents.Count, [.. incidents.Select(i => i.Id)]));

        var onTime = AlertBuilder.Delayed(alert, due, due.AddMinutes(5), Shanghai);
        var late = AlertBuilder.Delayed(alert, due, due.AddMinutes(7), Shanghai);
        var nextDay = AlertBuilder.Delayed(alert, due, due.AddDays(1), Shanghai);

        Assert.Same(alert, onTime);
        Assert.Equal("群管告警（延迟送达：应于 08:01 发出）：2 条违规消息（office）", late.Title);
        Assert.StartsWith("### 群管告警（延迟送达：应于 08:01 发出）：2 条违规消息（office）\n", late.Markdown, StringComparison.Ordinal);
        Assert.StartsWith("群管告警（延迟送达：应于 08:01 发出）：2 条违规消息（office）\n", late.Text, StringComparison.Ordinal);
        Assert.Contains("<h3>群管告警（延迟送达：应于 08:01 发出）：2 条违规消息（office）</h3>", late.Html, StringComparison.Ordinal);
        Assert.Equal(alert.Text[alert.Title.Length..], late.Text[late.Title.Length..]); // the rest as it was
        Assert.Equal("群管告警（延迟送达：应于 11月25日 08:01 发出）：2 条违规消息（office）", nextDay.Title);

        // One stored by an earlier version, whose HTML body had no style, is marked as well.
        var stored = alert with { Html = alert.Html.Replace(DigestBuilder.HtmlStart, "<html><body>", StringComparison.Ordinal) };
        Assert.StartsWith("<html><body><h3>群管告警（延迟送达：应于 08:01 发出）：2 条违规消息（office）</h3>", AlertBuilder.Delayed(stored, due, due.AddMinutes(7), Shanghai).Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10)] // `digest send` ten minutes after the last one
    [InlineData(7 * 24 * 60)] // a weekly digest
    public void A_quiet_period_of_any_length_says_the_period_had_no_incident_not_the_day(int minutes)
    {
        var to = From.AddMinutes(minutes);
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, to, Shanghai, [], 812, null, Healthy));

        Assert.StartsWith("本期无违规，", digest.Text.Split('\n')[1], StringComparison.Ordinal);
        Assert.DoesNotContain("今日", digest.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DigestCadence.Daily, "群管日报 11月25日 08:00 – 11月26日 08:00（王主任）")]
    [InlineData(DigestCadence.Weekly, "群管周报 11月25日 08:00 – 11月26日 08:00（王主任）")]
    [InlineData(DigestCadence.Monthly, "群管月报 11月25日 08:00 – 11月26日 08:00（王主任）")]
    [InlineData(DigestCadence.None, "群管报告 11月25日 08:00 – 11月26日 08:00（王主任）")]
    [InlineData(DigestCadence.None, "群管报告 11月25日 08:00 – 08:10（王主任）", 10)] // within a day: the date once
    public void The_title_names_the_period_the_leader_s_schedule_gives(DigestCadence cadence, string title, int minutes = 24 * 60)
    {
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, From.AddMinutes(minutes), Shanghai, [], 812, null, Healthy) { Cadence = cadence });

        Assert.Equal(title, digest.Title);
        Assert.StartsWith("### " + title, digest.Markdown, StringComparison.Ordinal);
        Assert.StartsWith(title + "\n", digest.Text, StringComparison.Ordinal);
        Assert.Contains("<h3>" + title + "</h3>", digest.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-25T08:00:00+08:00", "2026-11-26T08:00:00+08:00", DigestCadence.Daily)]
    [InlineData("2026-11-23T08:00:00+08:00", "2026-11-30T08:00:00+08:00", DigestCadence.Weekly)]
    [InlineData("2026-11-01T08:00:00+08:00", "2026-12-01T08:00:00+08:00", DigestCadence.Monthly)]
    [InlineData("2026-11-25T08:00:00+08:00", "2026-11-25T08:10:00+08:00", DigestCadence.None)] // ten minutes
    [InlineData("2026-11-25T08:00:00+08:00", "2026-11-27T08:00:00+08:00", DigestCadence.None)] // two days
    [InlineData("2026-11-25T08:00:00+08:00", "2026-11-26T08:00:01+08:00", DigestCadence.None)]
    [InlineData("2026-11-27T08:00:00+08:00", "2026-11-30T08:00:00+08:00", DigestCadence.None)] // Friday to Monday
    public void A_period_is_a_day_a_week_or_a_month_from_one_time_of_day_to_the_same(string from, string to, DigestCadence cadence) =>
        Assert.Equal(cadence, DigestBuilder.CadenceOf(DateTimeOffset.Parse(from, CultureInfo.InvariantCulture), DateTimeOffset.Parse(to, CultureInfo.InvariantCulture), Shanghai));

    [Fact]
    public void A_day_across_a_change_of_summer_time_is_still_a_day()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var saturday = DateTimeOffset.Parse("2026-03-28T08:00:00+01:00", CultureInfo.InvariantCulture);
        var sunday = DateTimeOffset.Parse("2026-03-29T08:00:00+02:00", CultureInfo.InvariantCulture); // 23 hours later

        Assert.Equal(DigestCadence.Daily, DigestBuilder.CadenceOf(saturday, sunday, berlin));
        Assert.Equal(DigestCadence.None, DigestBuilder.CadenceOf(saturday, saturday.AddHours(24), berlin)); // 09:00 on Sunday
    }

    [Fact]
    public void A_quiet_day_says_how_many_messages_were_checked()
    {
        var digest = Build([], messages: 812);

        Assert.Contains("本期无违规，共检查 812 条消息", digest.Text, StringComparison.Ordinal);
        Assert.Contains("王主任", digest.Title, StringComparison.Ordinal);
        Assert.Empty(digest.IncidentIds);
    }

    [Fact]
    public void Messages_are_counted_by_whole_hours_and_the_digest_says_which_when_its_period_is_not_on_the_hour()
    {
        var from = DateTimeOffset.Parse("2026-11-25T08:36:00Z", CultureInfo.InvariantCulture); // 16:36 in Shanghai
        DigestDocument Of(DateTimeOffset to) => DigestBuilder.Build(new DigestInput(Wang, from, to, Shanghai, [], 57, null, Healthy));

        Assert.Equal((from.AddMinutes(-36), from.AddMinutes(24)), DigestBuilder.CountedHours(from, from.AddMinutes(34)));
        Assert.Contains("共检查 57 条消息（按整点小时统计：11月25日 16:00 – 17:00，此后的计入下期）", Of(from.AddMinutes(34)).Text, StringComparison.Ordinal);
        Assert.Contains("共检查 57 条消息（按整点小时统计：11月25日 16:00 – 11月26日 08:00，此后的计入下期）", Of(from.AddHours(15.5)).Text, StringComparison.Ordinal);
        // Within one hour: no hour has ended, and the next digest counts this one whole.
        Assert.Equal((from.AddMinutes(-36), from.AddMinutes(-36)), DigestBuilder.CountedHours(from, from.AddMinutes(10)));
        Assert.Contains("消息数按整点小时统计，16:00 起的计入下期。", Of(from.AddMinutes(10)).Text, StringComparison.Ordinal);
        Assert.DoesNotContain("共检查", Of(from.AddMinutes(10)).Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// A service started within the hour, and a digest sent to try it: the whole hours of its period
    /// counted no message, while the hour not counted yet holds the offences. The headline says when
    /// the next count begins, not 共检查 0 条消息 beside 发现 1 条违规消息; a quiet period says its 0.
    /// </summary>
    [Fact]
    public void Offences_all_in_the_hour_not_counted_yet_are_not_told_beside_none_checked()
    {
        var to = DateTimeOffset.Parse("2026-11-25T17:44:00Z", CultureInfo.InvariantCulture); // 01:44 in Shanghai
        var advert = Incidents.Of("m1", time: to.AddMinutes(-2), groupName: "二年级家长群");
        DigestDocument Of(IReadOnlyList<Incident> incidents, long messages) =>
            DigestBuilder.Build(new DigestInput(Wang, to.AddDays(-1), to, Shanghai, incidents, messages, null, Healthy));

        var tried = Of([advert], 0).Text;
        Assert.Contains("消息数按整点小时统计，01:00 起的计入下期，发现 1 条违规消息", tried, StringComparison.Ordinal);
        Assert.DoesNotContain("共检查 0 条消息", tried, StringComparison.Ordinal);
        Assert.Contains("共检查 57 条消息（按整点小时统计：11月25日 01:00 – 11月26日 01:00，此后的计入下期），发现 1 条违规消息", Of([advert], 57).Text, StringComparison.Ordinal);
        Assert.Contains("本期无违规，共检查 0 条消息（按整点小时统计", Of([], 0).Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Without_a_previous_period_the_digest_compares_with_nothing(int incidents)
    {
        var digest = Build([.. Enumerable.Range(1, incidents).Select(i => Incident(i, "1", "m" + i))], previous: null);

        Assert.Contains(incidents == 0 ? "本期无违规，共检查 4,120 条消息。" : "共检查 4,120 条消息，发现 2 条违规消息。", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("上期", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("上期", digest.Markdown, StringComparison.Ordinal);
    }

    /// <summary>A blocked picture's hits read as the bare word images in 按类别 and on their lines: they are named as their rule's pack is, 已屏蔽图片.</summary>
    [Fact]
    public void Blocked_pictures_are_named_as_their_rules_pack_is_not_by_the_word_images()
    {
        var digest = Build(
        [
            Incident(1, "1", "m1"),
            Incident(2, "2", "m2") with { Rule = "images.blocked", Pack = "images", Category = "images" },
        ]);

        var byCategory = Assert.Single(digest.Text.Split('\n'), line => line.Contains("按类别：", StringComparison.Ordinal));
        Assert.Contains("已屏蔽图片 1", byCategory, StringComparison.Ordinal);
        Assert.DoesNotContain("images", byCategory, StringComparison.Ordinal);
        Assert.Contains("（已屏蔽图片，images.blocked，", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Incidents_are_counted_by_severity_category_and_group_with_failures_and_their_reasons()
    {
        var digest = Build(
        [
            Incident(1, "1", "m1", Severity.High),
            Incident(2, "2", "m2") with { ActionStatus = ActionStatus.Failed, ActionError = "recall: 机器人不是管理员", ActionErrorKind = ActionErrorKind.NotPermitted },
            Incident(3, "3", "m3") with { ActionStatus = ActionStatus.Unsupported, ActionError = "recall: GroupGuard:OneBot:ApiBaseUrl is not set", ActionErrorKind = ActionErrorKind.NotConfigured },
        ], previous: 1);

        Assert.Contains("共检查 4,120 条消息，发现 3 条违规消息。比上期多 2 条。", digest.Text, StringComparison.Ordinal);
        Assert.Contains("按严重程度：高 1，中 2", digest.Text, StringComparison.Ordinal);
        Assert.Contains("广告引流 3", digest.Text, StringComparison.Ordinal);
        Assert.Contains("二年级家长群（123456）：3 条", digest.Text, StringComparison.Ordinal);
        Assert.Contains("未能处置 1 条：机器人不是群管理员", digest.Text, StringComparison.Ordinal);
        Assert.Contains("未能处置 1 条：未配置机器人接口", digest.Text, StringComparison.Ordinal);
        Assert.Contains("未能撤回（未配置机器人接口）", digest.Text, StringComparison.Ordinal); // the incident line says the same, not "the platform cannot"
        Assert.DoesNotContain("平台不支持撤回", digest.Text, StringComparison.Ordinal);
        Assert.Equal([1L, 2, 3], digest.IncidentIds);
    }

    [Fact]
    public void Failures_are_told_by_their_kind_in_a_few_chinese_words_without_the_platform_s_own()
    {
        var digest = Build(
        [
            Incident(1, "1", "m1") with { ActionStatus = ActionStatus.Failed, ActionError = "recall: retcode 102: Error: Permission denied: bot is not an administrator of group 123456", ActionErrorKind = ActionErrorKind.NotPermitted },
            Incident(2, "2", "m2") with { ActionStatus = ActionStatus.Failed, ActionError = "mute: retcode 200: NTQQ error: member role insufficient (owner)", ActionErrorKind = ActionErrorKind.NotPermitted },
            Incident(3, "3", "m3") with { ActionStatus = ActionStatus.Failed, ActionError = "recall: POST http://127.0.0.1:3000/delete_msg timed out after 10s (3 attempts)", ActionErrorKind = ActionErrorKind.Unreachable },
            Incident(4, "4", "m4") with { ActionStatus = ActionStatus.Failed, ActionError = "recall: retcode 1200: message not found", ActionErrorKind = ActionErrorKind.Refused },
        ]);

        Assert.Contains("未能处置 2 条：机器人不是群管理员，或对方是管理员", digest.Text, StringComparison.Ordinal);
        Assert.Contains("未能处置 1 条：机器人无响应", digest.Text, StringComparison.Ordinal);
        Assert.Contains("未能处置 1 条：平台拒绝", digest.Text, StringComparison.Ordinal);
        Assert.Contains("平台返回的原文见控制台的违规记录", digest.Text, StringComparison.Ordinal);
        foreach (var words in new[] { "retcode", "Permission denied", "timed out", "message not found", "127.0.0.1" })
        {
            Assert.DoesNotContain(words, digest.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Incidents_of_a_rule_that_only_records_are_not_counted_as_handled()
    {
        // A log rule's incident is done once recorded: nothing was removed, nobody muted or warned.
        var logged = (Incident i) => i with { Rule = "abuse.profanity", Category = "abuse", DecidedAction = ModerationAction.Log, ActionStatus = ActionStatus.Done };
        var digest = Build(
        [
            logged(Incident(1, "1", "m1")),
            logged(Incident(2, "2", "m2")),
            logged(Incident(3, "3", "m3")),
            Incident(4, "4", "m4") with { DecidedAction = ModerationAction.Recall, ActionStatus = ActionStatus.Done },
            Incident(5, "5", "m5") with { DecidedAction = ModerationAction.Warn, ActionStatus = ActionStatus.Done },
            Incident(6, "6", "m6") with { ActionStatus = ActionStatus.DryRun },
            Incident(7, "7", "m7") with { ActionStatus = ActionStatus.Exempt },
        ]);

        Assert.Contains("已处置 2 条；仅记录 3 条；演练 1 条；管理员豁免 1 条", digest.Text, StringComparison.Ordinal);
        Assert.Contains("已处置 2 条；仅记录 3 条；演练 1 条；管理员豁免 1 条", digest.Markdown, StringComparison.Ordinal);
        Assert.Contains("（辱骂仇恨，abuse.profanity，已记录）", digest.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// A member trusted in the group (a teacher) is no admin: their messages are counted and named
    /// 群内信任, a member spared in every group 全局免处置, apart from 管理员豁免, each said only when there is one.
    /// </summary>
    [Fact]
    public void A_trusted_members_messages_are_named_apart_from_an_admins()
    {
        var digest = Build(
        [
            Incident(1, "1", "m1") with { ActionStatus = ActionStatus.Exempt, ExemptBy = ExemptReason.Admin },
            Incident(2, "2", "m2") with { ActionStatus = ActionStatus.Exempt, ExemptBy = ExemptReason.Group },
            Incident(3, "3", "m3") with { ActionStatus = ActionStatus.Exempt, ExemptBy = ExemptReason.Group },
            Incident(4, "4", "m4") with { ActionStatus = ActionStatus.Exempt, ExemptBy = ExemptReason.Service },
            Incident(5, "5", "m5") with { ActionStatus = ActionStatus.Exempt }, // recorded before the reason was kept
        ]);
        var admins = Build([Incident(1, "1", "m1") with { ActionStatus = ActionStatus.Exempt, ExemptBy = ExemptReason.Admin }]);

        Assert.Contains("已处置 0 条；管理员豁免 2 条；群内信任 2 条；全局免处置 1 条", digest.Text, StringComparison.Ordinal);
        Assert.Contains("，群内信任）", digest.Text, StringComparison.Ordinal);
        Assert.Contains("，全局免处置）", digest.Text, StringComparison.Ordinal);
        Assert.EndsWith("管理员豁免 1 条", admins.Text.Split('\n').First(l => l.Contains("管理员豁免", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_whose_action_still_waits_on_the_platform_is_counted_as_pending_not_as_a_dry_run_or_not_at_all()
    {
        var digest = Build(
        [
            // A fraud advert whose recall is under way, which a shadow rule hit too.
            Incident(1, "1", "m1", Severity.High) with { Rule = "fraud.cards", Category = "fraud", ActionStatus = ActionStatus.Pending },
            Incident(2, "1", "m1", Severity.Low) with { Rule = "promo.offer", ActionStatus = ActionStatus.DryRun },
            // A message with nothing but a pending action.
            Incident(3, "3", "m3") with { ActionStatus = ActionStatus.Pending },
            Incident(4, "4", "m4") with { DecidedAction = ModerationAction.Recall, ActionStatus = ActionStatus.Done },
        ]);

        Assert.Contains("发现 3 条违规消息（4 次命中）", digest.Text, StringComparison.Ordinal);
        Assert.Contains("已处置 1 条；待处置 2 条\n", digest.Text, StringComparison.Ordinal);
        Assert.Contains("（诈骗、广告引流，fraud.cards、promo.offer，待处置）", digest.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// A mute carried out whose group warning still waits (the warnings of a few seconds go out as
    /// one) reads 已禁言 on its line: the 处置 counts say the same, 已处置, not 待处置; a recall the
    /// platform did not answer while its warning waits is counted where its line says 撤回失败.
    /// </summary>
    [Fact]
    public void A_message_whose_mute_is_done_and_whose_warning_still_waits_is_counted_as_handled_as_its_line_says()
    {
        var digest = Build(
        [
            Incident(1, "1", "m1", Severity.High) with { DecidedAction = ModerationAction.Mute, ActionStatus = ActionStatus.Pending, ActsOutcome = ActionStatus.Done },
            Incident(2, "2", "m2") with { ActionStatus = ActionStatus.Pending, ActsOutcome = ActionStatus.Failed, ActionErrorKind = ActionErrorKind.Unreachable, ActionError = "timed out" },
            Incident(3, "3", "m3") with { ActionStatus = ActionStatus.Pending },
        ]);

        Assert.Contains("已处置 1 条；待处置 1 条\n", digest.Text, StringComparison.Ordinal);
        Assert.Contains("未能处置 1 条：机器人无响应", digest.Text, StringComparison.Ordinal);
        Assert.Contains("（广告引流，ads.contact，已禁言）", digest.Text, StringComparison.Ordinal);
        Assert.Contains("（广告引流，ads.contact，撤回失败）", digest.Text, StringComparison.Ordinal);
        Assert.Single(digest.Text.Split('\n'), l => l.EndsWith("，待处置）", StringComparison.Ordinal)); // the one whose recall has not been answered yet
    }

    [Fact]
    public void A_digest_of_log_only_incidents_says_nothing_was_handled()
    {
        var digest = Build(
        [
            Incident(1, "1", "m1") with { DecidedAction = ModerationAction.Log, ActionStatus = ActionStatus.Done },
            Incident(2, "2", "m2") with { DecidedAction = ModerationAction.Log, ActionStatus = ActionStatus.Done },
        ]);

        Assert.Contains("发现 2 条违规消息", digest.Text, StringComparison.Ordinal);
        Assert.Contains("已处置 0 条；仅记录 2 条", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forwarded_hit_names_who_first_sent_it_and_a_kicks_clear_is_counted_once_a_message()
    {
        var kicked = Incident(1, "1", "m1") with { DecidedAction = ModerationAction.Kick, ActionStatus = ActionStatus.Done, ClearedMessages = 3, ClearFailed = 1 };
        var digest = Build(
        [
            kicked,
            kicked with { Id = 2, Rule = "ads.other" },
            Incident(3, "2", "m2") with { ForwardDepth = 2, ForwardedFrom = "资料分享君" },
        ]);

        Assert.Contains("用户2 转发（原发送人 资料分享君）：「", digest.Text, StringComparison.Ordinal);
        Assert.Contains("其中 1 条出自转发的聊天记录", digest.Text, StringComparison.Ordinal);
        Assert.Contains("移出群 1 人，并撤回其近期消息 3 条（1 条未能撤回）", digest.Text, StringComparison.Ordinal);
        Assert.Contains("已移出群，并撤回其近期消息 3 条（1 条未能撤回））", digest.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, 0)] // the second bot's recalls were answered as done
    [InlineData(0, 3)] // or found the messages gone
    public void Where_two_bots_in_the_group_each_kicked_and_cleared_the_clear_is_counted_once_a_message(int secondCleared, int secondFailed)
    {
        var kicked = Incident(1, "1", "m1") with { DecidedAction = ModerationAction.Kick, ActionStatus = ActionStatus.Done, ClearedMessages = 3 };
        var digest = Build(
        [
            kicked,
            kicked with { Id = 2, BotId = "10002", ClearedMessages = secondCleared, ClearFailed = secondFailed },
        ]);

        Assert.Contains("发现 1 条违规消息", digest.Text, StringComparison.Ordinal);
        Assert.Contains("移出群 1 人，并撤回其近期消息 3 条\n", digest.Text, StringComparison.Ordinal);
        Assert.Contains("已移出群，并撤回其近期消息 3 条）", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("未能撤回", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_earlier_pieces_of_a_message_sent_in_pieces_are_told_on_its_line_and_are_no_kick()
    {
        var pieced = Incident(1, "1", "m1") with { DecidedAction = ModerationAction.Recall, ActionStatus = ActionStatus.Done, ClearedMessages = 2 };
        var digest = Build([pieced]);

        Assert.Contains("已撤回，并撤回分条发送的前 2 条）", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("移出群", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Excerpts_keep_an_advert_s_words_and_mask_its_contact_and_long_numbers()
    {
        var digest = Build([Incident(1, "1", "m1")]);

        Assert.Contains("「加微信 ************ 领红包」", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("abc123456789", digest.Markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("加微信 abc", digest.Html, StringComparison.Ordinal);
    }

    [Theory]
    // A regex over a whole scam: its words read, its id, link and QQ number masked, a sum kept.
    [InlineData("fraud", "日赚300加V：loan8899 见 http://e.top/a?b=1", "日赚300加V：******** 见 ******************")]
    [InlineData("fraud", "低息贷款秒批 QQ 12345", "低息贷款秒批 QQ *****")]
    [InlineData("gambling", "澳门赌场上线 注册送88 网址 www.bet365.top", "澳门赌场上线 注册送88 网址 **************")]
    // Insults, solicitation, someone's number and a pack's own category: masked whole, as before.
    [InlineData("abuse", "你这个傻子真是个废物啊", "***********")]
    [InlineData("porn", "同城上门服务加微信", "*********")]
    [InlineData("privacy", "我的电话是 1381234 5678", "******************")]
    [InlineData("school", "期末考试答案出售中", "*********")]
    public void An_advert_s_words_read_in_the_excerpt_while_other_hits_are_masked_whole(string category, string text, string excerpt)
    {
        var incident = Incident(1, "1", "m1", Severity.High, text) with { Category = category, Spans = [new EvidenceSpan(0, text.Length)] };
        var rule = new AlertRuleOptions { Name = "office", Groups = ["*"], Channels = ["office-robot"], MinSeverity = "medium" };

        var digest = Build([incident]);
        var alert = AlertBuilder.Build(new AlertInput(rule, From, To, incident.DetectedAt, Shanghai, [incident], 1, [incident.Id]));

        Assert.Contains($"：「{excerpt}」（", digest.Text, StringComparison.Ordinal);
        Assert.Contains($"：「{excerpt}」（", alert.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_excerpt_starts_with_the_words_not_the_space_a_mention_left_before_them()
    {
        // NapCat's " 想要资料的加微信 abc123，" once the @李四 before it is taken out.
        var incident = Incident(1, "1", "m1", text: " 想要资料的加微信 abc123， ") with { Spans = [new EvidenceSpan(6, 10)] };
        var rule = new AlertRuleOptions { Name = "office", Groups = ["*"], Channels = ["office-robot"], MinSeverity = "medium" };

        var digest = Build([incident]);
        var alert = AlertBuilder.Build(new AlertInput(rule, From, To, incident.DetectedAt, Shanghai, [incident], 1, [incident.Id]));

        Assert.Contains("：「想要资料的加微信 ******，」（", digest.Text, StringComparison.Ordinal);
        Assert.Contains("：「想要资料的加微信 ******，」（", alert.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_excerpt_cut_where_an_emoji_stands_keeps_no_half_of_it_in_the_digest_or_the_alert()
    {
        // 39 characters, then an emoji (two UTF-16 code units: the 40th and 41st), then the hit.
        var text = new string('群', 39) + "😀加微信";
        var incident = Incident(1, "1", "m1", severity: Severity.High, text: text) with { Spans = [new EvidenceSpan(41, 3)] };
        var rule = new AlertRuleOptions { Name = "office", Groups = ["*"], Channels = ["office-robot"] };

        var digest = Build([incident]);
        var alert = AlertBuilder.Build(new AlertInput(rule, From, To, incident.DetectedAt, Shanghai, [incident], 1, [incident.Id]));

        // A lone surrogate is no text: PostgreSQL's driver refused to store such a digest or alert.
        var strict = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        foreach (var written in new[] { digest.Markdown, digest.Text, digest.Html, alert.Markdown, alert.Text, alert.Html })
        {
            Assert.Null(Record.Exception(() => strict.GetByteCount(written)));
        }

        Assert.Contains($"「{new string('群', 39)}…」", digest.Text, StringComparison.Ordinal);
        Assert.Contains($"「{new string('群', 39)}…」", alert.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeat_offenders_and_false_positives_are_listed()
    {
        var digest = Build([Incident(1, "7", "m1"), Incident(2, "7", "m2"), Incident(3, "8", "m3", falsePositive: true),
            Incident(4, "9", "m4") with { GroupId = "654321", GroupName = null }, Incident(5, "9", "m5") with { GroupId = "654321", GroupName = null }]);

        Assert.Contains("用户7（7，二年级家长群）：2 条", digest.Text, StringComparison.Ordinal); // the group as 概况 names it
        Assert.Contains("用户9（9，群 654321）：2 条", digest.Text, StringComparison.Ordinal); // a group of no known name by its id
        Assert.Contains("管理员标记的误报", digest.Text, StringComparison.Ordinal);
        Assert.Contains("班主任通知", digest.Text, StringComparison.Ordinal);
        Assert.Contains("发现 4 条违规消息", digest.Text, StringComparison.Ordinal); // false positives are not counted
    }

    /// <summary>
    /// A busy day's lists are cut short (ten repeat offenders, the five most serious, ten false
    /// positives, ten of each kind of join request): each says how many it left out and where to
    /// read them, so that the leader of a quiet group a busy one crowded out of the list learns
    /// there is more. A list that holds everything says nothing of the kind.
    /// </summary>
    [Fact]
    public void A_list_cut_short_says_how_many_it_left_out_and_where_to_read_them()
    {
        // Twelve members with two adverts each, and thirteen messages marked false positive.
        var incidents = Enumerable.Range(1, 12)
            .SelectMany(u => new[] { Incident(u * 2, u.ToString(CultureInfo.InvariantCulture), $"m{u}a"), Incident((u * 2) + 1, u.ToString(CultureInfo.InvariantCulture), $"m{u}b") })
            .Concat(Enumerable.Range(100, 13).Select(i => Incident(i, "99", "fp" + i, falsePositive: true)))
            .ToList();
        var joins = Enumerable.Range(1, 12).Select(i => Join("1" + i, Members.JoinOutcome.Rejected, Members.JoinReason.Rule)).ToList();
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, incidents, 4120, null, Healthy) { JoinDecisions = joins });

        var lines = digest.Text.Split('\n').ToList();
        Assert.Equal(10, lines.Count(l => l.EndsWith("，二年级家长群）：2 条", StringComparison.Ordinal)));
        Assert.Equal(lines.IndexOf("【最严重的违规】") - 2, lines.IndexOf("· 另有 2 人未列出，见控制台")); // under the repeat offenders
        Assert.Equal(lines.IndexOf("【最严重的违规】") + 6, lines.IndexOf("· 另有 19 条未列出，见控制台")); // 24 messages, five listed
        Assert.Equal(lines.IndexOf("【管理员标记的误报】") + 11, lines.IndexOf("· 另有 3 条未列出，见控制台"));
        Assert.Contains("· 另有 2 个拒绝的申请未列出", lines);
        Assert.Contains("- 另有 2 人未列出，见控制台\n", digest.Markdown, StringComparison.Ordinal);

        var few = Build([Incident(1, "7", "m1"), Incident(2, "7", "m2"), Incident(3, "8", "m3", falsePositive: true)]);
        Assert.DoesNotContain("未列出", few.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// A kicked member who asks to join again is turned away by the block list the kick added them
    /// to: the digest says why in Chinese (GroupGuard notes it in English, for the log), and what
    /// an operator wrote as it is.
    /// </summary>
    [Theory]
    [InlineData("kicked from group 777 (incident 9)", "黑名单：曾被移出群 777（事件 #9）")]
    [InlineData("kick decided in group 777 (incident 9)", "黑名单：曾在群 777 触发移出（事件 #9）")]
    [InlineData("kicked from group 777", "黑名单：曾被移出群 777，")]
    [InlineData("blocked by cli:root", "黑名单：由 cli:root 加入")]
    [InlineData("多次发广告，kicked from group 777 by hand", "黑名单：多次发广告，kicked from group 777 by hand")]
    public void A_block_list_note_GroupGuard_wrote_reads_in_chinese_and_an_operator_s_as_written(string note, string shown)
    {
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, [], 10, null, Healthy)
        {
            JoinDecisions = [Join("2", Members.JoinOutcome.Rejected, Members.JoinReason.Blocked) with { BlockNote = note }],
        });

        var line = Assert.Single(digest.Text.Split('\n'), l => l.Contains("30002 申请加入", StringComparison.Ordinal));
        Assert.Contains("：已拒绝（" + shown, line, StringComparison.Ordinal);
    }

    /// <summary>
    /// An alert lists twenty messages and counts the rest under them: in Markdown that count is a
    /// line of its own, not read as more of the last message listed (after its 详情).
    /// </summary>
    [Fact]
    public void An_alert_s_count_of_the_messages_it_does_not_list_stands_apart_from_the_last_one_listed()
    {
        var rule = new AlertRuleOptions { Name = "office", MinSeverity = "medium", Groups = ["*"], Channels = ["robot"] };
        var incidents = Enumerable.Range(1, 22).Select(i => Incident(i, i.ToString(CultureInfo.InvariantCulture), "m" + i)).ToList();

        var alert = AlertBuilder.Build(new AlertInput(rule, From, To, From, Shanghai, incidents, incidents.Count, [.. incidents.Select(i => i.Id)])
        {
            ConsoleUrl = "https://guard.example.org",
        });

        Assert.Contains("[详情](https://guard.example.org/console/incidents/20)\n\n还有 2 条，见控制台或下一期日报。\n", alert.Markdown, StringComparison.Ordinal);
        Assert.Contains("https://guard.example.org/console/incidents/20\n还有 2 条，见控制台或下一期日报。\n", alert.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// A regex's hit over a whole advert leaves a run of forty asterisks, and a member may write a
    /// long address: in a mail read on a phone such a run wraps, rather than widening the whole mail
    /// past the screen.
    /// </summary>
    [Fact]
    public void A_mail_s_long_runs_wrap_on_a_phone_s_screen()
    {
        var advert = Incident(1, "1", "m1", Severity.High, text: "加微信" + new string('x', 60)) with { Spans = [new EvidenceSpan(0, 63)] };
        var rule = new AlertRuleOptions { Name = "office", MinSeverity = "medium", Groups = ["*"], Channels = ["robot"] };

        var digest = Build([advert]);
        var alert = AlertBuilder.Build(new AlertInput(rule, From, To, From, Shanghai, [advert], 1, [1]));

        Assert.Contains("「加微信" + new string('*', 37) + "…」", digest.Html, StringComparison.Ordinal); // the run as an advert's contact
        Assert.StartsWith("<html><body style=\"word-wrap:break-word;overflow-wrap:break-word\"><h3>群管报告 ", digest.Html, StringComparison.Ordinal);
        Assert.StartsWith("<html><body style=\"word-wrap:break-word;overflow-wrap:break-word\"><h3>群管告警：", alert.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Right_after_a_restart_the_digest_says_the_bots_are_unheard_since_then_not_that_none_were_ever_heard()
    {
        var restarted = new DigestHealth([], 0, [], []) { ListeningSince = To.AddMinutes(-30) };
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, [Incident(1, "1", "m1")], 10, null, restarted));

        Assert.Contains("本服务 11-26 07:30 启动后尚未收到任何机器人事件", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("尚未收到任何平台事件", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Health_is_reported_and_html_is_escaped()
    {
        var health = new DigestHealth([], 3, ["rules/ads.yaml:4: 'severity' is 'dire'"], ["ding: errcode 310000"]);
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, [Incident(1, "1", "m1", text: "<script>加微信</script>")], 10, null, health));

        Assert.Contains("本服务启动后尚未收到任何机器人事件", digest.Text, StringComparison.Ordinal);
        Assert.Contains("拒收的推送：3 次", digest.Text, StringComparison.Ordinal);
        Assert.Contains("rules/ads.yaml:4:", digest.Text, StringComparison.Ordinal);
        Assert.Contains("ding: errcode 310000", digest.Markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", digest.Html, StringComparison.Ordinal);
    }

    // What a member can choose (nickname, group card, group name, message) and what platforms and
    // rule files report, written to plant links, images, tags, headings and lines in the digest.
    private static DigestDocument HostileDigest() => DigestBuilder.Build(HostileInput());

    private static DigestInput HostileInput()
    {
        var hostile = Incident(1, "666", "m1", Severity.High, text: "![二维码](http://evil.example/qr.png) <font color=\"warning\">退款</font> `code`") with
        {
            SenderName = "[点这里领红包](http://evil.example/a)",
            GroupName = "家长群\n### 紧急通知\n- 假的一行",
            Spans = [],
        };
        var repeat = hostile with { Id = 2, MessageId = "m2", ActionStatus = ActionStatus.Failed, ActionError = "**失败** 详情见 https://evil.example/b" };
        var falsePositive = Incident(3, "8", "m3", falsePositive: true) with
        {
            GroupName = hostile.GroupName, // the same group, of the same name (the newest names it)
            MatchedTerm = "<at user_id=\"all\">所有人</at>",
            ReviewNote = "`误报`\r\n# 已处理 ~~删除~~ www.evil.example",
        };
        var health = new DigestHealth([("onebot\n### 假平台", To.AddMinutes(-5))], 0, ["rules/ads.yaml:4: [看这里](javascript:alert(1))"], ["ding: <font color=\"info\">ok</font>"]);
        return new DigestInput(Wang, From, To, Shanghai, [hostile, repeat, falsePositive], 10, null, health);
    }

    [Fact]
    public void Names_and_texts_from_members_and_platforms_cannot_add_links_images_tags_or_headings_to_the_markdown()
    {
        var markdown = HostileDigest().Markdown;

        Assert.DoesNotContain("](", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("![", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("`", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("~~", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", markdown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", markdown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("www.", markdown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("**失败**", markdown, StringComparison.Ordinal);
        var lines = markdown.Split('\n');
        Assert.Single(lines, line => line.StartsWith('#'));
        Assert.DoesNotContain(lines, line => line.StartsWith("- 假的一行", StringComparison.Ordinal));
    }

    [Fact]
    public void Hostile_names_and_texts_are_still_recognisable_in_the_markdown()
    {
        var markdown = HostileDigest().Markdown;

        Assert.Contains("［点这里领红包］（http：//evil.example/a）", markdown, StringComparison.Ordinal);
        Assert.Contains("家长群 ＃＃＃ 紧急通知 - 假的一行（123456）：2 条", markdown, StringComparison.Ordinal);
        Assert.Contains("「！［二维码］（http：//evil.example/qr.png） ＜font", markdown, StringComparison.Ordinal);
        Assert.Contains("＜at user_id=\"all\"＞所有人＜/at＞", markdown, StringComparison.Ordinal); // the tag is defused by its brackets
        Assert.Contains("｀误报｀  ＃ 已处理 ～～删除～～ www．evil.example", markdown, StringComparison.Ordinal);
        Assert.Contains("未能处置 1 条：其他原因", markdown, StringComparison.Ordinal); // the platform's words stay in the console
        Assert.DoesNotContain("evil.example/b", markdown, StringComparison.Ordinal);
        Assert.Contains("onebot ＃＃＃ 假平台 最后事件", markdown, StringComparison.Ordinal);
        // GroupGuard's own markup still works around them.
        Assert.StartsWith("### 群管报告", markdown, StringComparison.Ordinal);
        Assert.Contains("\n**最严重的违规**\n- [高] ", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void An_api_name_in_a_channel_s_error_reads_as_written_and_other_underscores_cannot_emphasise()
    {
        // A channel that failed last time is told with its words (an incident's or a join
        // request's failure is told by its kind alone).
        var health = Healthy with { FailedChannels = ["wang-qq: send_private_msg failed: _不是好友_ __强调__"] };
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, [], 10, null, health));

        Assert.Contains("上次发送失败的渠道：wang-qq: send_private_msg failed: ＿不是好友＿ ＿＿强调＿＿", digest.Markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("＿private", digest.Markdown, StringComparison.Ordinal);
        Assert.Contains("send_private_msg failed: _不是好友_", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plain_text_keeps_what_members_wrote_but_not_their_line_breaks()
    {
        var digest = HostileDigest();

        Assert.Contains("[点这里领红包](http://evil.example/a)", digest.Text, StringComparison.Ordinal);
        Assert.Contains("· 家长群 ### 紧急通知 - 假的一行（123456）：2 条", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(digest.Text.Split('\n'), line => line.StartsWith('#') || line.StartsWith("- ", StringComparison.Ordinal));
        Assert.DoesNotContain("<font", digest.Html, StringComparison.Ordinal);
    }

    private const string Console = "https://guard.example.org";

    /// <summary>
    /// A message whose regex hit is the whole advert (its excerpt all ＊), hit a second time by a
    /// lesser rule stored first: the line is told by the more severe hit, #7.
    /// </summary>
    private static IReadOnlyList<Incident> WholeAdvert()
    {
        const string text = "加VX领取内部资料";
        var lesser = Incident(5, "1", "m1", Severity.Medium, text) with { Rule = "ads.contact", Spans = [new EvidenceSpan(0, 3)], ActionStatus = ActionStatus.Skipped };
        var advert = Incident(7, "1", "m1", Severity.High, text) with { Rule = "ads.site", Spans = [new EvidenceSpan(0, text.Length)], DetectedAt = lesser.DetectedAt.AddSeconds(1) };
        return [lesser, advert];
    }

    [Fact]
    public void With_the_console_s_address_each_listed_message_links_to_its_most_severe_incident_in_every_rendering()
    {
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, WholeAdvert(), 10, null, Healthy) { ConsoleUrl = Console });
        const string link = "https://guard.example.org/console/incidents/7";

        var markdown = Assert.Single(digest.Markdown.Split('\n'), l => l.StartsWith("- [高]", StringComparison.Ordinal));
        Assert.Contains("「加VX领取内部资料」", markdown, StringComparison.Ordinal); // an advert with no contact in it: nothing masked
        Assert.EndsWith($"，已撤回） [详情]({link})", markdown, StringComparison.Ordinal);
        Assert.EndsWith($"，已撤回） {link}", Assert.Single(digest.Text.Split('\n'), l => l.StartsWith("· [高]", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains($"，已撤回） <a href=\"{link}\">详情</a></p>", digest.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("/console/incidents/5", digest.Markdown + digest.Text + digest.Html, StringComparison.Ordinal);

        // Only the listed messages link: the headline, counts and health lines do not.
        Assert.Single(digest.Markdown.Split('\n'), l => l.Contains("/console/incidents/", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_the_console_s_address_a_digest_or_an_alert_carries_no_link()
    {
        var rule = new AlertRuleOptions { Name = "office", MinSeverity = "medium", Groups = ["*"], Channels = ["robot"] };
        var digest = DigestBuilder.Build(new DigestInput(Wang, From, To, Shanghai, WholeAdvert(), 10, null, Healthy));
        var alert = AlertBuilder.Build(new AlertInput(rule, From, To, From, Shanghai, WholeAdvert(), 2, [5, 7]));

        foreach (var written in new[] { digest.Markdown, digest.Text, digest.Html, alert.Markdown, alert.Text, alert.Html })
        {
            Assert.DoesNotContain("/console/incidents/", written, StringComparison.Ordinal);
            Assert.DoesNotContain("详情", written, StringComparison.Ordinal);
            Assert.DoesNotContain("<a ", written, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("https://guard.example.org/", "https://guard.example.org/console/incidents/7")]
    [InlineData("https://guard.example.org/gg", "https://guard.example.org/gg/console/incidents/7")]
    [InlineData("https://guard.example.org/gg/", "https://guard.example.org/gg/console/incidents/7")]
    [InlineData("http://127.0.0.1:5140", "http://127.0.0.1:5140/console/incidents/7")]
    [InlineData("https://guard.example.org/a(b)", "https://guard.example.org/a%28b%29/console/incidents/7")] // a parenthesis would end the Markdown link
    public void An_alert_links_each_message_under_the_console_s_address_with_or_without_its_trailing_slash(string address, string link)
    {
        var rule = new AlertRuleOptions { Name = "office", MinSeverity = "medium", Groups = ["*"], Channels = ["robot"] };

        var alert = AlertBuilder.Build(new AlertInput(rule, From, To, From, Shanghai, WholeAdvert(), 2, [5, 7]) { ConsoleUrl = address });

        Assert.EndsWith($"，已撤回） [详情]({link})", Assert.Single(alert.Markdown.Split('\n'), l => l.StartsWith("- [高]", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.EndsWith($"，已撤回） {link}", Assert.Single(alert.Text.Split('\n'), l => l.StartsWith("· [高]", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains($"<a href=\"{link}\">详情</a>", alert.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alert_s_follow_up_links_each_failure_and_each_message_still_waiting_to_its_incident()
    {
        var failed = Incident(11, "1", "m1", Severity.High) with { ActionStatus = ActionStatus.Failed, ActionErrorKind = ActionErrorKind.NotPermitted };
        var waiting = Incident(12, "2", "m2", Severity.High) with { ActionStatus = ActionStatus.Pending };
        var done = Incident(13, "3", "m3", Severity.High);
        var alert = new DigestRecord
        {
            Leader = "alert:office", PeriodFrom = From, PeriodTo = To, Status = DigestStatus.Sent, CreatedAt = To,
            Title = "群管告警：3 条违规消息（office）", Markdown = "", Text = "", Html = "", IncidentIds = [11, 12, 13], PendingIds = [11, 12, 13], Messages = 3,
        };

        var followUp = AlertBuilder.FollowUp(new AlertFollowUpInput("office", alert, Shanghai, [failed, waiting, done], 0) { ConsoleUrl = Console });

        var lines = followUp.Text.Split('\n');
        Assert.EndsWith("（事件 #11，请手动处理） https://guard.example.org/console/incidents/11", Assert.Single(lines, l => l.Contains("#11", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.EndsWith("（事件 #12，平台仍未答复，请手动核实） https://guard.example.org/console/incidents/12", Assert.Single(lines, l => l.Contains("#12", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("请手动处理） [详情](https://guard.example.org/console/incidents/11)", followUp.Markdown, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://guard.example.org/console/incidents/11\">详情</a>", followUp.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("/console/incidents/13", followUp.Text, StringComparison.Ordinal); // carried out: counted, not listed
    }

    [Fact]
    public void Only_GroupGuard_s_own_links_are_kept_where_a_channel_defuses_the_plain_text()
    {
        var hostile = HostileInput() with { ConsoleUrl = Console };
        var digest = DigestBuilder.Build(hostile);

        var links = DigestMarkup.OwnLinks(digest.Markdown);
        var defused = DigestMarkup.EscapeKeepingLines(digest.Text, links);

        Assert.Equal(["https://guard.example.org/console/incidents/1", "https://guard.example.org/console/incidents/2"], links.Order(StringComparer.Ordinal));
        Assert.Contains("） https://guard.example.org/console/incidents/1\n", defused, StringComparison.Ordinal);
        Assert.Contains("［点这里领红包］（http：//evil.example/a）", defused, StringComparison.Ordinal); // the member's own link stays defused
        Assert.DoesNotContain("http://evil", defused, StringComparison.Ordinal);
        Assert.DoesNotContain("](http", defused, StringComparison.Ordinal);
    }
}
