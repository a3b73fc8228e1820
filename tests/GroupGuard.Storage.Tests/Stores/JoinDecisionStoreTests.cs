using GroupGuard.Core;
using GroupGuard.Core.Members;
using GroupGuard.Storage.Stores;

namespace GroupGuard.Storage.Tests.Stores;

/// <summary>Join decisions and the user block list (migration 0012; the answer's error kind, 0022).</summary>
public abstract class JoinDecisionStoreTests : StoreTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private JoinDecisions Joins => field ??= new JoinDecisions(Harness.Store.Database);

    private static JoinDecision Decision(string flag, string groupId = "123456", DateTimeOffset? decidedAt = null, JoinOutcome outcome = JoinOutcome.Rejected) => new()
    {
        Time = T0,
        DecidedAt = decidedAt ?? T0.AddSeconds(1),
        Platform = "qq",
        Protocol = Protocol.OneBotV11,
        BotId = "10001",
        GroupId = groupId,
        GroupName = "二年级家长群",
        UserId = "30003",
        Nickname = "资料分享君",
        Comment = "加微信 abc12345 领资料",
        Flag = flag,
        Outcome = outcome,
        Reason = JoinReason.Rule,
        Rule = "ads.contact",
        Category = "ads",
        MatchedTerm = "加微信",
        ActionStatus = ActionStatus.Pending,
    };

    [Fact]
    public async Task A_decision_is_stored_once_per_request_and_read_back_whole()
    {
        var (id, added) = await Joins.AddAsync(Decision("f1"), CancellationToken.None);
        var (again, addedAgain) = await Joins.AddAsync(Decision("f1") with { Outcome = JoinOutcome.Approved }, CancellationToken.None);
        await Joins.UpdateStatusAsync(id, ActionStatus.Failed, "不是管理员", ActionErrorKind.NotPermitted, CancellationToken.None);

        Assert.True(added);
        Assert.Equal((id, false), (again, addedAgain));
        var stored = Assert.Single(await Joins.ListAsync(T0, T0.AddDays(1), null, 10, CancellationToken.None));
        Assert.Equal(Decision("f1") with { Id = id, ActionStatus = ActionStatus.Failed, ActionError = "不是管理员", ActionErrorKind = ActionErrorKind.NotPermitted }, stored);

        // One the platform cannot answer is stored with its kind from the start.
        var (unsupported, _) = await Joins.AddAsync(Decision("f2") with { ActionStatus = ActionStatus.Unsupported, ActionError = "onebot.v12 has no call", ActionErrorKind = ActionErrorKind.PlatformCannot }, CancellationToken.None);
        Assert.Equal(ActionErrorKind.PlatformCannot, Assert.Single(await Joins.ListAsync(T0, T0.AddDays(1), null, 10, CancellationToken.None), d => d.Id == unsupported).ActionErrorKind);
    }

    [Fact]
    public async Task A_platform_refusal_or_group_name_with_a_nul_or_half_an_emoji_is_stored_with_a_replacement_character()
    {
        // PostgreSQL refuses NUL in text and its driver a lone surrogate: the write, retried on the
        // moderation worker, would never go through.
        var odd = "x\0y" + "😀"[..1];
        var (id, _) = await Joins.AddAsync(Decision("f" + odd) with { GroupName = "群" + odd }, CancellationToken.None);
        await Joins.UpdateStatusAsync(id, ActionStatus.Failed, "refused: " + odd, ActionErrorKind.Refused, CancellationToken.None);

        var stored = Assert.Single(await Joins.ListAsync(T0, T0.AddDays(1), null, 10, CancellationToken.None));
        Assert.Equal("refused: x\uFFFDy\uFFFD", stored.ActionError);
        Assert.Equal("群x\uFFFDy\uFFFD", stored.GroupName);
        Assert.Equal("fx\uFFFDy\uFFFD", stored.Flag);
        Assert.False((await Joins.AddAsync(Decision("f" + odd), CancellationToken.None)).Added); // the same request, still once
    }

    [Fact]
    public async Task Decisions_are_listed_by_decision_time_for_the_groups_asked_oldest_first_up_to_the_limit()
    {
        await Joins.AddAsync(Decision("a", decidedAt: T0.AddHours(3)), CancellationToken.None);
        await Joins.AddAsync(Decision("b", decidedAt: T0.AddHours(1)), CancellationToken.None);
        await Joins.AddAsync(Decision("c", groupId: "777", decidedAt: T0.AddHours(2)), CancellationToken.None);
        await Joins.AddAsync(Decision("d", decidedAt: T0.AddHours(5)), CancellationToken.None);

        var window = await Joins.ListAsync(T0, T0.AddHours(4), ["123456"], 10, CancellationToken.None);
        Assert.Equal(["b", "a"], window.Select(d => d.Flag));
        Assert.Equal(["b"], (await Joins.ListAsync(T0, T0.AddHours(4), null, 1, CancellationToken.None)).Select(d => d.Flag));
        Assert.Empty(await Joins.ListAsync(T0, T0.AddHours(4), [], 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_user_is_blocked_once_per_platform_and_unblocked()
    {
        Assert.True(await Joins.BlockAsync(new UserBlock("qq", "40004", T0, "kicked from group 1 (incident 7)", 7), CancellationToken.None));
        Assert.False(await Joins.BlockAsync(new UserBlock("qq", "40004", T0.AddHours(1), "again", null), CancellationToken.None));
        Assert.True(await Joins.BlockAsync(new UserBlock("wecom", "40004", T0, null, null), CancellationToken.None));

        Assert.Equal(new UserBlock("qq", "40004", T0, "kicked from group 1 (incident 7)", 7), await Joins.FindAsync("qq", "40004", CancellationToken.None));
        Assert.Equal(2, (await Joins.ListAsync(CancellationToken.None)).Count);
        Assert.True(await Joins.UnblockAsync("qq", "40004", CancellationToken.None));
        Assert.False(await Joins.UnblockAsync("qq", "40004", CancellationToken.None));
        Assert.Null(await Joins.FindAsync("qq", "40004", CancellationToken.None));
        Assert.NotNull(await Joins.FindAsync("wecom", "40004", CancellationToken.None));
    }

    [Fact]
    public async Task Marking_any_incident_of_a_kicked_message_a_false_positive_lifts_the_block_it_put()
    {
        var ids = await Harness.Store.AddAsync(
            [Samples.Incident(messageId: "901", rule: "scams.brushing", userId: "40004"), Samples.Incident(messageId: "901", rule: "ads.contact", userId: "40004")],
            CancellationToken.None);
        await Joins.BlockAsync(new UserBlock("qq", "40004", T0, "kicked", ids[0]), CancellationToken.None);
        await Joins.BlockAsync(new UserBlock("qq", "50005", T0, "by hand", null), CancellationToken.None);

        Assert.True(await Harness.Store.MarkFalsePositiveAsync(ids[1], false, null, T0, "admin", CancellationToken.None));
        Assert.NotNull(await Joins.FindAsync("qq", "40004", CancellationToken.None)); // unmarking lifts nothing

        Assert.True(await Harness.Store.MarkFalsePositiveAsync(ids[1], true, "误踢", T0, "admin", CancellationToken.None));
        Assert.Null(await Joins.FindAsync("qq", "40004", CancellationToken.None));
        Assert.NotNull(await Joins.FindAsync("qq", "50005", CancellationToken.None));
    }

    [Theory]
    [InlineData(RetentionMode.Mask)]
    [InlineData(RetentionMode.Delete)]
    public async Task Retention_masks_or_deletes_the_comment_and_nickname_of_old_requests(RetentionMode mode)
    {
        await Joins.AddAsync(Decision("old"), CancellationToken.None);
        await Joins.AddAsync(Decision("new") with { Time = T0.AddDays(30) }, CancellationToken.None);

        await Harness.Store.ApplyRetentionAsync(T0.AddDays(1), mode, CancellationToken.None);

        var left = await Joins.ListAsync(T0, T0.AddDays(60), null, 10, CancellationToken.None);
        var kept = Assert.Single(left, d => d.Flag == "new");
        Assert.Equal(("加微信 abc12345 领资料", "资料分享君"), (kept.Comment, kept.Nickname));
        if (mode == RetentionMode.Delete)
        {
            Assert.Single(left);
        }
        else
        {
            var old = Assert.Single(left, d => d.Flag == "old");
            Assert.Equal(("", null, "ads.contact"), (old.Comment, old.Nickname, old.Rule));
        }
    }
}
