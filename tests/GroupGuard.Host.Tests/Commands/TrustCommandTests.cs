using System.Globalization;
using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Core.Accounts;
using GroupGuard.Core.Moderation;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests.Commands;

/// <summary>
/// <c>/gg 信任</c>, <c>/gg 取消信任</c> and <c>/gg 信任名单</c> end to end: NapCat events posted to
/// the webhook, the bot's calls answered by a fake OneBot API on loopback, and what is stored.
/// </summary>
public sealed class TrustCommandTests
{
    private const long Admin = 30003;
    private const long Member = 20002;

    // An advert is recalled: a trusted member's is not.
    private const string Pack = """
        pack: ads
        name: 广告
        category: ads
        severity: medium
        action: recall
        rules:
          - id: ads.contact
            terms: [加微信]
        """;

    private static GroupGuardFactory Service(FakeOneBotApi api, params (string Key, string? Value)[] settings) =>
        new(GroupGuardFactory.OneBotApi(api.BaseUrl, [("GroupGuard:OneBot:WarningCoalesceSeconds", "0"), .. settings]), Pack);

    private static string Said(FakeRequest request) => (string?)request.Params["message"] ?? "";

    private static Task<FakeRequest> AnswerAsync(FakeOneBotApi api, string words) =>
        api.WaitForRequestAsync(r => r.Action == "send_group_msg" && Said(r).Contains(words, StringComparison.Ordinal), $"an answer saying {words}");

    /// <summary>An admin's command that @-mentions <paramref name="mentioned"/>, as a member picked from QQ's list.</summary>
    private static string Mentioning(long messageId, string text, long mentioned, long userId = Admin, string role = "admin")
    {
        var body = JsonNode.Parse(GroupGuardFactory.GroupEvent(messageId, text, userId: userId, role: role))!.AsObject();
        body["message"]!.AsArray().Add(new JsonObject { ["type"] = "at", ["data"] = new JsonObject { ["qq"] = mentioned.ToString(CultureInfo.InvariantCulture) } });
        return body.ToJsonString();
    }

    private static bool Recalled(FakeOneBotApi api, long messageId) =>
        api.RequestsFor("delete_msg").Any(r => r.Params["message_id"]!.GetValue<long>() == messageId);

