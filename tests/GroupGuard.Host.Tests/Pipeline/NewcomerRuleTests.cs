using System.Text.Json.Nodes;
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
}
