using Dapper;
using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Storage.Stores;

namespace GroupGuard.Storage.Tests.Stores;

/// <summary>The digest outbox: one digest per leader and period end, its channels' outcomes and claims.</summary>
public abstract class DigestOutboxTests : StoreTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private protected static readonly DateTimeOffset Day1 = new(2025, 3, 1, 0, 0, 0, Beijing);
    private protected static readonly DateTimeOffset Day2 = Day1.AddDays(1);
    private protected static readonly DateTimeOffset Day3 = Day1.AddDays(2);
    private static readonly DateTimeOffset Day4 = Day1.AddDays(3);

    private protected DigestOutbox Outbox => field ??= Harness.CreateOutbox();

    private protected static DigestRecord Digest(
        string leader = "张老师",
        DateTimeOffset? from = null,
        DateTimeOffset? to = null,
        string title = "群管日报 3月1日",
        IReadOnlyList<long>? incidentIds = null,
        params string[] channels) => new()
        {
            Leader = leader,
            PeriodFrom = from ?? Day1,
            PeriodTo = to ?? Day2,
            Status = DigestStatus.Failed, // ignored: the outbox works it out from the channels
            CreatedAt = (to ?? Day2).AddMinutes(1),
            Title = title,
            Markdown = "## 群管日报\n- 广告 3 条 🧧\n- 诈骗 1 条（已踢出）",
            Text = "群管日报：广告 3 条，诈骗 1 条",
            Html = "<h2>群管日报</h2><p>广告 3 条 &amp; 诈骗 1 条</p>",
            IncidentIds = incidentIds ?? [1, 2, 3],
            Channels = (channels.Length == 0 ? ["wecom", "email"] : channels)
                .ToDictionary(c => c, _ => new ChannelOutcome(ChannelStatus.Sent, 9, "ignored", Day4), StringComparer.Ordinal),
        };

    private protected async Task<List<DigestRecord>> ListAllAsync(string? leader)
    {
        var list = new List<DigestRecord>();
        await foreach (var record in Outbox.ListAsync(leader, CancellationToken.None))
        {
            list.Add(record);
        }

        return list;
    }

    private static ChannelOutcome Sent(int attempts = 1) => new(ChannelStatus.Sent, attempts, null, Day2.AddMinutes(2));

    private static ChannelOutcome Retrying(int attempts, string error = "HTTP 502") => new(ChannelStatus.Pending, attempts, error, null);

    private static ChannelOutcome GaveUp(int attempts, string error = "errcode 93000: invalid webhook url") =>
        new(ChannelStatus.Failed, attempts, error, null);

    [Fact]
    public async Task A_channel_error_with_a_nul_or_half_an_emoji_is_stored_with_a_replacement_character()
    {
        var digest = await Outbox.CreateAsync(Digest(channels: ["wecom"]), CancellationToken.None);

        await Outbox.UpdateChannelAsync(digest.Id, "wecom", Retrying(1, "HTTP 500: x\0y" + "😀"[..1]), CancellationToken.None);

        var stored = Assert.Single(await ListAllAsync(null));
        Assert.Equal("HTTP 500: x\uFFFDy\uFFFD", stored.Channels["wecom"].Error);
    }

    /// <summary>
    /// A channel's failure keeps its kind beside its words, for the console to say first
    /// (对方拒收, then the robot's errcode folded beneath); a later try that sends clears both.
    /// </summary>
    [Fact]
    public async Task A_channel_error_keeps_its_kind_until_the_channel_sends()
    {
        var digest = await Outbox.CreateAsync(Digest(channels: ["wecom", "email"]), CancellationToken.None);

        await Outbox.UpdateChannelAsync(digest.Id, "wecom", GaveUp(1) with { ErrorKind = ChannelErrorKind.Refused }, CancellationToken.None);
        await Outbox.UpdateChannelAsync(digest.Id, "email", Retrying(1) with { ErrorKind = ChannelErrorKind.Unreachable }, CancellationToken.None);
        var failed = Assert.Single(await ListAllAsync(null));
        await Outbox.UpdateChannelAsync(digest.Id, "email", Sent(2), CancellationToken.None);
        var sent = Assert.Single(await ListAllAsync(null));

        Assert.Equal(ChannelErrorKind.Refused, failed.Channels["wecom"].ErrorKind);
        Assert.Equal(ChannelErrorKind.Unreachable, failed.Channels["email"].ErrorKind);
        Assert.Null(sent.Channels["email"].ErrorKind);
        Assert.Null(sent.Channels["email"].Error);
        Assert.Equal(ChannelErrorKind.Refused, sent.Channels["wecom"].ErrorKind); // the other channel's untouched
    }

    [Fact]
    public async Task The_newest_digests_come_first_and_no_more_than_asked()
    {
        await Outbox.CreateAsync(Digest("张老师", Day1, Day2), CancellationToken.None);
        await Outbox.CreateAsync(Digest("alert:office", Day2, Day2.AddMinutes(5)), CancellationToken.None);
        await Outbox.CreateAsync(Digest("张老师", Day2, Day3), CancellationToken.None);
        await Outbox.CreateAsync(Digest("王主任", Day1, Day2.AddHours(1), channels: ["email"]), CancellationToken.None);

        var newest = await Outbox.NewestAsync(3, CancellationToken.None);

        Assert.Equal([Day3, Day2.AddHours(1), Day2.AddMinutes(5)], newest.Select(d => d.PeriodTo));
        Assert.Equal(["email"], newest[1].Channels.Keys);
        Assert.Empty(await Outbox.NewestAsync(0, CancellationToken.None));
    }

    [Theory]
    [InlineData(RetentionMode.Delete)]
    [InlineData(RetentionMode.Mask)]
    public async Task Retention_takes_the_text_of_old_digests_but_not_of_one_still_being_sent(RetentionMode mode)
    {
        var first = await Outbox.CreateAsync(Digest("张老师", Day1, Day2), CancellationToken.None);
        var latest = await Outbox.CreateAsync(Digest("张老师", Day2, Day3), CancellationToken.None);
        var sending = await Outbox.CreateAsync(Digest("王主任", Day1, Day2, channels: ["email"]), CancellationToken.None);
        var recent = await Outbox.CreateAsync(Digest("王主任", Day3, Day4, channels: ["email"]), CancellationToken.None);
        foreach (var sent in new[] { first, latest, recent })
        {
            foreach (var channel in sent.Channels.Keys)
            {
                await Outbox.UpdateChannelAsync(sent.Id, channel, Sent(), CancellationToken.None);
            }
        }

        await Outbox.UpdateChannelAsync(sending.Id, "email", Retrying(2), CancellationToken.None);

        await Harness.Store.ApplyRetentionAsync(Day3.AddHours(1), mode, CancellationToken.None);

        var left = (await ListAllAsync(null)).ToDictionary(d => d.Id);
        if (mode == RetentionMode.Delete)
        {
            Assert.DoesNotContain(first.Id, left.Keys);
        }
        else
        {
            Assert.Equal(("", "", ""), (left[first.Id].Markdown, left[first.Id].Text, left[first.Id].Html));
        }

        // A leader's latest stays (the next starts where it ended), without its text.
        Assert.Equal((Day3, "", "", ""), (left[latest.Id].PeriodTo, left[latest.Id].Markdown, left[latest.Id].Text, left[latest.Id].Html));
        Assert.Equal(DigestStatus.Sent, left[latest.Id].Status);

        // Still to be sent, and newer than the cutoff: whole.
        Assert.Equal(sending.Markdown, left[sending.Id].Markdown);
        Assert.Equal(recent.Markdown, left[recent.Id].Markdown);
        Assert.NotEqual("", recent.Markdown);
    }

    [Fact]
    public async Task A_channel_is_claimed_by_one_sender_until_its_claim_runs_out_or_its_outcome_is_recorded()
    {
        var digest = await Outbox.CreateAsync(Digest(channels: ["wecom", "email"]), CancellationToken.None);
        var now = Day2.AddMinutes(1);
        var other = Harness.CreateOutboxOfAnotherInstance(); // a second instance on the same database

        Assert.True(await Outbox.ClaimChannelAsync(digest.Id, "wecom", "a", now, now.AddMinutes(5), CancellationToken.None));
        Assert.False(await other.ClaimChannelAsync(digest.Id, "wecom", "b", now.AddSeconds(1), now.AddMinutes(6), CancellationToken.None));
        Assert.True(await other.ClaimChannelAsync(digest.Id, "email", "b", now.AddSeconds(1), now.AddMinutes(6), CancellationToken.None)); // each channel alone

        // A failure recorded ends the claim: the retry may claim it at once.
        await Outbox.UpdateChannelAsync(digest.Id, "wecom", Retrying(1), CancellationToken.None);
        Assert.True(await other.ClaimChannelAsync(digest.Id, "wecom", "b", now.AddSeconds(2), now.AddMinutes(7), CancellationToken.None));

        // A claim whose holder died runs out.
        Assert.False(await Outbox.ClaimChannelAsync(digest.Id, "wecom", "a", now.AddMinutes(6), now.AddMinutes(11), CancellationToken.None));
        Assert.True(await Outbox.ClaimChannelAsync(digest.Id, "wecom", "a", now.AddMinutes(7), now.AddMinutes(12), CancellationToken.None));

        // A sent channel is never claimed again.
        await Outbox.UpdateChannelAsync(digest.Id, "wecom", Sent(2), CancellationToken.None);
        Assert.False(await other.ClaimChannelAsync(digest.Id, "wecom", "b", now.AddHours(1), now.AddHours(2), CancellationToken.None));
    }

    [Fact]
    public async Task A_failure_recorded_with_a_backoff_keeps_every_instance_from_the_channel_until_it_ends()
    {
        var digest = await Outbox.CreateAsync(Digest(channels: ["wecom"]), CancellationToken.None);
        var now = Day2.AddMinutes(1);
        var other = Harness.CreateOutboxOfAnotherInstance();
        Assert.True(await Outbox.ClaimChannelAsync(digest.Id, "wecom", "a", now, now.AddMinutes(5), CancellationToken.None));

        await Outbox.UpdateChannelAsync(digest.Id, "wecom", Retrying(1) with { RetryNotBefore = now.AddMinutes(2) }, CancellationToken.None);
        var released = await other.ReleaseClaimsAsync(_ => true, CancellationToken.None); // a backoff is nobody's claim to release

        Assert.Equal(0, released);
        Assert.False(await other.ClaimChannelAsync(digest.Id, "wecom", "b", now.AddMinutes(1), now.AddMinutes(6), CancellationToken.None));
        Assert.False(await Outbox.ClaimChannelAsync(digest.Id, "wecom", "a", now.AddMinutes(1), now.AddMinutes(6), CancellationToken.None));
        Assert.True(await other.ClaimChannelAsync(digest.Id, "wecom", "b", now.AddMinutes(2), now.AddMinutes(7), CancellationToken.None));
    }

    [Fact]
    public async Task Claims_of_a_holder_that_is_gone_are_released_and_the_others_kept()
    {
        var digest = await Outbox.CreateAsync(Digest(channels: ["wecom", "email", "ding"]), CancellationToken.None);
        var now = Day2.AddMinutes(1);
        Assert.True(await Outbox.ClaimChannelAsync(digest.Id, "wecom", "dead", now, now.AddMinutes(5), CancellationToken.None));
        Assert.True(await Outbox.ClaimChannelAsync(digest.Id, "email", "dead", now, now.AddMinutes(5), CancellationToken.None));
        Assert.True(await Outbox.ClaimChannelAsync(digest.Id, "ding", "alive", now, now.AddMinutes(5), CancellationToken.None));

        Assert.Equal(2, await Outbox.ReleaseClaimsAsync(h => h == "dead", CancellationToken.None));

        Assert.True(await Outbox.ClaimChannelAsync(digest.Id, "wecom", "next", now.AddSeconds(1), now.AddMinutes(6), CancellationToken.None));
        Assert.True(await Outbox.ClaimChannelAsync(digest.Id, "email", "next", now.AddSeconds(1), now.AddMinutes(6), CancellationToken.None));
        Assert.False(await Outbox.ClaimChannelAsync(digest.Id, "ding", "next", now.AddSeconds(1), now.AddMinutes(6), CancellationToken.None));
        Assert.Equal(0, await Outbox.ReleaseClaimsAsync(h => h == "dead", CancellationToken.None));
    }

    [Fact]
    public async Task A_new_digest_is_stored_pending_with_every_channel_pending_and_untried()
    {
        var stored = await Outbox.CreateAsync(Digest(channels: ["wecom", "dingtalk", "email"]), CancellationToken.None);

        Assert.True(stored.Id > 0);
        Assert.Equal(DigestStatus.Pending, stored.Status);
        Assert.Equal(["dingtalk", "email", "wecom"], stored.Channels.Keys.Order(StringComparer.Ordinal));
        // Whatever outcome the caller passed in, a new channel starts from nothing.
        Assert.All(stored.Channels.Values, c => Assert.Equal(new ChannelOutcome(ChannelStatus.Pending, 0, null, null), c));
        Assert.Equal((Day1, Day2), (stored.PeriodFrom, stored.PeriodTo));
        Assert.Equal(TimeSpan.Zero, stored.PeriodTo.Offset);
        Assert.Equal(Day2.AddMinutes(1), stored.CreatedAt);
    }

    [Fact]
    public async Task Creating_the_same_leader_and_period_end_again_keeps_one_digest_and_returns_the_first()
    {
        var first = await Outbox.CreateAsync(Digest(title: "第一次"), CancellationToken.None);
        await Outbox.UpdateChannelAsync(first.Id, "wecom", Sent(), CancellationToken.None);

        // A misfire or restart builds the digest again, with other content and channels.
        var again = await Outbox.CreateAsync(
            Digest(from: Day1.AddHours(1), title: "第二次", incidentIds: [7], channels: ["feishu"]),
            CancellationToken.None);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal("第一次", again.Title);
        Assert.Equal(Day1, again.PeriodFrom);
        Assert.Equal([1L, 2, 3], again.IncidentIds);
        Assert.Equal(["email", "wecom"], again.Channels.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ChannelStatus.Sent, again.Channels["wecom"].Status); // progress is kept, not reset
        using var db = Harness.OpenRaw();
        Assert.Equal(1, db.ExecuteScalar<long>("SELECT COUNT(*) FROM digests"));
        Assert.Equal(2, db.ExecuteScalar<long>("SELECT COUNT(*) FROM digest_channels"));
    }

    [Fact]
    public async Task A_second_instance_on_the_same_database_gets_the_digest_the_first_stored()
    {
        var first = await Outbox.CreateAsync(Digest(title: "实例一"), CancellationToken.None);

        var second = await Harness.CreateOutboxOfAnotherInstance().CreateAsync(Digest(title: "实例二"), CancellationToken.None);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(("实例一", first.Markdown, first.CreatedAt), (second.Title, second.Markdown, second.CreatedAt));
        Assert.Equal(first.IncidentIds, second.IncidentIds);
        Assert.Equal(first.Channels, second.Channels);
    }

    [Fact]
    public async Task Two_instances_creating_the_same_period_at_once_make_exactly_one_digest()
    {
        var instances = new[] { Outbox, Harness.CreateOutboxOfAnotherInstance(), Harness.CreateOutboxOfAnotherInstance() };

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(() => instances[i % instances.Length].CreateAsync(Digest(title: $"第{i}次"), CancellationToken.None))));

        Assert.Single(results.Select(r => r.Id).Distinct());
        Assert.Single(results.Select(r => r.Title).Distinct());
        using var db = Harness.OpenRaw();
        Assert.Equal(1, db.ExecuteScalar<long>("SELECT COUNT(*) FROM digests"));
        Assert.Equal(2, db.ExecuteScalar<long>("SELECT COUNT(*) FROM digest_channels"));
    }

    [Fact]
    public async Task A_period_overlapping_a_stored_one_of_the_leader_gets_the_stored_one_and_the_next_period_is_new()
    {
        // One instance ended an alert at 10:05; another, which had seen one more incident, at 10:07.
        var first = await Outbox.CreateAsync(Digest(leader: "alert:fraud", from: Day1, to: Day1.AddMinutes(5), title: "先到"), CancellationToken.None);
        var other = await Harness.CreateOutboxOfAnotherInstance().CreateAsync(
            Digest(leader: "alert:fraud", from: Day1, to: Day1.AddMinutes(7), title: "后到"), CancellationToken.None);
        var inside = await Outbox.CreateAsync(Digest(leader: "alert:fraud", from: Day1.AddMinutes(1), to: Day1.AddMinutes(2)), CancellationToken.None);
        var next = await Outbox.CreateAsync(Digest(leader: "alert:fraud", from: Day1.AddMinutes(5), to: Day1.AddMinutes(9), title: "下一条"), CancellationToken.None);
        var elsewhere = await Outbox.CreateAsync(Digest(leader: "alert:gambling", from: Day1, to: Day1.AddMinutes(7)), CancellationToken.None);

        Assert.Equal(first.Id, other.Id);
        Assert.Equal(("先到", Day1.AddMinutes(5)), (other.Title, other.PeriodTo));
        Assert.Equal(first.Id, inside.Id);
        Assert.NotEqual(first.Id, next.Id);
        Assert.Equal("下一条", next.Title);
        Assert.Equal(Day1.AddMinutes(7), elsewhere.PeriodTo);
        Assert.Equal(["先到", "下一条"], (await ListAllAsync("alert:fraud")).Select(r => r.Title));
    }

    [Fact]
    public async Task Instances_creating_overlapping_periods_at_once_make_exactly_one()
    {
        var instances = new[] { Outbox, Harness.CreateOutboxOfAnotherInstance(), Harness.CreateOutboxOfAnotherInstance() };

        for (var round = 0; round < 10; round++)
        {
            var from = Day1.AddHours(round);
            var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
                instances[i % instances.Length].CreateAsync(Digest(leader: "alert:fraud", from: from, to: from.AddMinutes(1 + i), title: $"第{i}"), CancellationToken.None))));

            Assert.Single(results.Select(r => r.Id).Distinct());
        }

        Assert.Equal(10, (await ListAllAsync("alert:fraud")).Count);
    }

    /// <summary>
    /// An alert that said 待处置 keeps those incidents and is owed its follow-up until one is stored
    /// under the rule's follow-up key with its period, by any instance; the follow-up is stored once.
    /// </summary>
    [Fact]
    public async Task An_alert_that_said_pending_is_owed_its_follow_up_until_one_is_stored_for_its_period()
    {
        var old = await Outbox.CreateAsync(Digest("alert:office", Day1, Day1.AddMinutes(1)) with { PendingIds = [1] }, CancellationToken.None);
        var waitedForNothing = await Outbox.CreateAsync(Digest("alert:office", Day2, Day2.AddMinutes(1)), CancellationToken.None);
        var owed = await Outbox.CreateAsync(Digest("alert:office", Day2.AddMinutes(1), Day2.AddMinutes(2), channels: ["wecom"]) with { PendingIds = [12, 15] }, CancellationToken.None);
        var otherRule = await Outbox.CreateAsync(Digest("alert:grade2", Day2, Day2.AddMinutes(2)) with { PendingIds = [16] }, CancellationToken.None);

        var waiting = await Outbox.AwaitingFollowUpAsync("alert:office", "alert-followup:office", Day2, CancellationToken.None);

        var alert = Assert.Single(waiting);
        Assert.Equal(owed.Id, alert.Id);
        Assert.Equal([12L, 15], alert.PendingIds);
        Assert.Equal(["wecom"], alert.Channels.Keys);
        Assert.Equal([12L, 15], (await ListAllAsync("alert:office")).Single(d => d.Id == owed.Id).PendingIds);
        Assert.Empty((await ListAllAsync("alert:office")).Single(d => d.Id == waitedForNothing.Id).PendingIds);
        Assert.Equal([old.Id, owed.Id], (await Outbox.AwaitingFollowUpAsync("alert:office", "alert-followup:office", Day1.AddDays(-1), CancellationToken.None)).Select(d => d.Id));

        // Two instances store the follow-up at once: one is kept, and the alert is owed nothing more.
        var followUps = await Task.WhenAll(new[] { Outbox, Harness.CreateOutboxOfAnotherInstance() }.Select(outbox =>
            outbox.CreateAsync(Digest("alert-followup:office", owed.PeriodFrom, owed.PeriodTo, title: "跟进", channels: ["wecom"]), CancellationToken.None)));

        Assert.Equal(followUps[0].Id, followUps[1].Id);
        Assert.Empty(await Outbox.AwaitingFollowUpAsync("alert:office", "alert-followup:office", Day2, CancellationToken.None));
        Assert.Single(await Outbox.AwaitingFollowUpAsync("alert:grade2", "alert-followup:grade2", Day2, CancellationToken.None), d => d.Id == otherRule.Id);
        Assert.Single(await ListAllAsync("alert-followup:office"));
    }

    [Fact]
    public async Task Each_leader_has_its_own_digest_for_the_same_period()
    {
        var zhang = await Outbox.CreateAsync(Digest(leader: "张老师"), CancellationToken.None);
        var li = await Outbox.CreateAsync(Digest(leader: "李老师"), CancellationToken.None);

        Assert.NotEqual(zhang.Id, li.Id);
        Assert.Equal("李老师", li.Leader);
    }

    public static TheoryData<string[], string> Outcomes => new()
    {
        { ["sent", "sent"], "sent" },
        { ["sent", "pending"], "pending" },
        { ["sent", "retrying"], "pending" },
        { ["failed", "retrying"], "pending" },
        { ["sent", "failed"], "partial" },
        { ["failed", "failed"], "failed" },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task The_digest_status_follows_its_channels(string[] outcomes, string expected)
    {
        var digest = await Outbox.CreateAsync(Digest(channels: ["wecom", "email"]), CancellationToken.None);

        foreach (var (channel, outcome) in new[] { "wecom", "email" }.Zip(outcomes))
        {
            await Outbox.UpdateChannelAsync(
                digest.Id,
                channel,
                outcome switch
                {
                    "sent" => Sent(),
                    "retrying" => Retrying(2),
                    "failed" => GaveUp(3),
                    _ => new ChannelOutcome(ChannelStatus.Pending, 0, null, null),
                },
                CancellationToken.None);
        }

        Assert.Equal(expected, WireNames<DigestStatus>.ToText(Assert.Single(await ListAllAsync(null)).Status));
    }

    [Fact]
    public async Task A_digest_goes_from_pending_through_retries_to_sent_with_each_outcome_recorded()
    {
        var digest = await Outbox.CreateAsync(Digest(channels: ["wecom", "email"]), CancellationToken.None);

        await Outbox.UpdateChannelAsync(digest.Id, "wecom", Sent(), CancellationToken.None);
        await Outbox.UpdateChannelAsync(digest.Id, "email", Retrying(1, "SMTP 451 请稍后再试"), CancellationToken.None);
        var halfway = Assert.Single(await ListAllAsync("张老师"));
        await Outbox.UpdateChannelAsync(digest.Id, "email", Sent(attempts: 2), CancellationToken.None);
        var done = Assert.Single(await ListAllAsync("张老师"));

        Assert.Equal(DigestStatus.Pending, halfway.Status);
        Assert.Equal(new ChannelOutcome(ChannelStatus.Pending, 1, "SMTP 451 请稍后再试", null), halfway.Channels["email"]);
        Assert.Equal(DigestStatus.Sent, done.Status);
        Assert.Equal(new ChannelOutcome(ChannelStatus.Sent, 1, null, Day2.AddMinutes(2)), done.Channels["wecom"]);
        Assert.Equal(new ChannelOutcome(ChannelStatus.Sent, 2, null, Day2.AddMinutes(2)), done.Channels["email"]);
    }

    [Fact]
    public async Task The_parts_a_channel_delivered_are_kept_apart_from_its_outcome_only_rising_and_never_once_sent()
    {
        var digest = await Outbox.CreateAsync(Digest(channels: ["wecom", "email"]), CancellationToken.None);
        Assert.Equal(0, await Outbox.PartsDeliveredAsync(digest.Id, "wecom", CancellationToken.None));

        // Part 1 arrived, part 2 was refused: the failure leaves the count, and a retry reads it.
        await Outbox.RecordPartsDeliveredAsync(digest.Id, "wecom", 1, CancellationToken.None);
        await Outbox.UpdateChannelAsync(digest.Id, "wecom", Retrying(1, "errcode 45009"), CancellationToken.None);
        Assert.Equal(1, await Harness.CreateOutboxOfAnotherInstance().PartsDeliveredAsync(digest.Id, "wecom", CancellationToken.None));
        Assert.Equal(1, Assert.Single(await ListAllAsync(null)).Channels["wecom"].PartsDelivered);
        Assert.Equal(0, await Outbox.PartsDeliveredAsync(digest.Id, "email", CancellationToken.None));

        // A late record of an earlier try does not lower it.
        await Outbox.RecordPartsDeliveredAsync(digest.Id, "wecom", 3, CancellationToken.None);
        await Outbox.RecordPartsDeliveredAsync(digest.Id, "wecom", 2, CancellationToken.None);
        Assert.Equal(3, await Outbox.PartsDeliveredAsync(digest.Id, "wecom", CancellationToken.None));

        // Once sent, it stays as it was when the channel was done.
        await Outbox.UpdateChannelAsync(digest.Id, "wecom", Sent(2), CancellationToken.None);
        await Outbox.RecordPartsDeliveredAsync(digest.Id, "wecom", 9, CancellationToken.None);
        var stored = Assert.Single(await ListAllAsync(null));
        Assert.Equal(Sent(2) with { PartsDelivered = 3 }, stored.Channels["wecom"]);
        Assert.Equal(0, stored.Channels["email"].PartsDelivered);
        Assert.Equal(0, await Outbox.PartsDeliveredAsync(4242, "wecom", CancellationToken.None));
    }

    [Fact]
    public async Task A_sent_channel_stays_sent_when_a_late_failure_is_recorded_so_it_is_not_sent_twice()
    {
        var digest = await Outbox.CreateAsync(Digest(channels: ["wecom"]), CancellationToken.None);
        await Outbox.UpdateChannelAsync(digest.Id, "wecom", Sent(), CancellationToken.None);

        // Another instance's attempt at the same channel failed after this one got through.
        await Harness.CreateOutboxOfAnotherInstance().UpdateChannelAsync(digest.Id, "wecom", Retrying(2), CancellationToken.None);

        var stored = Assert.Single(await ListAllAsync(null));
        Assert.Equal(DigestStatus.Sent, stored.Status);
        Assert.Equal(ChannelStatus.Sent, stored.Channels["wecom"].Status);
        Assert.Empty(await Outbox.UnfinishedAsync(5, CancellationToken.None));
    }

    [Fact]
    public async Task An_outcome_for_a_channel_the_digest_did_not_start_with_is_added()
    {
        var digest = await Outbox.CreateAsync(Digest(channels: ["wecom"]), CancellationToken.None);
        await Outbox.UpdateChannelAsync(digest.Id, "wecom", Sent(), CancellationToken.None);

        await Outbox.UpdateChannelAsync(digest.Id, "qq-dm", GaveUp(3, "机器人不是好友"), CancellationToken.None);

        var stored = Assert.Single(await ListAllAsync(null));
        Assert.Equal(DigestStatus.Partial, stored.Status);
        Assert.Equal(new ChannelOutcome(ChannelStatus.Failed, 3, "机器人不是好友", null), stored.Channels["qq-dm"]);
    }

    [Fact]
    public async Task An_outcome_for_a_digest_not_in_the_outbox_fails_and_records_nothing()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Outbox.UpdateChannelAsync(4242, "wecom", Sent(), CancellationToken.None));

        Assert.Contains("4242", ex.Message, StringComparison.Ordinal);
        using var db = Harness.OpenRaw();
        Assert.Equal(0, db.ExecuteScalar<long>("SELECT COUNT(*) FROM digest_channels"));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(-1)]
    public async Task A_channel_status_other_than_pending_sent_or_failed_is_refused(int status)
    {
        var digest = await Outbox.CreateAsync(Digest(channels: ["wecom"]), CancellationToken.None);

        await Assert.ThrowsAsync<ArgumentException>(
            () => Outbox.UpdateChannelAsync(digest.Id, "wecom", new ChannelOutcome((ChannelStatus)status, 1, null, null), CancellationToken.None));

        Assert.Equal(ChannelStatus.Pending, Assert.Single(await ListAllAsync(null)).Channels["wecom"].Status);
    }

    [Fact]
    public async Task Unfinished_digests_are_those_with_a_pending_channel_or_a_failed_one_with_attempts_left()
    {
        var untried = await Outbox.CreateAsync(Digest(to: Day2), CancellationToken.None);
        var retrying = await Outbox.CreateAsync(Digest(from: Day2, to: Day3), CancellationToken.None);
        await Outbox.UpdateChannelAsync(retrying.Id, "wecom", Sent(), CancellationToken.None);
        await Outbox.UpdateChannelAsync(retrying.Id, "email", Retrying(4), CancellationToken.None);
        var failedTwice = await Outbox.CreateAsync(Digest(from: Day3, to: Day4), CancellationToken.None);
        await Outbox.UpdateChannelAsync(failedTwice.Id, "wecom", Sent(), CancellationToken.None);
        await Outbox.UpdateChannelAsync(failedTwice.Id, "email", GaveUp(2), CancellationToken.None);
        var done = await Outbox.CreateAsync(Digest(from: Day4, to: Day4.AddDays(1)), CancellationToken.None);
        await Outbox.UpdateChannelAsync(done.Id, "wecom", Sent(), CancellationToken.None);
        await Outbox.UpdateChannelAsync(done.Id, "email", Sent(), CancellationToken.None);

        var withThree = await Outbox.UnfinishedAsync(3, CancellationToken.None);
        var withTwo = await Outbox.UnfinishedAsync(2, CancellationToken.None);

        // A pending channel is always unfinished, whatever its attempts; a failed one only under the limit.
        Assert.Equal([untried.Id, retrying.Id, failedTwice.Id], withThree.Select(d => d.Id));
        Assert.Equal([untried.Id, retrying.Id], withTwo.Select(d => d.Id));
        // The sender gets every channel, so it can skip the ones already sent.
        var partial = withThree.Single(d => d.Id == failedTwice.Id);
        Assert.Equal(DigestStatus.Partial, partial.Status);
        Assert.Equal(ChannelStatus.Sent, partial.Channels["wecom"].Status);
        Assert.Equal(GaveUp(2), partial.Channels["email"]);
        Assert.Equal("群管日报 3月1日", partial.Title);
        Assert.Equal([1L, 2, 3], partial.IncidentIds);
    }

    [Fact]
    public async Task The_last_period_end_is_the_latest_of_the_leader_or_null_before_the_first()
    {
        Assert.Null(await Outbox.LastPeriodEndAsync("张老师", CancellationToken.None));

        await Outbox.CreateAsync(Digest(from: Day2, to: Day3), CancellationToken.None);
        await Outbox.CreateAsync(Digest(from: Day1, to: Day2), CancellationToken.None); // a late catch-up
        await Outbox.CreateAsync(Digest(leader: "李老师", from: Day3, to: Day4), CancellationToken.None);

        Assert.Equal(Day3, await Outbox.LastPeriodEndAsync("张老师", CancellationToken.None));
        Assert.Equal(Day4, await Outbox.LastPeriodEndAsync("李老师", CancellationToken.None));
        Assert.Null(await Outbox.LastPeriodEndAsync("王老师", CancellationToken.None));
    }

    [Fact]
    public async Task The_first_period_start_is_the_start_of_the_leader_s_earliest_digest_or_null_before_the_first()
    {
        Assert.Null(await Outbox.FirstPeriodStartAsync("张老师", CancellationToken.None));

        await Outbox.CreateAsync(Digest(from: Day2, to: Day3), CancellationToken.None);
        await Outbox.CreateAsync(Digest(from: Day1.AddHours(6), to: Day2), CancellationToken.None); // a late catch-up
        await Outbox.CreateAsync(Digest(leader: "李老师", from: Day1, to: Day4), CancellationToken.None);

        Assert.Equal(Day1.AddHours(6), await Outbox.FirstPeriodStartAsync("张老师", CancellationToken.None));
        Assert.Equal(Day1, await Outbox.FirstPeriodStartAsync("李老师", CancellationToken.None));
        Assert.Null(await Outbox.FirstPeriodStartAsync("王老师", CancellationToken.None));
    }

    [Fact]
    public async Task The_latest_digest_of_a_leader_comes_with_its_channels()
    {
        Assert.Null(await Outbox.LatestAsync("张老师", CancellationToken.None));

        var later = await Outbox.CreateAsync(Digest(from: Day2, to: Day3, channels: ["wecom", "file"]), CancellationToken.None);
        await Outbox.CreateAsync(Digest(from: Day1, to: Day2), CancellationToken.None); // a late catch-up
        await Outbox.CreateAsync(Digest(leader: "李老师", from: Day3, to: Day4), CancellationToken.None);
        await Outbox.UpdateChannelAsync(later.Id, "wecom", GaveUp(5), CancellationToken.None);

        var latest = await Outbox.LatestAsync("张老师", CancellationToken.None);

        Assert.Equal(later.Id, latest!.Id);
        Assert.Equal(ChannelStatus.Failed, latest.Channels["wecom"].Status);
        Assert.Equal(ChannelStatus.Pending, latest.Channels["file"].Status);
        Assert.Null(await Outbox.LatestAsync("王老师", CancellationToken.None));
    }

    [Fact]
    public async Task The_latest_deliveries_are_each_named_leader_s_latest_digest_with_its_channels_and_without_its_contents()
    {
        Assert.Empty(await Outbox.LatestDeliveriesAsync(["张老师"], CancellationToken.None));

        var later = await Outbox.CreateAsync(Digest(from: Day2, to: Day3, channels: ["wecom", "file"]), CancellationToken.None);
        await Outbox.CreateAsync(Digest(from: Day1, to: Day2), CancellationToken.None); // a late catch-up
        var alert = await Outbox.CreateAsync(Digest(leader: "alert:office", from: Day1, to: Day1.AddMinutes(5), channels: ["wecom"]), CancellationToken.None);
        await Outbox.CreateAsync(Digest(leader: "李老师", from: Day3, to: Day4), CancellationToken.None); // not asked for
        await Outbox.UpdateChannelAsync(later.Id, "wecom", Retrying(1), CancellationToken.None);
        await Outbox.UpdateChannelAsync(later.Id, "file", Sent(), CancellationToken.None);
        await Outbox.UpdateChannelAsync(alert.Id, "wecom", Sent(), CancellationToken.None);

        // Read by another instance (or the next start): from the database, not from memory.
        var latest = await Harness.CreateOutboxOfAnotherInstance().LatestDeliveriesAsync(["张老师", "alert:office", "王老师", "张老师"], CancellationToken.None);

        Assert.Equal(new[] { later.Id, alert.Id }.Order(), latest.Select(d => d.Id).Order());
        var zhang = latest.Single(d => d.Leader == "张老师");
        Assert.Equal((Day2, Day3, DigestStatus.Pending), (zhang.PeriodFrom, zhang.PeriodTo, zhang.Status));
        Assert.Equal(Retrying(1), zhang.Channels["wecom"]);
        Assert.Equal(ChannelStatus.Sent, zhang.Channels["file"].Status);
        Assert.Equal(("", "", "", ""), (zhang.Title, zhang.Markdown, zhang.Text, zhang.Html));
        Assert.Empty(zhang.IncidentIds);
        Assert.Null(zhang.ChartPng);
        Assert.Equal(DigestStatus.Sent, latest.Single(d => d.Leader == "alert:office").Status);
        Assert.Empty(await Outbox.LatestDeliveriesAsync([], CancellationToken.None));
    }

    [Fact]
    public async Task A_failed_digest_still_counts_as_its_period_done()
    {
        var digest = await Outbox.CreateAsync(Digest(channels: ["wecom"]), CancellationToken.None);
        await Outbox.UpdateChannelAsync(digest.Id, "wecom", GaveUp(5), CancellationToken.None);

        Assert.Equal(Day2, await Outbox.LastPeriodEndAsync("张老师", CancellationToken.None));
        Assert.Equal(digest.Id, (await Outbox.CreateAsync(Digest(channels: ["wecom"]), CancellationToken.None)).Id);
    }

    [Fact]
    public async Task The_outbox_lists_by_period_end_with_content_channels_and_incident_ids_as_stored()
    {
        var markdown = "## 群管日报 🛡️\n| 群 | 条数 |\n|---|---|\n| 家长群👨‍👩‍👧 | 3 |\n> 「加微信」×2\r\n末行";
        var third = await Outbox.CreateAsync(Digest(from: Day3, to: Day4, incidentIds: [long.MaxValue, 42]), CancellationToken.None);
        var first = await Outbox.CreateAsync(Digest(from: Day1, to: Day2, incidentIds: []) with { Markdown = markdown }, CancellationToken.None);
        var other = await Outbox.CreateAsync(Digest(leader: "李老师", from: Day1.AddHours(12), to: Day2.AddHours(12)), CancellationToken.None);
        var second = await Outbox.CreateAsync(Digest(from: Day2, to: Day3, channels: ["file"]), CancellationToken.None);
        await Outbox.UpdateChannelAsync(second.Id, "file", Sent(), CancellationToken.None);

        var zhang = await ListAllAsync("张老师");
        var everyone = await ListAllAsync(null);

        Assert.Equal([first.Id, second.Id, third.Id], zhang.Select(d => d.Id));
        Assert.Equal([first.Id, other.Id, second.Id, third.Id], everyone.Select(d => d.Id));
        Assert.Equal(markdown, zhang[0].Markdown);
        Assert.Empty(zhang[0].IncidentIds);
        Assert.Equal([long.MaxValue, 42], zhang[2].IncidentIds);
        Assert.Equal("<h2>群管日报</h2><p>广告 3 条 &amp; 诈骗 1 条</p>", zhang[2].Html);
        Assert.Equal("群管日报：广告 3 条，诈骗 1 条", zhang[2].Text);
        Assert.Equal(["email", "wecom"], zhang[2].Channels.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(DigestStatus.Sent, zhang[1].Status);
        Assert.Equal(Sent(), Assert.Single(zhang[1].Channels).Value);
        Assert.Empty(await ListAllAsync("王老师"));
    }

    [Fact]
    public async Task A_digest_keeps_its_chart_byte_for_byte_and_one_without_a_chart_stays_without()
    {
        byte[] chart = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x00, 0x0D, 0x0A, 0xFF, 0x00];
        var created = await Outbox.CreateAsync(Digest(channels: ["email"]) with { ChartPng = chart }, CancellationToken.None);
        var plain = await Outbox.CreateAsync(Digest(from: Day2, to: Day3, channels: ["email"]), CancellationToken.None);

        // A second attempt at the same period (a retry, another instance) gets the first chart back, not its own.
        var again = await Outbox.CreateAsync(Digest(channels: ["email"]) with { ChartPng = [1, 2, 3] }, CancellationToken.None);
        var unfinished = await Outbox.UnfinishedAsync(5, CancellationToken.None);
        var listed = await ListAllAsync("张老师");
        var latest = await Outbox.LatestAsync("张老师", CancellationToken.None);

        Assert.Equal(chart, created.ChartPng);
        Assert.Equal(chart, again.ChartPng);
        Assert.Equal(chart, unfinished.Single(d => d.Id == created.Id).ChartPng);
        Assert.Equal(chart, listed.Single(d => d.Id == created.Id).ChartPng);
        Assert.Equal(chart, created.ToDocument().ChartPng);
        Assert.Null(plain.ChartPng);
        Assert.Null(latest!.ChartPng);
        Assert.Null(unfinished.Single(d => d.Id == plain.Id).ToDocument().ChartPng);
    }

    [Fact]
    public async Task A_digest_without_channels_is_kept_and_has_nothing_left_to_send()
    {
        var stored = await Outbox.CreateAsync(Digest() with { Channels = new Dictionary<string, ChannelOutcome>() }, CancellationToken.None);

        Assert.Equal(DigestStatus.Sent, stored.Status);
        Assert.Empty(stored.Channels);
        Assert.Empty(await Outbox.UnfinishedAsync(3, CancellationToken.None));
        Assert.Equal(stored.Id, Assert.Single(await ListAllAsync(null)).Id);
    }

    [Fact]
    public async Task A_period_that_ends_before_it_starts_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Outbox.CreateAsync(Digest(from: Day2, to: Day1), CancellationToken.None));

        Assert.Null(await Outbox.LastPeriodEndAsync("张老师", CancellationToken.None));
    }

    [Fact]
    public async Task Incident_and_outbox_writes_interleaved_from_many_tasks_all_land()
    {
        const int Tasks = 24;
        var writes = Enumerable.Range(0, Tasks).Select(i => Task.Run(async () =>
        {
            await Harness.Store.AddAsync([Samples.Incident(messageId: $"m{i}")], CancellationToken.None);
            var digest = await Outbox.CreateAsync(
                Digest(leader: $"leader-{i % 6}", from: Day1.AddHours(i), to: Day1.AddHours(i + 1)),
                CancellationToken.None);
            await Outbox.UpdateChannelAsync(digest.Id, "wecom", Sent(), CancellationToken.None);
            await Harness.Store.AddMessageCountsAsync([new MessageCount("qq", "123456", Day1, 1)], CancellationToken.None);
            await Outbox.UpdateChannelAsync(digest.Id, "email", GaveUp(3), CancellationToken.None);
        }));

        await Task.WhenAll(writes);

        Assert.Equal(Tasks, (await Harness.QueryAllAsync()).Count);
        var digests = await ListAllAsync(null);
        Assert.Equal(Tasks, digests.Count);
        Assert.All(digests, d => Assert.Equal(DigestStatus.Partial, d.Status));
        var counts = await Harness.Store.GetMessageCountsAsync(Day1, Day2, null, CancellationToken.None);
        Assert.Equal(Tasks, Assert.Single(counts).Count);
    }
}
