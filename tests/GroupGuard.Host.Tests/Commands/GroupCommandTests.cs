using System.Globalization;
using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Core.Accounts;
using GroupGuard.Core.Commands;
using GroupGuard.Core.Moderation;
using GroupGuard.Host.Commands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Commands;

/// <summary>
/// Commands in the group end to end: NapCat events posted to the webhook, the bot's calls answered by
/// a fake OneBot API on loopback, and what the database says afterwards.
/// </summary>
public sealed class GroupCommandTests
{
    private const long Admin = 30003;
    private const long Member = 20002;

    // A warning first; the second offence within a day also mutes for 10 minutes (the default escalation).
    private const string Pack = """
        pack: ads
        name: 广告
        category: ads
        severity: medium
        action: warn
        rules:
          - id: ads.contact
            terms: [加微信]
        """;

    private static GroupGuardFactory Service(FakeOneBotApi api, TimeProvider? commandClock = null, params (string Key, string? Value)[] more) =>
        new(
            GroupGuardFactory.OneBotApi(api.BaseUrl, [("GroupGuard:OneBot:WarningCoalesceSeconds", "0"), .. more]),
            Pack,
            services =>
            {
                if (commandClock is not null)
                {
                    // The commands on a clock of their own (today, the rate limit, the answers sent lately); the rest of the service on the real one.
                    services.Replace(ServiceDescriptor.Singleton(sp => ActivatorUtilities.CreateInstance<GroupCommands>(sp, commandClock)));
                    services.Replace(ServiceDescriptor.Singleton(new RecentAnswers(commandClock)));
                }
            });

    /// <summary>The NapCat sample of a reply (<c>[CQ:reply][CQ:at] text</c>), as <paramref name="userId"/> with <paramref name="role"/> would send it.</summary>
    private static string ReplyEvent(long messageId, string replyTo, string text, long userId = Admin, string role = "admin", long time = 1764150300)
    {
        var body = JsonNode.Parse(GroupGuardFactory.Sample("napcat-group-reply.json"))!.AsObject();
        body["message_id"] = messageId;
        body["real_seq"] = messageId.ToString(System.Globalization.CultureInfo.InvariantCulture); // each message its own number in the group, as from a bridge
        body["time"] = time;
        body["user_id"] = userId;
        body["sender"]!["user_id"] = userId;
        body["sender"]!["role"] = role;
        body["message"]![0]!["data"]!["id"] = replyTo;
        body["message"]![2]!["data"]!["text"] = " " + text;
        body["raw_message"] = $"[CQ:reply,id={replyTo}][CQ:at,qq=10001] {text}";
        return body.ToJsonString();
    }

    private static string Said(FakeRequest request) => (string?)request.Params["message"] ?? "";

    /// <summary>The first group message the bot sent that says <paramref name="words"/>.</summary>
    private static Task<FakeRequest> AnswerAsync(FakeOneBotApi api, string words) =>
        api.WaitForRequestAsync(r => r.Action == "send_group_msg" && Said(r).Contains(words, StringComparison.Ordinal), $"an answer saying {words}");

