using System.Text.Json.Nodes;
using GroupGuard.Core;

namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>
/// A group whose events carry no name (LuckyLilliaBot's OneBot v11, ComWeChat's v12): the first
/// hit in it asks the bridge (<c>get_group_info</c>) once, beside the role lookup, and its incidents
/// carry the name, so a leader's digest names the group rather than its number.
/// </summary>
public sealed class GroupNameLookupTests
{
    private static GroupGuardFactory Service(FakeOneBotApi api, params (string Key, string? Value)[] settings) =>
        new(GroupGuardFactory.OneBotApi(api.BaseUrl, settings));

    private static FakeAnswer Answer(string sample) => new(200, GroupGuardFactory.Sample(sample));

    /// <summary>LuckyLilliaBot's group message (no <c>group_name</c>) with its own id and text.</summary>
    private static string LuckyLilliaBot(long messageId, string text = "想要资料的加微信 abc123")
    {
        var message = JsonNode.Parse(GroupGuardFactory.Sample("llbot-group-advert.json"))!.AsObject();
        message["message_id"] = messageId;
        message["message_seq"] = 52840 + messageId; // QQ's sequence: another message, not a copy heard by a second bot
        message["raw_message"] = text;
        message["message"]![0]!["data"]!["text"] = text;
        return message.ToJsonString();
    }

    [Fact]
    public async Task An_advert_in_a_group_whose_event_has_no_name_is_named_by_the_bridge_asked_once()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("get_group_info", Answer("llbot-answer-group-info.json"));
        using var service = Service(api);

        await service.PostV11Async(LuckyLilliaBot(1));
        await service.PostV11Async(LuckyLilliaBot(2));

        var incidents = await service.IncidentsAfterAsync(2);
        Assert.Equal(2, incidents.Count);
        Assert.All(incidents, i => Assert.Equal("二年级家长群", i.GroupName));

        // The second hit in the group asks no second time.
        var asked = Assert.Single(api.RequestsFor("get_group_info"));
        Assert.Equal("""{"group_id":123456,"no_cache":false}""", asked.RawBody);
    }

    [Fact]
    public async Task A_group_whose_events_carry_its_name_is_asked_nothing()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        // NapCat's event carries the name; LuckyLilliaBot's after it, in the same group, is named by it.
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "加微信"));
        await service.PostV11Async(LuckyLilliaBot(2));

        var incidents = await service.IncidentsAfterAsync(2);
        Assert.Equal(2, incidents.Count);
        Assert.All(incidents, i => Assert.Equal("二年级家长群", i.GroupName));
        Assert.Empty(api.RequestsFor("get_group_info"));
    }

    [Fact]
    public async Task An_ordinary_message_asks_nothing()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        await service.PostV11Async(LuckyLilliaBot(1, "明天交作业"));

        Assert.Empty(await service.IncidentsAfterAsync(1));
        Assert.Empty(api.Requests);
    }

    public static TheoryData<string> Failures => ["refused", "silent"];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_bridge_that_cannot_say_leaves_the_incident_unnamed_the_recall_done_and_is_not_asked_again_soon(string failure)
    {
        await using var api = FakeOneBotApi.Start();

        // A silent bridge is given up after 5 s: a name is never worth holding moderation longer.
        api.Script("get_group_info", failure == "refused" ? FakeAnswer.Failed(200, "获取群信息失败") : FakeAnswer.Hanging());
        using var service = Service(api);

        await service.PostV11Async(LuckyLilliaBot(1));
        var first = await service.SettledAsync(1, i => i.MessageId == "1");
        await service.PostV11Async(LuckyLilliaBot(2));
        var second = await service.SettledAsync(2, i => i.MessageId == "2");

        Assert.Equal((null, ActionStatus.Done), (first.GroupName, first.ActionStatus));
        Assert.Equal((null, ActionStatus.Done), (second.GroupName, second.ActionStatus));
        Assert.Equal(2, api.RequestsFor("delete_msg").Count);
        Assert.Single(api.RequestsFor("get_group_info")); // within ten minutes: not asked again
    }

    [Fact]
    public async Task On_onebot_v12_the_group_is_asked_of_get_group_info_as_the_bot_that_heard_it()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("get_group_info", Answer("v12-answer-get-group-info.json"));
        using var service = Service(api, ("GroupGuard:OneBot:V12ApiBaseUrl", api.Url("/v12/")));

        await service.PostV12Async(GroupGuardFactory.Sample("v12-wechat-group.json"));

        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        Assert.Equal("小区业主群", incident.GroupName);
        var asked = Assert.Single(api.RequestsFor("get_group_info"));
        Assert.Equal("12345678901@chatroom", asked.Params["group_id"]!.GetValue<string>());
        Assert.Equal("wxid_bot001", asked.Body!["self"]!["user_id"]!.GetValue<string>());
    }
}
