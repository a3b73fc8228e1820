using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Host.Commands;

namespace GroupGuard.Host.Tests.Commands;

/// <summary>
/// A member's mute after a false positive: QQ keeps the last mute set, so what counts is whose mute
/// is in force, and what the genuine offence's would still have left.
/// </summary>
public sealed class MuteAfterMarksTests
{
    private static readonly DateTimeOffset Start = Messages.DefaultTime;

    private static Incident Muted(long id, double atSeconds, int muteSeconds, ActionStatus status = ActionStatus.Done) =>
        Incidents.Of(id: id, detectedAt: Start.AddSeconds(atSeconds)) with { MuteSeconds = muteSeconds, ActionStatus = status };

    [Fact]
    public void A_false_positives_mute_in_force_is_set_again_for_what_the_genuine_one_before_it_has_left()
    {
        var genuine = Muted(11, 0, 600);
        var wrong = Muted(12, 1, 3600);

        var after = MuteAfterMarks.Decide([wrong], [genuine], Start.AddSeconds(240.5));

        Assert.Equal(MuteFix.Shorten, after.Fix);
        Assert.Same(genuine, after.Genuine);
        Assert.Equal(360, after.Seconds); // 359.5 s, rounded up: never a second short
    }

    [Fact]
    public void It_is_lifted_when_the_genuine_one_has_run_out_or_there_is_none()
    {
        Assert.Equal(MuteFix.Lift, MuteAfterMarks.Decide([Muted(12, 1, 3600)], [Muted(11, 0, 600)], Start.AddSeconds(600)).Fix);
        Assert.Equal(MuteFix.Lift, MuteAfterMarks.Decide([Muted(12, 1, 3600)], [], Start.AddSeconds(2)).Fix);
    }

    [Fact]
    public void A_later_genuine_mute_in_force_is_kept_and_one_that_has_run_out_leaves_nothing_to_do()
    {
        var wrong = Muted(11, 0, 3600);

        Assert.Equal(MuteFix.KeptForAnother, MuteAfterMarks.Decide([wrong], [Muted(12, 1, 600)], Start.AddSeconds(60)).Fix);
        Assert.Equal(MuteFix.None, MuteAfterMarks.Decide([wrong], [Muted(12, 1, 600)], Start.AddSeconds(700)).Fix); // it replaced the hour and ended
        Assert.Equal(MuteFix.None, MuteAfterMarks.Decide([Muted(11, 0, 600)], [], Start.AddSeconds(600)).Fix); // the wrong one ran out
    }

    /// <summary>
    /// The console lifts a message's mute whether or not it still runs by GroupGuard's reckoning;
    /// a genuine offence's mute in force is kept all the same, and named.
    /// </summary>
    [Fact]
    public void A_genuine_mute_in_force_is_kept_when_the_marked_one_has_run_out_or_never_ran()
    {
        var genuine = Muted(12, 60, 3600);

        var ranOut = MuteAfterMarks.Decide([Muted(11, 0, 60)], [genuine], Start.AddSeconds(120));
        var neverRan = MuteAfterMarks.Decide([Muted(13, 90, 600, ActionStatus.DryRun)], [genuine], Start.AddSeconds(120));

        Assert.Equal(MuteFix.KeptForAnother, ranOut.Fix);
        Assert.Same(genuine, ranOut.Genuine);
        Assert.Equal(MuteFix.KeptForAnother, neverRan.Fix);
        Assert.Equal(MuteFix.None, MuteAfterMarks.Decide([Muted(11, 0, 60)], [Muted(10, -60, 600)], Start.AddSeconds(120)).Fix); // the marked one replaced it, and ran out
    }

    [Fact]
    public void The_genuine_one_set_last_is_what_counts_and_of_two_at_one_time_the_later_stored()
    {
        // A day for a first offence (a rule's own mute), then 10 minutes: the 10 minutes replaced the day.
        var day = Muted(10, 0, 86_400);
        var tenMinutes = Muted(11, 1, 600);
        var wrong = Muted(12, 1, 3600); // the same millisecond as the 10 minutes, stored after them

        var after = MuteAfterMarks.Decide([wrong], [day, tenMinutes], Start.AddSeconds(61));

        Assert.Equal(MuteFix.Shorten, after.Fix);
        Assert.Same(tenMinutes, after.Genuine);
        Assert.Equal(540, after.Seconds);
    }