    private static async Task<IReadOnlyList<AuditEntry>> AuditAsync(GroupGuardFactory service) =>
        await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 100, CancellationToken.None);

    /// <summary>A member's two offences: the first warned (warning 9001), the second warned (9002) and muted 10 minutes.</summary>
    private static async Task<(Incident First, Incident Second)> WarnedTwiceAndMutedAsync(GroupGuardFactory service, FakeOneBotApi api)
    {
        api.Script("send_group_msg", FakeAnswer.Ok(new JsonObject { ["message_id"] = 9001 }), FakeAnswer.Ok(new JsonObject { ["message_id"] = 9002 }));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "想要资料的加微信", userId: Member, time: 1764150000));
        var first = await service.SettledAsync(1, i => i.MessageId == "1");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "加微信领资料", userId: Member, time: 1764150060));
        var second = await service.SettledAsync(2, i => i.MessageId == "2");
        Assert.Equal(600, second.MuteSeconds);
        Assert.Equal(ActionStatus.Done, second.ActionStatus);
        return (first, second);
    }

    [Fact]
    public async Task An_admins_false_positive_in_reply_to_a_warning_marks_its_incident_and_lifts_the_mute()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var (first, second) = await WarnedTwiceAndMutedAsync(service, api);

        await service.PostV11Async(ReplyEvent(3, "9002", "/gg 误判 通知，不是广告"));

        var unmute = await api.WaitForRequestAsync(r => r.Action == "set_group_ban" && r.Params["duration"]!.GetValue<long>() == 0, "the mute lifted");
        var answer = await AnswerAsync(api, "已标记误判");
        await service.HandledAsync("3");
        Assert.Equal(Member, unmute.Params["user_id"]!.GetValue<long>());
        Assert.Equal(123456, unmute.Params["group_id"]!.GetValue<long>());
        Assert.True(unmute.Index > api.RequestsFor("set_group_ban").First(r => r.Params["duration"]!.GetValue<long>() == 600).Index);
        Assert.Equal($"[CQ:at,qq={Admin}] 已标记误判：#{second.Id}，已解除禁言", Said(answer));

        var incidents = await service.IncidentsAsync();
        var marked = Assert.Single(incidents, i => i.Id == second.Id);
        Assert.True(marked.FalsePositive);
        Assert.Equal("qq:30003", marked.ReviewedBy);
        Assert.Equal("通知，不是广告", marked.ReviewNote);
        Assert.False(Assert.Single(incidents, i => i.Id == first.Id).FalsePositive); // the other warning's incident is left alone
        Assert.DoesNotContain(incidents, i => i.MessageId == "3"); // the command itself is not moderated

        var audit = Assert.Single(await AuditAsync(service));
        Assert.Equal("qq:30003", audit.Actor);
        Assert.Equal("group_command:误判", audit.Action);
        Assert.Equal("qq:123456", audit.Target);
        Assert.Contains($"#{second.Id}", audit.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// 误判 sent twice (or by a second admin): the second was answered 已标记误判 as the first and
    /// lifted the mute again, a mute an admin may have set by hand since.
    /// </summary>
    [Fact]
    public async Task A_second_false_positive_on_the_same_warning_says_it_was_marked_before_and_leaves_the_mute_alone()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var (_, second) = await WarnedTwiceAndMutedAsync(service, api);
        await service.PostV11Async(ReplyEvent(3, "9002", "/gg 误判"));
        await AnswerAsync(api, "已标记误判");
        await service.HandledAsync("3");

        await service.PostV11Async(ReplyEvent(4, "9002", "/gg 误判 是通知"));

        var answer = await AnswerAsync(api, "之前已标记误判");
        await service.HandledAsync("4");
        Assert.Equal($"[CQ:at,qq={Admin}] 之前已标记误判：#{second.Id}，未再改动禁言", Said(answer));
        Assert.Single(api.RequestsFor("set_group_ban"), r => r.Params["duration"]!.GetValue<long>() == 0); // lifted once
        Assert.Equal("是通知", Assert.Single(await service.IncidentsAsync(), i => i.Id == second.Id).ReviewNote); // the note kept
        Assert.Contains(await AuditAsync(service), a => a.Detail?.Contains($"marked before #{second.Id}", StringComparison.Ordinal) == true);

        await service.PostV11Async(ReplyEvent(5, "9002", "/gg 误判"));
        await service.HandledAsync("5");
        Assert.Equal("是通知", Assert.Single(await service.IncidentsAsync(), i => i.Id == second.Id).ReviewNote); // no note, none wiped

        await service.PostV11Async(ReplyEvent(6, "9002", "/gg 误判！")); // marks alone: no note either (it was ！)
        await service.HandledAsync("6");
        Assert.Equal("是通知", Assert.Single(await service.IncidentsAsync(), i => i.Id == second.Id).ReviewNote);
    }

    [Fact]
    public async Task A_false_positive_leaves_a_later_genuine_mute_in_force()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var (_, second) = await WarnedTwiceAndMutedAsync(service, api);
        api.Script("send_group_msg", FakeAnswer.Ok(new JsonObject { ["message_id"] = 9003 }));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "加微信领资料", userId: Member, time: 1764150120));
        var third = await service.SettledAsync(3, i => i.MessageId == "3");

        await service.PostV11Async(ReplyEvent(4, "9002", "/gg 误判"));

        var answer = await AnswerAsync(api, "已标记误判");
        Assert.Equal(3600, third.MuteSeconds); // the third offence: an hour
        Assert.Equal($"[CQ:at,qq={Admin}] 已标记误判：#{second.Id}；另一次违规的禁言仍在生效，未解除", Said(answer));
        Assert.DoesNotContain(api.RequestsFor("set_group_ban"), r => r.Params["duration"]!.GetValue<long>() == 0);
        Assert.Contains("kept muted for another offence", Assert.Single(await AuditAsync(service)).Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// The member's third advert, a second after the second: the second muted 10 minutes, the third
    /// an hour (escalation), and QQ keeps the last mute set, the hour.
    /// </summary>
    private static async Task<(Incident Second, Incident Third)> MutedTwiceAsync(GroupGuardFactory service, FakeOneBotApi api)
    {
        var (_, second) = await WarnedTwiceAndMutedAsync(service, api);
        api.Script("send_group_msg", FakeAnswer.Ok(new JsonObject { ["message_id"] = 9003 }));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "加微信领资料", userId: Member, time: 1764150061));
        var third = await service.SettledAsync(3, i => i.MessageId == "3");
        Assert.Equal(3600, third.MuteSeconds);
        Assert.True(third.DetectedAt >= second.DetectedAt);
        return (second, third);
    }

    /// <summary>The owner's reply to the member's third message: QQ puts an @ of its sender in.</summary>
    private static string FalsePositiveOfTheThird(string note) =>
        ReplyEvent(4, "3", "/gg 误判 " + note, role: "owner").Replace("\"qq\":\"10001\"", $"\"qq\":\"{Member}\"", StringComparison.Ordinal);

    [Fact]
    public async Task A_false_positive_whose_mute_is_in_force_is_set_to_what_the_genuine_offences_mute_has_left()
    {
        await using var api = FakeOneBotApi.Start();
        var clock = new FakeTimeProvider();
        using var service = Service(api, clock);
        var (second, third) = await MutedTwiceAsync(service, api);
        clock.SetUtcNow(second.DetectedAt.AddMinutes(4)); // the second's 10 minutes have 6 left

        await service.PostV11Async(FalsePositiveOfTheThird("是我让他发的"));

        var answer = await AnswerAsync(api, "已标记误判");
        Assert.Equal($"[CQ:at,qq={Admin}] 已标记误判：#{third.Id}，禁言已改为另一次违规剩余的 6 分钟", Said(answer));
        var mutes = api.RequestsFor("set_group_ban");
        var remute = mutes[^1];
        Assert.Equal(Member, remute.Params["user_id"]!.GetValue<long>());
        Assert.Equal(360, remute.Params["duration"]!.GetValue<long>()); // set again for the rest of the 10 minutes: QQ keeps the last
        Assert.True(remute.Index > mutes.Single(r => r.Params["duration"]!.GetValue<long>() == 3600).Index);
        Assert.DoesNotContain(mutes, r => r.Params["duration"]!.GetValue<long>() == 0);
        var incidents = await service.IncidentsAsync();
        Assert.True(Assert.Single(incidents, i => i.Id == third.Id).FalsePositive);
        Assert.False(Assert.Single(incidents, i => i.Id == second.Id).FalsePositive);
        Assert.Contains($"mute {Member} for the 360 s left of incident #{second.Id}", Assert.Single(await AuditAsync(service)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_false_positive_whose_mute_is_in_force_is_lifted_when_the_genuine_offences_mute_has_run_out()
    {
        await using var api = FakeOneBotApi.Start();
        var clock = new FakeTimeProvider();
        using var service = Service(api, clock);
        var (second, third) = await MutedTwiceAsync(service, api);
        clock.SetUtcNow(second.DetectedAt.AddMinutes(11)); // the second's 10 minutes are over, the third's hour is not

        await service.PostV11Async(FalsePositiveOfTheThird("是我让他发的"));

        var unmute = await api.WaitForRequestAsync(r => r.Action == "set_group_ban" && r.Params["duration"]!.GetValue<long>() == 0, "the mute lifted");
        var answer = await AnswerAsync(api, "已标记误判");
        Assert.Equal(Member, unmute.Params["user_id"]!.GetValue<long>());
        Assert.Equal($"[CQ:at,qq={Admin}] 已标记误判：#{third.Id}，已解除禁言", Said(answer));
    }

    [Fact]
    public async Task The_same_from_a_member_changes_nothing_and_is_moderated_as_text()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var (_, second) = await WarnedTwiceAndMutedAsync(service, api);

        await service.PostV11Async(ReplyEvent(3, "9002", "/gg 误判 加微信", userId: 20005, role: "member"));
        var incidents = await service.IncidentsAfterAsync(3);

        Assert.False(Assert.Single(incidents, i => i.Id == second.Id).FalsePositive);
        var asText = Assert.Single(incidents, i => i.MessageId == "3");
        Assert.Equal("ads.contact", asText.Rule);
        Assert.Equal("20005", asText.UserId);
        Assert.Empty(await AuditAsync(service));

        // An admin's command after it is answered; by then nothing was lifted or answered for the member.
        await service.PostV11Async(GroupGuardFactory.GroupEvent(4, "/gg 状态", userId: Admin, role: "admin", time: 1764150400));
        await AnswerAsync(api, "今日本群");
        Assert.DoesNotContain(api.RequestsFor("set_group_ban"), r => r.Params["duration"]!.GetValue<long>() == 0);
        Assert.DoesNotContain(api.RequestsFor("send_group_msg"), r => Said(r).Contains("已标记误判", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_false_positive_in_reply_to_the_flagged_message_itself_marks_its_incident()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "想要资料的加微信", userId: Member));
        var incident = await service.SettledAsync(1, _ => true);

        // QQ puts an @ of the quoted message's sender into a reply: it keeps the command to that sender.
        var body = ReplyEvent(2, "1", "/gg 误判").Replace("\"qq\":\"10001\"", $"\"qq\":\"{Member}\"", StringComparison.Ordinal);
        await service.PostV11Async(body);

        var answer = await AnswerAsync(api, "已标记误判");
        Assert.Equal($"[CQ:at,qq={Admin}] 已标记误判：#{incident.Id}", Said(answer));
        Assert.True((await service.IncidentsAsync()).Single().FalsePositive);
        Assert.DoesNotContain(api.RequestsFor("set_group_ban"), _ => true); // no mute to lift
    }

    [Fact]
    public async Task A_reply_to_a_message_without_incidents_says_so_and_marks_nothing()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(ReplyEvent(2, "777", "/gg 误判"));

        await AnswerAsync(api, "没有找到");
        Assert.Empty(await AuditAsync(service));
    }

    [Fact]
    public async Task A_sender_whose_role_the_event_lacks_is_asked_of_the_platform_as_exemptions_are()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("get_group_member_info", FakeAnswer.Ok(new JsonObject { ["role"] = "owner", ["user_id"] = Admin }));
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 试运行 开", userId: Admin, role: ""));

        await AnswerAsync(api, "已开启试运行");
        var lookup = Assert.Single(api.RequestsFor("get_group_member_info"));
        Assert.Equal(Admin, lookup.Params["user_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Dry_run_switched_on_makes_the_next_hit_in_that_group_dry_run_and_outlasts_the_command()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 试运行 开", userId: Admin, role: "admin"));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "加微信", userId: Member));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "加微信", userId: Member, groupId: 654321));

        var elsewhere = await service.SettledAsync(3, i => i.MessageId == "3");
        var here = Assert.Single(await service.IncidentsAsync(), i => i.MessageId == "2");
        Assert.Equal(ActionStatus.DryRun, here.ActionStatus);
        Assert.Equal(ActionStatus.Done, elsewhere.ActionStatus);
        Assert.DoesNotContain(api.RequestsFor("send_group_msg"), r => r.Params["group_id"]!.GetValue<long>() == 123456 && Said(r).Contains("请勿", StringComparison.Ordinal));
        await AnswerAsync(api, "已开启试运行");
        Assert.True(await service.Services.GetRequiredService<IGroupSwitches>().GetDryRunAsync("qq", "123456", CancellationToken.None));
        Assert.Equal("group_command:试运行", Assert.Single(await AuditAsync(service)).Action);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(4, "/gg 试运行 关", userId: Admin, role: "admin"));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(5, "加微信", userId: 20005));
        Assert.Equal(ActionStatus.Done, (await service.SettledAsync(5, i => i.MessageId == "5")).ActionStatus);
    }

    /// <summary>试运行 alone was answered only 用法：/gg 试运行 开，或 /gg 试运行 关, and an admin could not tell which it was.</summary>
    [Fact]
    public async Task Dry_run_alone_says_the_groups_setting_and_how_to_change_it_and_changes_nothing()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 试运行", userId: Admin, role: "admin"));
        var off = await AnswerAsync(api, "试运行");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 试运行 开", userId: Admin, role: "admin"));
        await AnswerAsync(api, "已开启试运行");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "/gg 试运行？", userId: Admin, role: "admin"));
        var on = await AnswerAsync(api, "本群试运行开");

        Assert.Equal($"[CQ:at,qq={Admin}] 本群试运行关：违规消息照常处理。开启：/gg 试运行 开", Said(off));
        Assert.Equal($"[CQ:at,qq={Admin}] 本群试运行开：只记录，不处理。关闭：/gg 试运行 关", Said(on));
        Assert.True(await service.Services.GetRequiredService<IGroupSwitches>().GetDryRunAsync("qq", "123456", CancellationToken.None));
        Assert.Equal(["asked: off", "on", "asked: on"], (await AuditAsync(service)).Where(a => a.Action == "group_command:试运行").OrderBy(a => a.Id).Select(a => a.Detail));
    }

    /// <summary>
    /// 试运行 with a word that is neither on nor off (也许) was answered only 用法：/gg 试运行 开，或 /gg 试运行 关,
    /// and the admin still could not tell which it was: it now says the group's setting and how to change it, as 试运行 alone does.
    /// </summary>
    [Fact]
    public async Task Dry_run_with_a_word_that_is_neither_on_nor_off_says_the_groups_setting_and_changes_nothing()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 试运行 也许", userId: Admin, role: "admin"));
        var answer = await AnswerAsync(api, "试运行");

        Assert.Equal($"[CQ:at,qq={Admin}] 本群试运行关：违规消息照常处理。开启：/gg 试运行 开", Said(answer));
        Assert.Null(await service.Services.GetRequiredService<IGroupSwitches>().GetDryRunAsync("qq", "123456", CancellationToken.None));
        Assert.Equal("asked: off", Assert.Single(await AuditAsync(service)).Detail);
    }

    /// <summary>
    /// /gg 放行明单, 放行名单 mistyped, was read as 放行 and the phrase 明单: it was written to the
    /// group's list and answered 已放行「明单」. It now writes nothing and suggests the command, and
    /// a phrase glued to 放行 (/gg放行加微信群) is still allowed.
    /// </summary>
    [Fact]
    public async Task A_mistyped_allow_list_writes_nothing_and_suggests_the_command_and_a_phrase_glued_to_allow_is_still_allowed()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var file = Path.Combine(service.Folder, "rules", "allow-123456.txt");

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 放行明单", userId: Admin, role: "admin"));
        var answer = await AnswerAsync(api, "没有这个命令");
        Assert.Equal($"[CQ:at,qq={Admin}] 没有这个命令，是不是想用：/gg 放行名单？放行词语：/gg 放行 词语（词语前加空格）", Said(answer));
        Assert.False(File.Exists(file));
        Assert.Empty(await AuditAsync(service)); // nothing was done

        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg放行加微信群", userId: Admin, role: "admin"));
        await AnswerAsync(api, "已放行「加微信群」");
        Assert.Equal(["加微信群"], File.ReadAllLines(file).Where(l => !l.StartsWith('#')));
    }

    /// <summary>
    /// /gg 取消 放行 加微信群, a space typed inside the command's word, was answered 没有这个命令 and
    /// the list with no guess: the answer now names 取消放行 first, and the phrase stays allowed.
    /// </summary>
    [Fact]
    public async Task A_command_s_word_typed_with_a_space_inside_is_answered_with_that_command_and_changes_nothing()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var file = Path.Combine(service.Folder, "rules", "allow-123456.txt");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 放行 加微信群", userId: Admin, role: "admin"));
        await AnswerAsync(api, "已放行「加微信群」");

        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 取消 放行 加微信群", userId: Admin, role: "admin"));

        var answer = await AnswerAsync(api, "没有这个命令");
        Assert.Equal($"[CQ:at,qq={Admin}] 没有这个命令，是不是想用：/gg 取消放行 词语？全部命令：/gg 帮助", Said(answer));
        Assert.Equal(["加微信群"], File.ReadAllLines(file).Where(l => !l.StartsWith('#')));
        Assert.Equal("group_command:放行", Assert.Single(await AuditAsync(service)).Action);
    }

    /// <summary>
    /// /gg 放行 名单, 放行名单 with a space typed inside, wrote 名单 to the group's allow list and
    /// answered 已放行「名单」. It now answers the list, saying it was read so; 取消放行 名单 takes
    /// nothing off and suggests the list.
    /// </summary>
    [Fact]
    public async Task The_allow_list_typed_with_a_space_inside_answers_the_list_saying_so_and_writes_nothing()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var file = Path.Combine(service.Folder, "rules", "allow-123456.txt");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 放行 加微信群", userId: Admin, role: "admin"));
        await AnswerAsync(api, "已放行「加微信群」");

        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 放行 名单", userId: Admin, role: "admin"));
        var listed = await AnswerAsync(api, "本群放行");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "/gg 取消放行 名单", userId: Admin, role: "admin"));
        var suggested = await AnswerAsync(api, "没有这个命令");

        Assert.Equal($"[CQ:at,qq={Admin}] 按 /gg 放行名单 处理：本群放行 1 条（allow-123456.txt）：「加**群」", Said(listed));
        Assert.Equal($"[CQ:at,qq={Admin}] 没有这个命令，是不是想用：/gg 放行名单？取消放行词语：/gg 取消放行 词语", Said(suggested));
        Assert.Equal(["加微信群"], File.ReadAllLines(file).Where(l => !l.StartsWith('#')));
        Assert.Equal(["group_command:放行", "group_command:放行名单"], (await AuditAsync(service)).Select(a => a.Action).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A phrase typed in quotes, as the answers quote phrases, was written with them: the line
    /// 「加微信群」, answered 已放行「「加微信群」」, which 取消放行 加微信群 then could not find.
    /// </summary>
    [Fact]
    public async Task A_phrase_typed_in_quotes_is_allowed_and_taken_off_without_them()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var file = Path.Combine(service.Folder, "rules", "allow-123456.txt");

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 放行「加微信群」", userId: Admin, role: "admin"));
        var allowed = await AnswerAsync(api, "已放行");
        Assert.Equal(["加微信群"], File.ReadAllLines(file).Where(l => !l.StartsWith('#')));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "家长们加微信群交作业", userId: Member));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "/gg 取消放行 “加微信群”", userId: Admin, role: "admin"));
        var removed = await AnswerAsync(api, "已取消放行");

        Assert.Equal($"[CQ:at,qq={Admin}] 已放行「加微信群」，仅本群", Said(allowed));
        Assert.Equal($"[CQ:at,qq={Admin}] 已取消放行「加微信群」，仅本群", Said(removed));
        Assert.DoesNotContain(File.ReadAllLines(file), l => !l.StartsWith('#'));
        Assert.Empty(await service.IncidentsAfterAsync(3));
    }

    /// <summary>
    /// 放行名单 listed the first 10 phrases whole: ten long ones made an answer near 600 characters,
    /// screens of a phone. It now lists what fits in about 200, keeps the count and the file, and says
    /// where the rest are.
    /// </summary>
    [Fact]
    public async Task The_allow_list_of_long_phrases_is_answered_in_what_a_phone_shows_with_its_count_and_where_the_rest_are()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var file = Path.Combine(service.Folder, "rules", "allow-123456.txt");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 放行 微信支付", userId: Admin, role: "admin"));
        await AnswerAsync(api, "已放行「微信支付」");
        var long12 = Enumerable.Range(1, 12).Select(i => $"第{i}次家长会的通知请大家加微信群后按老师的要求填写回执并按时提交").ToList();
        File.AppendAllLines(file, long12);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 放行 扫码进群", userId: Admin, role: "admin")); // reloads the list
        await AnswerAsync(api, "已放行「扫码进群」");

        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "/gg 放行名单", userId: Admin, role: "admin"));

        var said = Said(await AnswerAsync(api, "本群放行")).Replace($"[CQ:at,qq={Admin}] ", "", StringComparison.Ordinal);
        Assert.Equal(
            "本群放行 14 条（allow-123456.txt）：「微信支付」、" + string.Join("、", long12.Take(4).Select(p => $"「{p}」")) + " 等，完整名单见该文件",
            said.Replace("加**群", "加微信群", StringComparison.Ordinal));
        Assert.Contains("加**群", said, StringComparison.Ordinal); // the term masked, as ever
        Assert.InRange(said.Length, 150, 200); // the four long phrases fit, a fifth would not
        Assert.Equal(14, File.ReadAllLines(file).Count(l => !l.StartsWith('#')));
    }

    /// <summary>
    /// A colon typed after the command's word as after the prefix: /gg 放行：加微信群 wrote the phrase
    /// ：加微信群, which covers nothing a member writes, and answered 已放行「：加微信群」; /gg 放行名单？
    /// was answered how to type 放行名单.
    /// </summary>
    [Fact]
    public async Task A_colon_after_allow_is_no_part_of_the_phrase_and_the_allow_list_asked_with_a_question_mark_is_listed()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var file = Path.Combine(service.Folder, "rules", "allow-123456.txt");

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 放行：加微信群", userId: Admin, role: "admin"));
        var allowed = await AnswerAsync(api, "放行");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 放行名单？", userId: Admin, role: "admin"));
        var listed = await api.WaitForRequestAsync(r => r.Action == "send_group_msg" && r.Index > allowed.Index, "the second answer");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "家长们加微信群交作业", userId: Member));

        Assert.Equal($"[CQ:at,qq={Admin}] 已放行「加微信群」，仅本群", Said(allowed));
        Assert.Equal($"[CQ:at,qq={Admin}] 本群放行 1 条（allow-123456.txt）：「加**群」", Said(listed));
        Assert.Equal(["加微信群"], File.ReadAllLines(file).Where(l => !l.StartsWith('#')));
        Assert.Empty(await service.IncidentsAfterAsync(3));
    }

    /// <summary>A word one character off a command's (帮主) was answered 没有这个命令 and the list, and the admin left to find which was meant.</summary>
    [Fact]
    public async Task A_word_close_to_a_command_is_answered_with_the_command_meant_to_an_admin_only()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 帮主", userId: Member, role: "member"));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 帮主", userId: Admin, role: "admin"));

        var answer = await AnswerAsync(api, "没有这个命令");
        Assert.StartsWith($"[CQ:at,qq={Admin}] 没有这个命令，是不是想用：/gg 帮助？在 /gg 后空一格写命令：状态；", Said(answer), StringComparison.Ordinal);
        Assert.Single(api.RequestsFor("send_group_msg"), r => Said(r).Contains("没有这个命令", StringComparison.Ordinal));
    }

    /// <summary>
    /// /gg帮主 with no space after the prefix went unanswered, where /gg 帮主 suggested 帮助: it is
    /// now answered the same. A word run on that is no command's mistyped (/gg好) stays text.
    /// </summary>
    [Fact]
    public async Task A_command_s_word_mistyped_right_after_the_prefix_is_answered_as_with_a_space_and_other_words_run_on_are_text()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg好", userId: Admin, role: "admin"));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg帮主", userId: Member, role: "member"));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "/gg帮主", userId: Admin, role: "admin"));

        var answer = await AnswerAsync(api, "没有这个命令");
        await service.HandledAsync("3");
        Assert.StartsWith($"[CQ:at,qq={Admin}] 没有这个命令，是不是想用：/gg 帮助？在 /gg 后空一格写命令：状态；", Said(answer), StringComparison.Ordinal);
        Assert.Single(api.RequestsFor("send_group_msg")); // nothing to /gg好, nor to the member
        Assert.Empty(await AuditAsync(service));
    }

    [Fact]
    public async Task Allowing_a_phrase_stops_it_firing_in_that_group_only_and_keeps_it_in_the_rules_folder()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 放行 加微信群", userId: Admin, role: "owner"));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "家长们加微信群交作业", userId: Member));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "家长们加微信群交作业", userId: Member, groupId: 654321));

        var incident = Assert.Single(await service.IncidentsAfterAsync(3));
        Assert.Equal("654321", incident.GroupId);
        var file = Path.Combine(service.Folder, "rules", "allow-123456.txt");
        Assert.Contains("加微信群", File.ReadAllLines(file));
        await AnswerAsync(api, "已放行「加微信群」");
        var audit = Assert.Single(await AuditAsync(service));
        Assert.Equal("group_command:放行", audit.Action);
        Assert.Contains("allow-123456.txt", audit.Detail, StringComparison.Ordinal);

        // Once there, the same phrase is not written again.
        await service.PostV11Async(GroupGuardFactory.GroupEvent(4, "/gg 放行 加微信群", userId: Admin, role: "owner"));
        await AnswerAsync(api, "已在本群放行名单中");
        Assert.Single(File.ReadAllLines(file), l => l == "加微信群");
    }

    /// <summary>
    /// Each <c>/gg 放行</c> reloads the rules: a warning that stood before (a file in the folder not
    /// read) was logged again at every one, and an operator's log filled with the same lines.
    /// </summary>
    [Fact]
    public async Task Allowing_a_phrase_does_not_log_the_rules_folder_s_standing_warnings_again()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        File.WriteAllText(Path.Combine(service.Folder, "rules", "allow_654321.txt"), "加微信群\n");

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 放行 加微信群", userId: Admin, role: "owner"));
        await AnswerAsync(api, "已放行「加微信群」");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 放行 私聊领取", userId: Admin, role: "owner"));
        await AnswerAsync(api, "已放行「私聊领取」");

        var warning = Assert.Single(service.Logs.Entries, e => e.Message.Contains("allow_654321.txt", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(service.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("Rules: 1 warning unchanged since the last load", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Taking_a_phrase_off_the_group_s_allow_list_moderates_it_again_from_the_next_message()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var file = Path.Combine(service.Folder, "rules", "allow-123456.txt");

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 取消放行 加微信群", userId: Admin, role: "owner"));
        var noList = await AnswerAsync(api, "不在本群放行名单中");
        File.WriteAllText(file, "微信支付 # 班主任要求\n"); // by hand; the command's reload reads it
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 放行 加微信群", userId: Admin, role: "owner"));
        await AnswerAsync(api, "已放行");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "家长们加微信群交作业", userId: Member));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(4, "/gg 放行名单", userId: Admin, role: "admin"));
        var listed = await AnswerAsync(api, "条（allow-");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(5, "/gg 取消放行 加微信群", userId: Admin, role: "admin"));
        var removed = await AnswerAsync(api, "已取消放行");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(6, "家长们加微信群交作业", userId: Member));

        Assert.Equal("6", Assert.Single(await service.IncidentsAfterAsync(6)).MessageId); // allowed at 3, moderated again at 6
        // The whole group reads the list: the term inside a phrase is masked as 检查 masks it.
        Assert.Equal($"[CQ:at,qq={Admin}] 本群放行 2 条（allow-123456.txt）：「微信支付」、「加**群」", Said(listed));
        Assert.Equal($"[CQ:at,qq={Admin}] 「加微信群」不在本群放行名单中（本群没有放行名单）", Said(noList));
        Assert.Equal($"[CQ:at,qq={Admin}] 已取消放行「加微信群」，仅本群", Said(removed));
        var lines = File.ReadAllLines(file);
        Assert.DoesNotContain("加微信群", lines);
        Assert.Contains("微信支付 # 班主任要求", lines); // the rest of the list as it was
        Assert.Contains(await AuditAsync(service), a => a.Action == "group_command:取消放行" && a.Detail!.Contains("allow-123456.txt", StringComparison.Ordinal));
    }

    /// <summary>
    /// A list an editor saved as GBK: 取消放行 refused to rewrite it, but 放行 appended a UTF-8 line,
    /// leaving it half GBK, half UTF-8. Both now answer how to save it right and leave it as it was.
    /// </summary>
    [Fact]
    public async Task Allowing_or_taking_off_a_phrase_on_a_list_saved_as_gbk_says_to_save_it_as_utf8_and_leaves_it_as_it_was()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var file = Path.Combine(service.Folder, "rules", "allow-123456.txt");
        var gbk = new byte[] { 0xBC, 0xD3, 0xCE, 0xA2, 0xD0, 0xC5, 0xC8, 0xBA, 0x0A }; // 加微信群

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 放行 微信支付", userId: Admin, role: "owner"));
        await AnswerAsync(api, "已放行");
        File.WriteAllBytes(file, gbk); // saved again by an editor, as 'ANSI'
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 放行 扫码进群", userId: Admin, role: "owner"));
        var allowed = await AnswerAsync(api, "不是 UTF-8");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "/gg 取消放行 加微信群", userId: Admin, role: "owner"));
        var removed = await api.WaitForRequestAsync(r => r.Action == "send_group_msg" && r.Index > allowed.Index && Said(r).Contains("不是 UTF-8", StringComparison.Ordinal), "the second answer");

        Assert.Equal($"[CQ:at,qq={Admin}] allow-123456.txt 不是 UTF-8 编码的文本，无法在群里修改；请用编辑器另存为 UTF-8", Said(allowed));
        Assert.Equal(Said(allowed), Said(removed));
        Assert.Equal(gbk, File.ReadAllBytes(file));
        Assert.Single(await AuditAsync(service)); // the first 放行 only: nothing was done since
    }

    /// <summary>
    /// A list saved as UTF-16 ('Unicode' in Notepad): 放行 refused it, but 取消放行 read it as UTF-16
    /// and rewrote it as UTF-8. Both now give the same answer and leave it byte for byte.
    /// </summary>
    [Fact]
    public async Task Taking_off_a_phrase_on_a_list_saved_as_utf16_answers_as_allowing_does_and_leaves_it_as_it_was()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var file = Path.Combine(service.Folder, "rules", "allow-123456.txt");
        var utf16 = new byte[] { 0xFF, 0xFE, 0xA0, 0x52, 0xAE, 0x5F, 0xE1, 0x4F, 0xA4, 0x7F, 0x0A, 0x00 }; // 加微信群

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 放行 微信支付", userId: Admin, role: "owner"));
        await AnswerAsync(api, "已放行");
        File.WriteAllBytes(file, utf16); // saved again by an editor, as 'Unicode'
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 放行 扫码进群", userId: Admin, role: "owner"));
        var allowed = await AnswerAsync(api, "不是 UTF-8");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "/gg 取消放行 加微信群", userId: Admin, role: "owner"));
        var removed = await api.WaitForRequestAsync(r => r.Action == "send_group_msg" && r.Index > allowed.Index, "the second answer");

        Assert.Equal($"[CQ:at,qq={Admin}] allow-123456.txt 不是 UTF-8 编码的文本，无法在群里修改；请用编辑器另存为 UTF-8", Said(removed));
        Assert.Equal(utf16, File.ReadAllBytes(file));
        Assert.Single(await AuditAsync(service)); // the first 放行 only: nothing was done since
    }

    /// <summary>
    /// <c>/gg 放行 加微信群，扫码进群</c> was written as one line, which cancels a hit only where the
    /// two stand one right after the other, and answered 已放行. It now writes nothing and says to send
    /// each; 取消放行 of such a phrase, which the list does not have, says so and how.
    /// </summary>
    [Fact]
    public async Task Allowing_several_phrases_run_together_writes_nothing_and_says_to_send_each()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var file = Path.Combine(service.Folder, "rules", "allow-123456.txt");

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 放行 加微信群，扫码进群", userId: Admin, role: "owner"));
        var allowed = await AnswerAsync(api, "一次放行一个说法");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 放行 加微信群", userId: Admin, role: "owner"));
        await AnswerAsync(api, "已放行「加微信群」");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "/gg 取消放行 加微信群、扫码进群", userId: Admin, role: "owner"));
        var removed = await AnswerAsync(api, "一次取消放行一个说法");

        Assert.Equal($"[CQ:at,qq={Admin}] 一次放行一个说法：请分别发送 /gg 放行 加微信群 和 /gg 放行 扫码进群", Said(allowed));
        Assert.Equal($"[CQ:at,qq={Admin}] 「加微信群、扫码进群」不在本群放行名单中；一次取消放行一个说法：请分别发送 /gg 取消放行 加微信群 和 /gg 取消放行 扫码进群", Said(removed));
        Assert.Equal(["加微信群"], File.ReadAllLines(file).Where(l => !l.StartsWith('#')));
        Assert.Equal("group_command:放行", Assert.Single(await AuditAsync(service)).Action); // the one phrase only
    }

    /// <summary>
    /// A full stop typed at the end out of habit: 试运行 开。 was answered with the usage it was
    /// typed by, and 放行 加微信群。 wrote 加微信群。, which 取消放行 加微信群 could not find.
    /// </summary>
    [Fact]
    public async Task A_full_stop_typed_after_a_command_is_no_part_of_it()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var file = Path.Combine(service.Folder, "rules", "allow-123456.txt");

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 试运行 开。", userId: Admin, role: "admin"));
        var dryRun = await AnswerAsync(api, "试运行");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 放行 加微信群。", userId: Admin, role: "admin"));
        var allowed = await AnswerAsync(api, "放行");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "/gg 取消放行 加微信群", userId: Admin, role: "admin"));
        var removed = await api.WaitForRequestAsync(r => r.Action == "send_group_msg" && r.Index > allowed.Index, "the third answer");

        Assert.Equal($"[CQ:at,qq={Admin}] 已开启试运行：本群只记录，不处理", Said(dryRun));
        Assert.Equal($"[CQ:at,qq={Admin}] 已放行「加微信群」，仅本群", Said(allowed));
        Assert.Equal($"[CQ:at,qq={Admin}] 已取消放行「加微信群」，仅本群", Said(removed));
        Assert.DoesNotContain("加微信群", File.ReadAllLines(file));
    }

    /// <summary>
    /// An admin meaning to let a member be typed the mention out: @张三 was written to the group's
    /// list as a phrase and answered 已放行「@张三」, and the member's messages were moderated as before.
    /// </summary>
    [Fact]
    public async Task Allowing_a_member_writes_nothing_and_says_allowing_is_for_words()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 放行 @张三", userId: Admin, role: "owner"));

        var answer = await AnswerAsync(api, "放行");
        Assert.Equal($"[CQ:at,qq={Admin}] 放行只针对词语，不针对人：/gg 放行 词语；某人的消息被误判，请回复那条消息再发 /gg 误判", Said(answer));
        Assert.False(File.Exists(Path.Combine(service.Folder, "rules", "allow-123456.txt")));
        Assert.Empty(await AuditAsync(service)); // nothing was done
    }

    [Fact]
    public async Task Allowing_a_phrase_the_rules_folder_cannot_take_says_so_and_changes_nothing()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        // A folder where the list's file would be: no write gets through, even for root (as tests run).
        Directory.CreateDirectory(Path.Combine(service.Folder, "rules", "allow-123456.txt"));

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 放行 加微信群", userId: Admin, role: "owner"));
        var answer = await AnswerAsync(api, "无法写入");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "家长们加微信群交作业", userId: Member));

        Assert.Equal($"[CQ:at,qq={Admin}] 无法写入 allow-123456.txt：规则目录不可写", Said(answer));
        Assert.Equal("2", Assert.Single(await service.IncidentsAfterAsync(2)).MessageId); // still moderated
        Assert.Empty(await AuditAsync(service)); // nothing was done
    }

    [Fact]
    public async Task Check_answers_what_the_rules_make_of_a_text_in_this_group_and_moderates_nothing()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 检查 想要资料的加微信", userId: Admin, role: "admin"));
        var hit = await AnswerAsync(api, "会命中");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 放行 加微信群", userId: Admin, role: "owner"));
        await AnswerAsync(api, "已放行");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "/gg 检查 家长们加微信群交作业", userId: Admin, role: "admin"));
        var allowed = await AnswerAsync(api, "不会命中");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(4, "/gg 检查 明天交作业", userId: Admin, role: "admin"));
        var nothing = await AnswerAsync(api, "没有找到");

        Assert.Equal($"[CQ:at,qq={Admin}] 会命中：广告 ads.contact「加**」", Said(hit));
        Assert.Equal($"[CQ:at,qq={Admin}] 不会命中。未计入：广告 ads.contact「加**」被放行词「加**群」覆盖", Said(allowed)); // this group's allow list
        Assert.Equal($"[CQ:at,qq={Admin}] 不会命中：没有找到任何规则的词", Said(nothing));
        Assert.Empty(await service.IncidentsAfterAsync(4)); // the text checked is not moderated
        Assert.Contains(await AuditAsync(service), a => a.Action == "group_command:检查");
    }

    /// <summary>
    /// The bot refuses to post the answer (NapCat's failed status, as for a bot muted in the group):
    /// the log says which command it answered, in which group of which platform, and why, without
    /// the text the command carried or the answer. Before, the line named the group and the message
    /// id only, and an operator could not tell which command went unanswered.
    /// </summary>
    [Fact]
    public async Task An_answer_the_platform_refuses_is_logged_with_the_command_the_group_and_why()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("send_group_msg", FakeAnswer.Failed(1200, "bot is muted in this group"));
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 检查 想要资料的加微信", userId: Admin, role: "admin"));

        var line = await service.Logs.WaitFor<CommandReplyWorker>(e => e.Level == LogLevel.Warning, "the unsent answer logged");
        Assert.StartsWith("Group command 检查 in qq group 123456 (message 1): the answer was not sent: Failed ", line.Message, StringComparison.Ordinal);
        Assert.Contains("bot is muted in this group", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("微信", line.Message, StringComparison.Ordinal); // the text checked
        Assert.DoesNotContain("命中", line.Message, StringComparison.Ordinal); // the answer
        Assert.Contains(await AuditAsync(service), a => a.Action == "group_command:检查"); // carried out all the same
    }

    /// <summary>An admin's reply to a member's message (message <paramref name="replyTo"/>): QQ puts an @ of its sender in.</summary>
    private static string ReplyToMember(long messageId, string replyTo, string text, long userId = Admin, string role = "admin") =>
        ReplyEvent(messageId, replyTo, text, userId, role).Replace("\"qq\":\"10001\"", $"\"qq\":\"{Member}\"", StringComparison.Ordinal);

    /// <summary>The service with the texts of recent messages remembered on <paramref name="clock"/>, and at most <paramref name="maxMessages"/> of them.</summary>
    private static GroupGuardFactory Remembering(FakeOneBotApi api, TimeProvider clock, int maxMessages = RecentTexts.DefaultMaxMessages) =>
        new(
            GroupGuardFactory.OneBotApi(api.BaseUrl, ("GroupGuard:OneBot:WarningCoalesceSeconds", "0")),
            Pack,
            services => services.Replace(ServiceDescriptor.Singleton(sp => new RecentTexts(
                clock, sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<CommandsOptions>>(), maxMessages, RecentTexts.DefaultMaxCharacters, RecentTexts.DefaultMaxAge))));

    /// <summary>
    /// On a phone an admin replies to the flagged message with /gg 检查: the answer is the one the
    /// text typed out gets, after which message it is about. It answered only how to type the command.
    /// </summary>
    [Fact]
    public async Task Check_in_reply_to_a_flagged_advert_answers_its_hits_as_the_text_typed_out_would()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "想要资料的加微信", userId: Member));
        await service.SettledAsync(1, _ => true);

        await service.PostV11Async(ReplyToMember(2, "1", "/gg 检查"));
        var replied = await AnswerAsync(api, "检查所回复的消息");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "/gg 检查 想要资料的加微信", userId: Admin, role: "admin", time: 1764150400));
        var typed = await AnswerAsync(api, $"[CQ:at,qq={Admin}] 会命中");

        Assert.Equal($"[CQ:at,qq={Admin}] 检查所回复的消息：会命中：广告 ads.contact「加**」", Said(replied));
        Assert.Equal(Said(typed).Replace($"[CQ:at,qq={Admin}] ", $"[CQ:at,qq={Admin}] 检查所回复的消息：", StringComparison.Ordinal), Said(replied));
        Assert.Equal(["1"], (await service.IncidentsAfterAsync(3)).Select(i => i.MessageId)); // the commands are not moderated
        var audit = Assert.Single(await AuditAsync(service), a => a.Detail?.Contains("replied message 1", StringComparison.Ordinal) == true);
        Assert.Equal("group_command:检查", audit.Action);
        Assert.DoesNotContain("微信", audit.Detail, StringComparison.Ordinal); // the audit says how long, never the text
    }

    [Fact]
    public async Task Check_in_reply_to_an_ordinary_message_says_nothing_matched()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "明天交作业", userId: Member));
        await service.HandledAsync("1");

        await service.PostV11Async(ReplyToMember(2, "1", "/gg 检查"));

        var answer = await AnswerAsync(api, "检查所回复的消息");
        Assert.Equal($"[CQ:at,qq={Admin}] 检查所回复的消息：不会命中：没有找到任何规则的词", Said(answer));
    }

    [Fact]
    public async Task Check_in_reply_to_a_message_an_allow_phrase_let_through_says_the_term_and_what_covered_it()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 放行 加微信群", userId: Admin, role: "owner"));
        await AnswerAsync(api, "已放行");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "家长们加微信群交作业", userId: Member, time: 1764150100));
        Assert.Empty(await service.IncidentsAfterAsync(2));

        await service.PostV11Async(ReplyToMember(3, "2", "/gg 检查"));

        var answer = await AnswerAsync(api, "检查所回复的消息");
        Assert.Equal($"[CQ:at,qq={Admin}] 检查所回复的消息：不会命中。未计入：广告 ads.contact「加**」被放行词「加**群」覆盖", Said(answer));
    }

    /// <summary>
    /// Past the 30 minutes the texts are kept: a flagged message is answered with what the rules
    /// found in it then, from its incident; one that hit nothing (or one never heard) plainly, with
    /// how to check its text by hand.
    /// </summary>
    [Fact]
    public async Task Check_in_reply_to_a_message_older_than_the_texts_kept_answers_its_incident_or_that_it_is_unknown()
    {
        await using var api = FakeOneBotApi.Start();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero));
        using var service = Remembering(api, clock);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "想要资料的加微信", userId: Member));
        var incident = await service.SettledAsync(1, _ => true);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "明天交作业", userId: Member, time: 1764150010));
        await service.HandledAsync("2");
        clock.Advance(RecentTexts.DefaultMaxAge + TimeSpan.FromMinutes(1));

        await service.PostV11Async(ReplyToMember(3, "1", "/gg 检查"));
        var flagged = await AnswerAsync(api, "所回复的消息太旧");
        await service.PostV11Async(ReplyToMember(4, "2", "/gg 检查"));
        var ordinary = await AnswerAsync(api, "没有找到所回复消息的文字");
        await service.PostV11Async(ReplyToMember(5, "777", "/gg 检查"));
        await service.HandledAsync("5");

        Assert.Equal($"[CQ:at,qq={Admin}] 所回复的消息太旧，无法重新检查；当时命中：广告 ads.contact「加**」（#{incident.Id}）", Said(flagged));
        Assert.Equal($"[CQ:at,qq={Admin}] 没有找到所回复消息的文字（太旧、机器人未收到，或是机器人自己发的）：请复制文字发送 /gg 检查 文字", Said(ordinary));
        Assert.Equal(2, api.RequestsFor("send_group_msg").Count(r => Said(r).Contains("没有找到所回复消息的文字", StringComparison.Ordinal))); // one never heard alike
    }

    /// <summary>The texts kept are the service's last messages: past the bound the oldest is forgotten first.</summary>
    [Fact]
    public async Task Check_in_reply_to_a_message_past_the_last_ones_kept_says_it_is_unknown_and_a_later_one_is_checked()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Remembering(api, TimeProvider.System, maxMessages: 2);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "明天交作业", userId: Member));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "后天交作业", userId: Member, time: 1764150010));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "大后天交作业", userId: Member, time: 1764150020));
        await service.HandledAsync("3");

        await service.PostV11Async(ReplyToMember(4, "1", "/gg 检查"));
        var forgotten = await AnswerAsync(api, "没有找到所回复消息的文字");
        await service.PostV11Async(ReplyToMember(5, "3", "/gg 检查"));
        var kept = await AnswerAsync(api, "检查所回复的消息");

        Assert.Equal($"[CQ:at,qq={Admin}] 没有找到所回复消息的文字（太旧、机器人未收到，或是机器人自己发的）：请复制文字发送 /gg 检查 文字", Said(forgotten));
        Assert.Equal($"[CQ:at,qq={Admin}] 检查所回复的消息：不会命中：没有找到任何规则的词", Said(kept));
    }

    [Fact]
    public async Task Check_in_reply_sent_by_a_member_is_ignored_as_other_commands_are_and_moderated_as_text()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api, new FakeTimeProvider(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero)));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "想要资料的加微信", userId: Member));
        await service.SettledAsync(1, _ => true);

        await service.PostV11Async(ReplyToMember(2, "1", "/gg 检查", userId: 20005, role: "member"));
        await service.HandledAsync("2");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "/gg 状态", userId: Admin, role: "admin", time: 1764150400));
        var status = await AnswerAsync(api, "今日本群");

        Assert.Equal($"[CQ:at,qq={Admin}] 今日本群：检查 2 条消息，违规消息 1 条，试运行关", Said(status)); // the member's counted as text
        Assert.DoesNotContain(api.RequestsFor("send_group_msg"), r => Said(r).Contains("检查所回复", StringComparison.Ordinal));
        Assert.DoesNotContain(await AuditAsync(service), a => a.Action == "group_command:检查");
    }

    /// <summary>
    /// A reply to GroupGuard's own warning is not its words checked: the answer says what the
    /// warning was about. A reply to a command says it is one; text typed after /gg 检查 in a reply is
    /// what is checked.
    /// </summary>
    [Fact]
    public async Task Check_in_reply_to_the_bots_warning_says_what_it_was_about_and_to_a_command_that_it_is_one()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("send_group_msg", FakeAnswer.Ok(new JsonObject { ["message_id"] = 9001 }));
        using var service = Service(api);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "想要资料的加微信", userId: Member));
        var incident = await service.SettledAsync(1, _ => true);

        await service.PostV11Async(ReplyEvent(2, "9001", "/gg 检查"));
        var warning = await AnswerAsync(api, "机器人的警告");
        await service.PostV11Async(ReplyEvent(3, "2", "/gg 检查", time: 1764150310));
        var command = await AnswerAsync(api, "是一条命令");
        await service.PostV11Async(ReplyToMember(4, "1", "/gg 检查 明天交作业"));
        var typed = await AnswerAsync(api, "没有找到任何规则的词");

        Assert.Equal($"[CQ:at,qq={Admin}] 所回复的是机器人的警告，不检查；它针对：广告 ads.contact「加**」（#{incident.Id}）", Said(warning));
        Assert.Equal($"[CQ:at,qq={Admin}] 所回复的是一条命令，不检查；要检查文字请发送 /gg 检查 文字", Said(command));
        Assert.Equal($"[CQ:at,qq={Admin}] 不会命中：没有找到任何规则的词", Said(typed)); // the text, not the advert replied to
    }

    /// <summary>
    /// The piece that completed a message sent in pieces was moderated joined to the one before it:
    /// checked alone it would hit nothing, so the answer checks it as it was read, and says so.
    /// </summary>
    [Fact]
    public async Task Check_in_reply_to_the_piece_that_completed_an_advert_checks_it_joined_to_the_piece_before_it()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "加", userId: Member, time: 1764150000));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "微信", userId: Member, time: 1764150002));
        await service.SettledAsync(2, i => i.MessageId == "2");

        await service.PostV11Async(ReplyToMember(3, "2", "/gg 检查"));

        var answer = await AnswerAsync(api, "检查所回复的消息");
        Assert.Equal($"[CQ:at,qq={Admin}] 检查所回复的消息（连同此人之前的 1 条短消息）：会命中：广告 ads.contact「加**」", Said(answer));
    }

    /// <summary>Pictures are read apart from the text, and /gg 检查 checks text: the answer says it left them out.</summary>
    [Fact]
    public async Task Check_in_reply_to_a_message_with_a_picture_checks_its_text_and_says_the_picture_was_not()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var body = JsonNode.Parse(GroupGuardFactory.GroupEvent(1, "明天交作业", userId: Member))!.AsObject();
        body["message"]!.AsArray().Add(new JsonObject { ["type"] = "image", ["data"] = new JsonObject { ["file"] = "a.jpg", ["url"] = "https://pictures.invalid/a.jpg" } });
        await service.PostV11Async(body.ToJsonString());
        await service.HandledAsync("1");

        await service.PostV11Async(ReplyToMember(2, "1", "/gg 检查"));

        var answer = await AnswerAsync(api, "检查所回复的消息");
        Assert.Equal($"[CQ:at,qq={Admin}] 检查所回复的消息（图片未检查）：不会命中：没有找到任何规则的词", Said(answer));
    }

    [Fact]
    public async Task Unmute_lifts_the_mentioned_members_mute()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var body = JsonNode.Parse(GroupGuardFactory.GroupEvent(1, "/gg 解禁 ", userId: Admin, role: "admin"))!.AsObject();
        body["message"]!.AsArray().Add(new JsonObject { ["type"] = "at", ["data"] = new JsonObject { ["qq"] = Member.ToString(CultureInfo.InvariantCulture) } });

        await service.PostV11Async(body.ToJsonString());

        var unmute = await api.WaitForRequestAsync(r => r.Action == "set_group_ban", "the unmute");
        Assert.Equal(0, unmute.Params["duration"]!.GetValue<long>());
        Assert.Equal(Member, unmute.Params["user_id"]!.GetValue<long>());
        await AnswerAsync(api, "已解除禁言：1 人");
        Assert.Equal("group_command:解禁", Assert.Single(await AuditAsync(service)).Action);
    }

    /// <summary>
    /// QQ numbers typed as a list is typed in Chinese, parted by ，, were no member: 请 @ 要解禁的人.
    /// A name typed after @ by hand is no mention, and the answer now says so and how to mention.
    /// </summary>
    [Fact]
    public async Task Unmute_lifts_qq_numbers_parted_by_commas_and_a_name_typed_after_an_at_says_it_is_no_mention()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 解禁 @小王", userId: Admin, role: "admin"));
        var typed = await AnswerAsync(api, "不算 @");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 解禁 20002，20005", userId: Admin, role: "admin"));
        var lifted = await AnswerAsync(api, "已解除禁言");

        Assert.Equal($"[CQ:at,qq={Admin}] 手打的「@小王」不算 @：请输入 @ 后从成员列表中选人，或写 QQ 号", Said(typed));
        Assert.Equal($"[CQ:at,qq={Admin}] 已解除禁言：2 人", Said(lifted));
        var unmutes = api.RequestsFor("set_group_ban");
        Assert.Equal([Member, 20005], unmutes.Select(r => r.Params["user_id"]!.GetValue<long>()).Order());
        Assert.All(unmutes, r => Assert.True(r.Index > typed.Index));
        Assert.Equal("unmute 20002,20005", Assert.Single(await AuditAsync(service)).Detail);
    }

    /// <summary>
    /// An unmute the platform refused was said only at Information (the adapter's own lines are at
    /// Debug): the operator now has one warning naming the command, the group, the member and why;
    /// one done stays at Information.
    /// </summary>
    [Fact]
    public async Task An_unmute_the_platform_refused_is_a_warning_naming_the_group_member_and_reason_and_the_admin_is_told_why()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        api.Script("set_group_ban", FakeAnswer.Failed(100, "权限不足"));
        var body = JsonNode.Parse(GroupGuardFactory.GroupEvent(1, "/gg 解禁 ", userId: Admin, role: "admin"))!.AsObject();
        body["message"]!.AsArray().Add(new JsonObject { ["type"] = "at", ["data"] = new JsonObject { ["qq"] = Member.ToString(CultureInfo.InvariantCulture) } });

        await service.PostV11Async(body.ToJsonString());
        var refused = await AnswerAsync(api, "解除禁言未成功：1/1 人");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, $"/gg 解禁 {Member}", userId: Admin, role: "admin"));
        await AnswerAsync(api, "已解除禁言：1 人");

        var warning = Assert.Single(service.Logs.Entries, e => e.Level >= LogLevel.Warning && e.Message.Contains("unmute", StringComparison.Ordinal));
        Assert.StartsWith($"Group command 解禁: unmute failed in qq group 123456 (user {Member}): ", warning.Message, StringComparison.Ordinal);
        Assert.Contains("权限不足", warning.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, Assert.Single(service.Logs.Entries, e => e.Message.StartsWith("Command: unmute", StringComparison.Ordinal)).Level); // the one done

        // The admin is told why, in words they can act on: it was 解除禁言未成功：1/1 人 and no more.
        Assert.Equal($"[CQ:at,qq={Admin}] 解除禁言未成功：1/1 人（机器人不是群管理员，或对方是管理员）", Said(refused));
    }

    [Fact]
    public async Task Status_answers_todays_counts_for_the_group()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api, new FakeTimeProvider(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero)));

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "加微信", userId: Member));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "明天交作业", userId: Member));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "加微信", userId: Member, groupId: 654321));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(4, "/gg 状态", userId: Admin, role: "admin"));

        // Messages 1 and 2: the command itself is answered, not checked.
        var answer = await AnswerAsync(api, "今日本群");
        Assert.Equal($"[CQ:at,qq={Admin}] 今日本群：检查 2 条消息，违规消息 1 条，试运行关", Said(answer));
    }

    [Fact]
    public async Task Status_leaves_out_incidents_marked_false_positive_as_the_digest_does_and_counts_them_apart()
    {
        await using var api = FakeOneBotApi.Start();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero));
        using var service = Service(api, clock);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "加微信", userId: Member));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "加微信领资料", userId: Member));
        var incidents = await service.IncidentsAfterAsync(2);
        var store = service.Services.GetRequiredService<GroupGuard.Core.IIncidentStore>();
        Assert.True(await store.MarkFalsePositiveAsync(incidents.First(i => i.MessageId == "1").Id, true, "通知", clock.GetUtcNow(), "admin", CancellationToken.None));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "/gg 状态", userId: Admin, role: "admin"));

        var answer = await AnswerAsync(api, "今日本群");
        Assert.Equal($"[CQ:at,qq={Admin}] 今日本群：检查 2 条消息，违规消息 1 条，误判 1 起，试运行关", Said(answer));
    }

    [Fact]
    public async Task An_admins_commands_are_not_counted_as_messages_checked_and_a_members_are()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api, new FakeTimeProvider(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero)));

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "明天交作业", userId: Member));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 试运行 开", userId: Member)); // a member's: text, moderated
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "/gg 帮助", userId: Admin, role: "admin"));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(4, "/gg 检查 加微信", userId: Admin, role: "admin"));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(5, "/gg 状态", userId: Admin, role: "admin"));

        var answer = await AnswerAsync(api, "今日本群");
        Assert.Equal($"[CQ:at,qq={Admin}] 今日本群：检查 2 条消息，违规消息 0 条，试运行关", Said(answer));
    }

    [Fact]
    public async Task Over_the_rate_limit_a_command_is_not_carried_out_and_one_answer_says_so()
    {
        await using var api = FakeOneBotApi.Start();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero));
        using var service = Service(api, clock);

        for (var i = 1; i <= CommandLimiter.PerUser + 2; i++)
        {
            await service.PostV11Async(GroupGuardFactory.GroupEvent(i, "/gg 状态", userId: Admin, role: "admin", time: 1764150000 + i));
        }

        await service.Handled.WaitForCountAsync(CommandLimiter.PerUser + 2);
        clock.Advance(CommandLimiter.Window);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(100, "/gg 状态", userId: Admin, role: "admin", time: 1764150100));
        await service.HandledAsync("100");

        // Carried out (and audited): the first ten, and the one a minute later; the ten answered once,
        // their answers the same within the minute, and the one a minute later again.
        Assert.Equal(CommandLimiter.PerUser + 1, (await AuditAsync(service)).Count(a => a.Action == "group_command:状态"));
        var answers = await api.WaitForRequestsAsync(3);
        var said = answers.Where(r => r.Action == "send_group_msg").Select(Said).ToList();
        Assert.Equal(2, said.Count(s => s.Contains("今日本群", StringComparison.Ordinal)));
        Assert.Equal($"[CQ:at,qq={Admin}] 命令太频繁，请 60 秒后再试", Assert.Single(said, s => s.Contains("命令太频繁", StringComparison.Ordinal)));
        Assert.Empty(await service.IncidentsAsync());
    }

    /// <summary>
    /// Twenty admins typing /gg 帮助 within a minute drew twenty lists, the same line twenty times:
    /// the group now gets one, another command's answer still goes out, and a minute later the list
    /// is answered again.
    /// </summary>
    [Fact]
    public async Task A_burst_of_the_same_command_from_many_admins_is_answered_once_a_minute_and_other_answers_still_go_out()
    {
        await using var api = FakeOneBotApi.Start();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero));
        using var service = Service(api, clock, ("Logging:LogLevel:GroupGuard.Host.Commands.CommandReplyWorker", "Debug"));
        string[] typed = ["/gg 帮助", "/gg", "/gg帮助", "/gg？"];

        for (var i = 0; i < CommandLimiter.PerGroup - 1; i++)
        {
            await service.PostV11Async(GroupGuardFactory.GroupEvent(i + 1, typed[i % typed.Length], userId: 30010 + i, role: "admin", time: 1764150000 + i));
        }

        await service.PostV11Async(GroupGuardFactory.GroupEvent(50, "/gg 状态", userId: 30050, role: "admin", time: 1764150050));
        await AnswerAsync(api, "今日本群");
        await service.Logs.Recording.WaitUntilAsync(
            entries => entries.Count(e => e.Level == LogLevel.Debug && e.Message.Contains("not sent again", StringComparison.Ordinal)) == CommandLimiter.PerGroup - 2,
            "the answers the same as the first let be");

        var said = api.RequestsFor("send_group_msg").Select(Said).ToList();
        Assert.Equal(2, said.Count);
        var list = Assert.Single(said, s => s.EndsWith("] " + GroupCommandParser.Usage("/gg"), StringComparison.Ordinal));
        Assert.Matches(@"^\[CQ:at,qq=300[1-2]\d\] ", list); // one of the nineteen
        Assert.Contains($"[CQ:at,qq=30050] 今日本群：检查 0 条消息，违规消息 0 条，试运行关", said);
        Assert.Equal(CommandLimiter.PerGroup - 1, (await AuditAsync(service)).Count(a => a.Action == "group_command:帮助")); // each carried out

        clock.Advance(RecentAnswers.Window);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(60, "/gg 帮助", userId: 30060, role: "admin", time: 1764150060));
        var again = await api.WaitForRequestAsync(r => r.Action == "send_group_msg" && Said(r).StartsWith("[CQ:at,qq=30060]", StringComparison.Ordinal), "the list a minute later");
        Assert.Equal($"[CQ:at,qq=30060] {GroupCommandParser.Usage("/gg")}", Said(again));
    }

    /// <summary>
    /// An admin trying the commands the first time: the list, today's counts, a few checks, a word
    /// typed wrong. At five a minute the sixth was answered 命令太频繁，请一分钟后再试.
    /// </summary>
    [Fact]
    public async Task An_admin_trying_the_commands_the_first_time_gets_an_answer_to_each()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api, new FakeTimeProvider(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero)));
        string[] tries = ["/gg 帮助", "/gg 状态", "/gg 检查 加微信", "/gg 检查 明天交作业", "/gg 检查 想要资料的加微信", "/gg 帮主", "/gg 检查 加我微信", "/gg 放行名单"];

        for (var i = 0; i < tries.Length; i++)
        {
            await service.PostV11Async(GroupGuardFactory.GroupEvent(i + 1, tries[i], userId: Admin, role: "admin", time: 1764150000 + i));
        }

        var said = (await api.WaitForRequestsAsync(tries.Length)).Where(r => r.Action == "send_group_msg").Select(Said).ToList();
        Assert.Equal(tries.Length, said.Count);
        Assert.DoesNotContain(said, s => s.Contains("命令太频繁", StringComparison.Ordinal));
        Assert.Equal(tries.Length - 1, (await AuditAsync(service)).Count); // each carried out; 帮主 answered how to type one
    }

    [Fact]
    public async Task Switched_off_commands_are_text_like_any_other()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = new GroupGuardFactory(
            new Dictionary<string, string?> { ["GroupGuard:OneBot:ApiBaseUrl"] = api.BaseUrl, ["GroupGuard:Commands:Enabled"] = "false" },
            Pack);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 放行 加微信", userId: Admin, role: "admin"));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "加微信", userId: Member));

        var incidents = await service.IncidentsAfterAsync(2);
        Assert.Equal(["1", "2"], incidents.Select(i => i.MessageId));
        Assert.Equal(ActionStatus.Exempt, incidents[0].ActionStatus);
        Assert.False(File.Exists(Path.Combine(service.Folder, "rules", "allow-123456.txt")));
    }
}
