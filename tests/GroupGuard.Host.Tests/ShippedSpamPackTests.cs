using System.Text.Json.Nodes;
using GroupGuard.Core;

namespace GroupGuard.Host.Tests;

/// <summary>
/// The shipped flood pack (rules/spam.yaml) in the running service, with the default escalation:
/// a member flooding a group is warned, then muted as the flood goes on; ten messages are no
/// flood, owners and admins are spared, and a member's @all is logged without a call.
/// </summary>
public sealed class ShippedSpamPackTests
{
    private static readonly string Pack = File.ReadAllText(Path.Combine(RepoPaths.Root, "rules", "spam.yaml"));

    private static GroupGuardFactory Service(FakeOneBotApi api) =>
        new(GroupGuardFactory.OneBotApi(api.BaseUrl, ("GroupGuard:OneBot:WarningCoalesceSeconds", "1")), Pack);

    private static async Task PostAsync(GroupGuardFactory service, int count, long firstId, long userId = 20002, string role = "member")
    {
        for (var i = 0; i < count; i++)
        {
            // One a second: the window is 15 s, so all of them fall in it.
            await service.PostV11Async(GroupGuardFactory.GroupEvent(firstId + i, $"哈哈哈，第{i}句", userId: userId, role: role, time: 1764150000 + i));
        }
    }

    [Fact]
    public async Task A_member_past_ten_messages_in_fifteen_seconds_is_warned_then_muted_as_the_flood_goes_on()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await PostAsync(service, 13, firstId: 100);

        var floods = (await service.IncidentsAfterAsync(13)).Where(i => i.Rule == "spam.flood").ToList();
        Assert.Equal(["110", "111", "112"], floods.Select(i => i.MessageId));
        var warned = await service.SettledAsync(13, i => i.MessageId == "110");
        var muted = await service.SettledAsync(13, i => i.MessageId == "112");
        Assert.Equal(ActionStatus.Done, warned.ActionStatus);
        Assert.Equal(ActionStatus.Done, muted.ActionStatus);
        Assert.Contains(api.RequestsFor("send_group_msg"), r => ((string?)r.Params["message"] ?? "").Contains("[CQ:at,qq=20002] 请勿刷屏", StringComparison.Ordinal));

        // The 2nd offence of the day is a 10-minute mute, the 3rd an hour (the default escalation).
        await service.SettledAsync(13, i => i.MessageId == "111");
        Assert.Equal([600L, 3600L], api.RequestsFor("set_group_ban").Select(r => r.Params["duration"]!.GetValue<long>()).Order());
    }

    [Fact]
    public async Task Ten_messages_in_fifteen_seconds_and_an_admins_flood_are_left_alone()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await PostAsync(service, 10, firstId: 200);
        await PostAsync(service, 12, firstId: 300, userId: 20009, role: "admin");

        var incidents = await service.IncidentsAfterAsync(22);
        Assert.DoesNotContain(incidents, i => i.UserId == "20002");
        Assert.Equal(["310", "311"], incidents.Where(i => i.UserId == "20009").Select(i => i.MessageId));
        Assert.All(incidents, i => Assert.Equal(ActionStatus.Exempt, i.ActionStatus));
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task An_at_all_from_a_member_is_logged_and_nothing_is_called()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        var body = JsonNode.Parse(GroupGuardFactory.GroupEvent(400, "大家看一下"))!;
        body["message"] = new JsonArray(
            new JsonObject { ["type"] = "at", ["data"] = new JsonObject { ["qq"] = "all" } },
            new JsonObject { ["type"] = "text", ["data"] = new JsonObject { ["text"] = " 大家看一下" } });

        await service.PostV11Async(body.ToJsonString());

        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        Assert.Equal("spam.at-all", incident.Rule);
        Assert.Equal(ModerationAction.Log, incident.DecidedAction);
        Assert.Empty(api.Requests);
    }
}
