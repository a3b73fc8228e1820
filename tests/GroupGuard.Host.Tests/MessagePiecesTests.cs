using GroupGuard.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests;

/// <summary>
/// A message sent in pieces (加 / 微 / 信): the piece that completes it is moderated joined to the
/// ones before it, its incident quotes them, and it is recalled, then the earlier pieces the hit
/// spans, counted on the incident; everyday short messages, another member's pieces and pieces too
/// far apart stay quiet; the setting turns it off.
/// </summary>
public sealed class MessagePiecesTests
{
    private const long T0 = 1764150000;

    private static GroupGuardFactory Service(FakeOneBotApi api, params (string Key, string? Value)[] settings) =>
        new(GroupGuardFactory.OneBotApi(api.BaseUrl, settings));

    [Fact]
    public async Task The_piece_that_completes_a_term_is_recalled_then_the_pieces_before_it_and_its_incident_quotes_them()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        // 你好 is the member's short message before the pieces, and no part of the hit.
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "你好", time: T0));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "加", time: T0 + 1));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "微", time: T0 + 2));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(4, "信", time: T0 + 4));

        await service.StoreCalls.WaitForAsync(c => c.Method == nameof(Core.IIncidentStore.RecordClearedAsync), "the earlier pieces' recalls to be counted on the incident");
        var incident = await service.SettledAsync(4, i => i.MessageId == "4");
        Assert.Equal("ads.contact", incident.Rule);
        Assert.Equal("你好 加 微 信", incident.MessageText);
        Assert.Equal((ActionStatus.Done, 2, 0), (incident.ActionStatus, incident.ClearedMessages, incident.ClearFailed));
        Assert.Single(await service.IncidentsAsync());
        Assert.Equal([4L, 2L, 3L], api.RequestsFor("delete_msg").Select(r => r.Params["message_id"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Pieces_are_not_recalled_when_the_piece_that_completes_them_could_not_be()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("delete_msg", FakeAnswer.Failed(200, "消息已过期"));
        using var service = Service(api);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "加", time: T0));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "微信", time: T0 + 1));

        var incident = await service.SettledAsync(2, i => i.MessageId == "2");
        Assert.Equal((ActionStatus.Failed, 0), (incident.ActionStatus, incident.ClearedMessages));
        Assert.Equal([2L], api.RequestsFor("delete_msg").Select(r => r.Params["message_id"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Short_everyday_messages_other_members_pieces_and_pieces_far_apart_stay_quiet()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);

        string[] chat = ["好的", "我晚点到", "谢谢", "收到", "加油"];
        for (var i = 0; i < chat.Length; i++)
        {
            await service.PostV11Async(GroupGuardFactory.GroupEvent(10 + i, chat[i], time: T0 + i));
        }

        // 加 and 微 from one member, 信 from another; then 加微 and, half a minute later, 信.
        await service.PostV11Async(GroupGuardFactory.GroupEvent(20, "加", userId: 30001, time: T0 + 10));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(21, "微", userId: 30001, time: T0 + 11));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(22, "信", userId: 30002, time: T0 + 12));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(23, "加微", userId: 30003, time: T0 + 20));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(24, "信", userId: 30003, time: T0 + 50));

        Assert.Empty(await service.IncidentsAfterAsync(10));
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task With_PiecesSeconds_0_each_message_is_read_alone()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api, ("GroupGuard:Moderation:PiecesSeconds", "0"));

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "加", time: T0));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "微信", time: T0 + 1));

        Assert.Empty(await service.IncidentsAfterAsync(2));
    }

    [Fact]
    public async Task PiecesSeconds_changed_while_the_service_runs_applies_from_the_next_message()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api, ("GroupGuard:Moderation:PiecesSeconds", "0"));
        _ = service.CreateClient();
        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();
        configuration["GroupGuard:Moderation:PiecesSeconds"] = "20";
        configuration.Reload();

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "加", time: T0));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "微信", time: T0 + 1));

        // Before, the window the service started with (0: off) stayed until a restart.
        var incident = Assert.Single(await service.IncidentsAfterAsync(2));
        Assert.Equal(("2", "加 微信"), (incident.MessageId, incident.MessageText));
    }
}