    /// <summary>
    /// An advert in another group, recalled: once its recall is done, any call about the messages
    /// posted before it has been made too (one worker, in order).
    /// </summary>
    private static async Task ActedOnElsewhereAsync(GroupGuardFactory service, FakeOneBotApi api, long messageId, int messages)
    {
        await service.PostV11Async(GroupGuardFactory.GroupEvent(messageId, "加微信", userId: Member, groupId: 654321));
        var elsewhere = await service.SettledAsync(messages, i => i.MessageId == messageId.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(ActionStatus.Done, elsewhere.ActionStatus);
        Assert.True(Recalled(api, messageId));
    }

    [Fact]
    public async Task An_admin_trusts_a_member_whose_advert_is_then_recorded_as_exempt_and_left_in_the_group()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(Mentioning(1, "/gg 信任 ", Member));
        var answer = await AnswerAsync(api, "已信任");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "想要资料的加微信", userId: Member));
        await ActedOnElsewhereAsync(service, api, 3, 3);

        Assert.Equal($"[CQ:at,qq={Admin}] 已信任 {Member}：本群只记录其消息，不处理", Said(answer));
        var incident = Assert.Single(await service.IncidentsAsync(), i => i.MessageId == "2");
        Assert.Equal(ActionStatus.Exempt, incident.ActionStatus);
        Assert.Equal(ExemptReason.Group, incident.ExemptBy);
        Assert.False(Recalled(api, 2));
        Assert.DoesNotContain(api.RequestsFor("set_group_ban"), _ => true);
        Assert.DoesNotContain(api.RequestsFor("send_group_msg"), r => Said(r).Contains("请勿", StringComparison.Ordinal));
        var audit = Assert.Single(await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 10, CancellationToken.None));
        Assert.Equal("group_command:信任", audit.Action);
        Assert.Equal($"qq:{Admin}", audit.Actor);
        Assert.Equal($"trusted {Member}", audit.Detail);
    }

    /// <summary>A member's 信任 is text like any other: nobody is trusted, nothing is answered, as with every command.</summary>
    [Fact]
    public async Task A_members_trust_is_refused_as_every_command_of_a_member_is_and_trusts_nobody()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, $"/gg 信任 {Member}", userId: Member, role: "member"));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "加微信", userId: Member));
        var incident = await service.SettledAsync(2, i => i.MessageId == "2");

        Assert.Equal(ActionStatus.Done, incident.ActionStatus);
        Assert.True(Recalled(api, 2));
        Assert.False(await service.Services.GetRequiredService<ITrustedMembers>().IsTrustedAsync("qq", "123456", Member.ToString(CultureInfo.InvariantCulture), CancellationToken.None));
        Assert.DoesNotContain(api.RequestsFor("send_group_msg"), r => Said(r).Contains("信任", StringComparison.Ordinal));
        Assert.Empty(await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Untrusting_a_member_acts_on_their_next_advert_again()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, $"/gg 信任 {Member}", userId: Admin, role: "admin"));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "加微信", userId: Member));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, $"/gg 取消信任 {Member}", userId: Admin, role: "admin"));
        var answer = await AnswerAsync(api, "已取消信任");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(4, "加微信", userId: Member));
        var after = await service.SettledAsync(4, i => i.MessageId == "4");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(5, $"/gg 取消信任 {Member}", userId: Admin, role: "admin"));
        var again = await AnswerAsync(api, "不在本群信任名单中");

        Assert.Equal($"[CQ:at,qq={Admin}] 已取消信任 {Member}：本群恢复处理其消息", Said(answer));
        Assert.Equal(ActionStatus.Exempt, Assert.Single(await service.IncidentsAsync(), i => i.MessageId == "2").ActionStatus);
        Assert.Equal(ActionStatus.Done, after.ActionStatus);
        Assert.Null(after.ExemptBy);
        Assert.True(Recalled(api, 4));
        Assert.False(Recalled(api, 2));
        Assert.Equal($"[CQ:at,qq={Admin}] {Member} 不在本群信任名单中", Said(again));
    }

    [Fact]
    public async Task A_trust_outlasts_a_restart()
    {
        await using var api = FakeOneBotApi.Start();
        using var data = new TempFolder(SqliteConnection.ClearAllPools);
        var database = ("GroupGuard:Storage:ConnectionString", (string?)$"Data Source={Path.Combine(data.Path, "groupguard.db")}");
        using (var before = Service(api, database))
        {
            await before.PostV11Async(GroupGuardFactory.GroupEvent(1, $"/gg 信任 {Member}", userId: Admin, role: "admin"));
            await AnswerAsync(api, "已信任");
        }

        using var after = Service(api, database);
        await after.PostV11Async(GroupGuardFactory.GroupEvent(2, "加微信", userId: Member));
        await ActedOnElsewhereAsync(after, api, 3, 2);

        var incident = Assert.Single(await after.IncidentsAsync(), i => i.MessageId == "2");
        Assert.Equal(ActionStatus.Exempt, incident.ActionStatus);
        Assert.False(Recalled(api, 2));
    }

    /// <summary>
    /// 信任名单 says who is spared here and by what: the admins' command, the group's settings, the
    /// service's; a member the settings trust is spared as one the command trusts, and 取消信任 says
    /// which setting keeps them.
    /// </summary>
    [Fact]
    public async Task The_trust_list_names_members_trusted_by_command_and_by_settings_saying_which()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api, ("GroupGuard:Groups:123456:ExemptUsers:0", "20009"), ("GroupGuard:Moderation:ExemptUsers:0", "20010"));

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "/gg 信任名单", userId: Admin, role: "admin"));
        var before = await AnswerAsync(api, "设置中信任");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 信任 20002、20009", userId: Admin, role: "admin"));
        var trusted = await AnswerAsync(api, "已信任");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "/gg 信任列表", userId: Admin, role: "admin"));
        var list = await AnswerAsync(api, "本群信任 1 人");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(4, "/gg 取消信任 20009 20010", userId: Admin, role: "admin"));
        var kept = await AnswerAsync(api, "由设置信任");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(5, "加微信", userId: 20009));
        var bySettings = await service.SettledAsync(5, i => i.MessageId == "5");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(6, "加微信", userId: 20010));
        var everywhere = await service.SettledAsync(6, i => i.MessageId == "6");

        Assert.Equal($"[CQ:at,qq={Admin}] 设置中信任 1 人：20009；全局免处置 1 人：20010", Said(before));
        Assert.Equal($"[CQ:at,qq={Admin}] 已信任 20002：本群只记录其消息，不处理；20009 已在设置中信任", Said(trusted));
        Assert.Equal($"[CQ:at,qq={Admin}] 本群信任 1 人：20002；设置中信任 1 人：20009；全局免处置 1 人：20010", Said(list));
        Assert.Equal(
            $"[CQ:at,qq={Admin}] 20009 由设置信任，仍不处理；请修改 GroupGuard:Groups:123456:ExemptUsers；20010 全局免处置，仍不处理；请修改 GroupGuard:Moderation:ExemptUsers",
            Said(kept));
        Assert.Equal((ActionStatus.Exempt, ExemptReason.Group), (bySettings.ActionStatus, bySettings.ExemptBy));
        Assert.Equal((ActionStatus.Exempt, ExemptReason.Service), (everywhere.ActionStatus, everywhere.ExemptBy));
        Assert.False(Recalled(api, 5));
    }

    [Fact]
    public async Task A_group_trusting_two_hundred_members_trusts_no_more_and_says_so()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var members = service.Services.GetRequiredService<ITrustedMembers>();
        var many = Enumerable.Range(40001, GroupOverride.MaxTrusted).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        await members.TrustAsync("qq", "123456", many, GroupOverride.MaxTrusted, DateTimeOffset.UnixEpoch, "console:admin", CancellationToken.None);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, $"/gg 信任 {Member}", userId: Admin, role: "admin"));
        var full = await AnswerAsync(api, "已满");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "/gg 信任名单", userId: Admin, role: "admin"));
        var list = await AnswerAsync(api, "本群信任 200 人");

        Assert.Equal($"[CQ:at,qq={Admin}] 本群信任名单已满（200 人），未添加；请先取消信任不再需要的人", Said(full));
        Assert.False(await members.IsTrustedAsync("qq", "123456", Member.ToString(CultureInfo.InvariantCulture), CancellationToken.None));
        Assert.Equal($"[CQ:at,qq={Admin}] 本群信任 200 人：{string.Join("、", many.Take(10))} 等", Said(list));
    }
}
