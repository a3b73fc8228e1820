using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using GroupGuard.Testing;

namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>
/// A rule with <c>newcomer_hours:</c> end to end: join times from a <c>group_increase</c> notice, else
/// from the platform's <c>get_group_member_info</c>, and a member nobody knows about treated as old.
/// </summary>
public sealed class NewcomerRuleTests
{
    private const long Newcomer = 20011;
    private const long OldMember = 20012;
    private const long Stranger = 20013;

    // 2025-11-26 09:40 UTC, the time of the messages below unless they say otherwise.
    private const long MessageTime = 1764150000;

    private const string Pack = """
        pack: ads
        name: 广告
        category: ads
        severity: medium
        action: log
        rules:
          - id: ads.newcomer-contact
            terms: [加微信]
            newcomer_hours: 24
        """;

    private static GroupGuardFactory Service(FakeOneBotApi api) =>
        new(
            GroupGuardFactory.OneBotApi(api.BaseUrl),
            Pack);

    /// <summary>A NapCat <c>notice.group_increase</c>: <paramref name="userId"/> joined group 123456 at <paramref name="time"/>.</summary>
    private static string JoinNotice(long userId, long time) =>
        new JsonObject
        {
            ["time"] = time,
            ["self_id"] = 10001,
            ["post_type"] = "notice",
            ["notice_type"] = "group_increase",
            ["sub_type"] = "approve",
            ["group_id"] = 123456,
            ["operator_id"] = 30003,
            ["user_id"] = userId,
        }.ToJsonString();

    [Fact]
    public async Task A_newcomer_rule_hits_within_its_window_only()
    {
        await using var api = FakeOneBotApi.Start();
        api.Responder = request => request.Action != "get_group_member_info" ? null
            : request.Params["user_id"]?.ToString() == OldMember.ToString(System.Globalization.CultureInfo.InvariantCulture)
                ? FakeAnswer.Ok(new JsonObject { ["user_id"] = OldMember, ["role"] = "member", ["join_time"] = MessageTime - (30 * 86400) })
                : FakeAnswer.Failed(100, "member not found");
        using var service = Service(api);

        var notice = await service.PostV11Async(JoinNotice(Newcomer, MessageTime - 3600));
        Assert.True(notice.IsSuccessStatusCode);

        // An hour after joining: the stricter rule applies.
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "想要资料的加微信", userId: Newcomer, time: MessageTime));

        // Joined 30 days ago by the platform's word, and a member nobody can place: both treated as old.
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "想要资料的加微信", userId: OldMember, time: MessageTime + 10));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "想要资料的加微信", userId: Stranger, time: MessageTime + 20));

        // The newcomer again, 25 hours after joining: the window has passed (the webhook's clock moves on with it).
        service.WebhookClock.Advance(TimeSpan.FromHours(24));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(4, "想要资料的加微信", userId: Newcomer, time: MessageTime + (24 * 3600)));

        var incidents = await service.IncidentsAfterAsync(4);

        var incident = Assert.Single(incidents);
        Assert.Equal("ads.newcomer-contact", incident.Rule);
        Assert.Equal("1", incident.MessageId);
        Assert.Equal(Newcomer.ToString(System.Globalization.CultureInfo.InvariantCulture), incident.UserId);

        // The newcomer's join time came from the notice; the others were asked once each.
        var asked = api.RequestsFor("get_group_member_info").Select(r => r.Params["user_id"]?.ToString()).ToList();
        Assert.DoesNotContain(Newcomer.ToString(System.Globalization.CultureInfo.InvariantCulture), asked);
        Assert.Contains(OldMember.ToString(System.Globalization.CultureInfo.InvariantCulture), asked);
        Assert.Contains(Stranger.ToString(System.Globalization.CultureInfo.InvariantCulture), asked);
    }

    [Fact]
    public async Task A_message_whose_moderation_fails_unexpectedly_is_passed_and_the_next_one_is_moderated()
    {
        // A join-time lookup that throws (its contract says it never does: a defect) for one member.
        await using var api = FakeOneBotApi.Start();
        using var service = new GroupGuardFactory(
            GroupGuardFactory.OneBotApi(api.BaseUrl),
            Pack,
            services => services.AddSingleton<GroupGuard.Core.Members.IJoinTimes>(new ThrowingJoinTimes(Stranger, MessageTime - 3600)));

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "想要资料的加微信", userId: Stranger, time: MessageTime));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "想要资料的加微信", userId: Newcomer, time: MessageTime + 10));

        // Before, the first message stopped the worker, and the host with it.
        var incident = Assert.Single(await service.IncidentsAfterAsync(2));
        Assert.Equal("2", incident.MessageId);
        var failed = Assert.Single(service.Logs.Entries, e => e.Message.Contains("failed unexpectedly", StringComparison.Ordinal));
        Assert.Contains("group 123456 message 1", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("加微信", failed.Message, StringComparison.Ordinal);
        using var health = System.Text.Json.JsonDocument.Parse(await service.CreateClient().GetStringAsync("/healthz"));
        var pipeline = health.RootElement.GetProperty("pipeline");
        Assert.Equal(1, pipeline.GetProperty("processed").GetInt64()); // moderated; the other is a failure
        Assert.Equal(1, pipeline.GetProperty("detection_failures").GetInt64());
    }

    /// <summary>Join times that throw for one member and say "joined at this time" for any other.</summary>
    private sealed class ThrowingJoinTimes(long throwsFor, long joinedAt) : GroupGuard.Core.Members.IJoinTimes
    {
        public Task<DateTimeOffset?> JoinedAtAsync(GroupGuard.Core.Protocol protocol, string platform, string botId, string groupId, string userId, CancellationToken cancellationToken) =>
            userId == throwsFor.ToString(System.Globalization.CultureInfo.InvariantCulture)
                ? throw new InvalidOperationException("a defect in the join-time lookup")
                : Task.FromResult<DateTimeOffset?>(DateTimeOffset.FromUnixTimeSeconds(joinedAt));

        public void Joined(string platform, string groupId, string userId, DateTimeOffset at)
        {
        }
    }
}