    [Fact]
    public void Two_marked_at_once_leave_the_genuine_one_before_both()
    {
        var genuine = Muted(11, 0, 600);

        var after = MuteAfterMarks.Decide([Muted(12, 1, 3600), Muted(13, 2, 7200)], [genuine, Muted(13, 2, 7200)], Start.AddSeconds(100));

        Assert.Equal(MuteFix.Shorten, after.Fix);
        Assert.Same(genuine, after.Genuine);
        Assert.Equal(500, after.Seconds);
    }

    [Theory]
    [InlineData(ActionStatus.DryRun)]
    [InlineData(ActionStatus.Exempt)]
    [InlineData(ActionStatus.Unsupported)]
    [InlineData(ActionStatus.Skipped)]
    public void A_mute_never_carried_out_is_none_in_force(ActionStatus status)
    {
        Assert.Equal(MuteFix.Lift, MuteAfterMarks.Decide([Muted(12, 1, 3600)], [Muted(11, 0, 600, status), Muted(13, 2, 0)], Start.AddSeconds(60)).Fix);
        Assert.Equal(MuteFix.None, MuteAfterMarks.Decide([Muted(12, 1, 3600, status)], [], Start.AddSeconds(60)).Fix);
    }

    [Fact]
    public void The_answer_says_what_became_of_each_mute_naming_the_members_when_there_are_several()
    {
        Assert.Equal("，禁言已改为另一次违规剩余的 6 分钟", GroupCommands.MutesSaid([new MuteChanged(new MuteChange("20001", 360), true)], []));
        Assert.Equal("，禁言未能改为另一次违规剩余的 1 分钟", GroupCommands.MutesSaid([new MuteChanged(new MuteChange("20001", 1), false)], []));
        Assert.Equal("，已解除禁言", GroupCommands.MutesSaid([new MuteChanged(new MuteChange("20001"), true)], []));
        Assert.Equal("；另一次违规的禁言仍在生效，未解除", GroupCommands.MutesSaid([], ["20001"]));
        Assert.Equal(
            "，20001 已解除禁言；20002 禁言已改为另一次违规剩余的 10 分钟；20003 另一次违规的禁言仍在生效，未解除",
            GroupCommands.MutesSaid([new MuteChanged(new MuteChange("20001"), true), new MuteChanged(new MuteChange("20002", 541), true)], ["20003"]));
    }

    /// <summary>
    /// A mute not lifted was 解除禁言未成功 and no more: the admin could not tell that the bot must be
    /// a group admin. The kind of failure is now said in the digest's words; unknown, nothing is made up.
    /// </summary>
    [Fact]
    public void The_answer_says_why_a_mute_was_not_changed_where_the_platform_said()
    {
        var refused = MuteChanged.Of(new MuteChange("20001"), ActionResult.Failed(ActionErrorKind.NotPermitted, "权限不足"));
        var cannot = MuteChanged.Of(new MuteChange("20002", 60), ActionResult.Unsupported(ActionErrorKind.PlatformCannot, "no mute on v12"));
        var unknown = MuteChanged.Of(new MuteChange("20003"), new ActionResult(ActionStatus.Failed, "?"));

        Assert.Equal("，解除禁言未成功（机器人不是群管理员，或对方是管理员）", GroupCommands.MutesSaid([refused], []));
        Assert.Equal("，禁言未能改为另一次违规剩余的 1 分钟（平台不支持该操作）", GroupCommands.MutesSaid([cannot], []));
        Assert.Equal("，解除禁言未成功", GroupCommands.MutesSaid([unknown], []));
        Assert.Null(MuteChanged.Of(new MuteChange("20001"), ActionResult.Done).Why);
        Assert.Equal("（机器人不是群管理员，或对方是管理员；平台不支持该操作）", MuteChanged.Reasons([refused, refused, cannot, unknown]));
    }
}
