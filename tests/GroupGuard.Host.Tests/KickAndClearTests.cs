using System.Globalization;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests;

/// <summary>A kick the platform confirms takes the member's recent messages in the group with it.</summary>
public sealed class KickAndClearTests
{
    private const string Pack = """
        pack: scams
        name: 刷单诈骗
        category: fraud
        severity: high
        action: kick
        rules:
          - id: scams.brushing
            terms: [刷单返利]
        """;

    /// <summary>The service, with the recent-message index on <paramref name="clock"/> (the rest on the real clock).</summary>
    private static GroupGuardFactory Service(FakeOneBotApi api, FakeTimeProvider clock, string clearMinutes = "10") => new(
        GroupGuardFactory.OneBotApi(api.BaseUrl, ("GroupGuard:Moderation:ClearMinutes", clearMinutes)),
        Pack,
        services => services.Replace(ServiceDescriptor.Singleton(provider =>
            new RecentMessages(clock, provider.GetRequiredService<IOptionsMonitor<ModerationOptions>>()))));

    private static long Id(FakeRequest request) => request.Params["message_id"]!.GetValue<long>();

    private static async Task PostAsync(GroupGuardFactory service, long messageId, string text, long userId = 20002, long groupId = 123456)
    {
        await service.PostV11Async(GroupGuardFactory.GroupEvent(messageId, text, userId: userId, groupId: groupId, time: 1764150000 + messageId % 1000));
        await service.HandledAsync(messageId.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_confirmed_kick_recalls_the_members_messages_of_the_last_ten_minutes_in_that_group_only()
    {
        await using var api = FakeOneBotApi.Start();
        // The read-back after the kick: the implementation no longer finds the member (LuckyLilliaBot's words).
        api.Script("get_group_member_info", FakeAnswer.Failed(100, "群成员未找到"));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        using var service = Service(api, clock);

        await PostAsync(service, 101, "早上好"); // older than the window
        clock.Advance(TimeSpan.FromMinutes(15));
        await PostAsync(service, 102, "有人在吗");
        await PostAsync(service, 103, "看看我的主页");
        await PostAsync(service, 104, "今天有活动");
        await PostAsync(service, 105, "我也在", userId: 20003); // another member
        await PostAsync(service, 106, "大家好", groupId: 654321); // another group
        clock.Advance(TimeSpan.FromMinutes(5));
        await PostAsync(service, 107, "刷单返利，日结三百");

        await service.StoreCalls.WaitForAsync(c => c.Method == nameof(IIncidentStore.RecordClearedAsync), "the clear to be counted on the kick's incident");
        var incident = await service.SettledAsync(7, i => i.MessageId == "107");

        var kick = Assert.Single(api.RequestsFor("set_group_kick"));
        Assert.Equal((20002L, 123456L), (kick.Params["user_id"]!.GetValue<long>(), kick.Params["group_id"]!.GetValue<long>()));
        var deletes = api.RequestsFor("delete_msg");
        Assert.Equal([107L, 102L, 103L, 104L], deletes.Select(Id));
        Assert.All(deletes.Where(d => Id(d) != 107), d => Assert.True(d.Index > kick.Index, "the clear comes after the kick"));
        Assert.Equal((ActionStatus.Done, 3, 0), (incident.ActionStatus, incident.ClearedMessages, incident.ClearFailed));
        Assert.Contains(service.Logs.Entries, e => e.Message.Contains("Clear on", StringComparison.Ordinal) && e.Message.Contains("3 of the member's other messages recalled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_recall_the_platform_refuses_is_counted_as_not_cleared()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("get_group_member_info", FakeAnswer.Failed(100, "群成员未找到"));
        // The kick's own recall, then the first of the clear is refused (recalled by a person meanwhile).
        api.Script("delete_msg", FakeAnswer.Ok(), FakeAnswer.Failed(200, "消息不存在"));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        using var service = Service(api, clock);

        await PostAsync(service, 201, "有人在吗");
        await PostAsync(service, 202, "看看我的主页");
        await PostAsync(service, 203, "刷单返利");

        // The clear is queued as soon as the kick is done, before the kick's outcome is recorded, and
        // runs beside it: the count can be in before the outcome.
        await service.StoreCalls.WaitForAsync(c => c.Method == nameof(IIncidentStore.RecordClearedAsync), "the clear to be counted");
        var incident = await service.SettledAsync(3, i => i.MessageId == "203");
        Assert.Single(await service.IncidentsAsync());

        Assert.Equal((1, 1), (incident.ClearedMessages, incident.ClearFailed));
        Assert.Equal(ActionStatus.Done, incident.ActionStatus); // the kick itself stands
    }
}
