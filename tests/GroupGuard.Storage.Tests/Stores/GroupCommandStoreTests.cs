using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Storage.Stores;

namespace GroupGuard.Storage.Tests.Stores;

/// <summary>What commands in the group keep (migration 0008): groups' switches, which incidents a warning was about, a message's incidents.</summary>
public abstract class GroupCommandStoreTests : StoreTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private GroupSwitches Switches => field ??= new GroupSwitches(Harness.Store.Database);

    private SentWarnings Warnings => field ??= new SentWarnings(Harness.Store.Database);

    private CommandClaims Claims => field ??= new CommandClaims(Harness.Store.Database);

    private TrustedMembers Trusted => field ??= new TrustedMembers(Harness.Store.Database);

    /// <summary>
    /// Two instances that both hear a command: the first to claim it carries it out, the other
    /// leaves it; the first's own second look (a redelivery, a replay) finds it its own. Another
    /// message, or the same id at another time (an id a restarted OneBot implementation reuses), is
    /// claimed afresh.
    /// </summary>
    [Fact]
    public async Task A_command_is_claimed_by_the_first_instance_and_left_by_the_others()
    {
        var command = Messages.Group("/gg 状态", id: "9001", time: T0);

        Assert.True(await Claims.ClaimAsync(command, "guard-1", T0, CancellationToken.None));
        Assert.False(await new CommandClaims(Harness.AnotherInstance()).ClaimAsync(command, "guard-2", T0, CancellationToken.None));
        Assert.True(await Claims.ClaimAsync(command, "guard-1", T0.AddSeconds(1), CancellationToken.None));
        Assert.True(await Claims.ClaimAsync(Messages.Group("/gg 状态", id: "9002", time: T0), "guard-2", T0, CancellationToken.None));
        Assert.True(await Claims.ClaimAsync(command with { Time = T0.AddHours(3) }, "guard-2", T0.AddHours(3), CancellationToken.None));
    }

    [Fact]
    public async Task Of_two_instances_claiming_a_command_at_once_exactly_one_wins()
    {
        for (var round = 0; round < 20; round++)
        {
            var command = Messages.Group("/gg 状态", id: $"95{round:00}", time: T0);
            var first = new CommandClaims(Harness.AnotherInstance());
            var second = new CommandClaims(Harness.AnotherInstance());

            var won = await Task.WhenAll(
                Task.Run(() => first.ClaimAsync(command, "guard-1", T0, CancellationToken.None)),
                Task.Run(() => second.ClaimAsync(command, "guard-2", T0, CancellationToken.None)));

            Assert.Single(won, w => w);
        }
    }

    [Fact]
    public async Task A_claim_is_let_go_a_day_on_when_the_next_command_is_claimed()
    {
        var old = Messages.Group("/gg 状态", id: "9101", time: T0);
        await Claims.ClaimAsync(old, "guard-1", T0, CancellationToken.None);

        await Claims.ClaimAsync(Messages.Group("/gg 状态", id: "9102", time: T0.AddDays(1).AddSeconds(1)), "guard-1", T0.AddDays(1).AddSeconds(1), CancellationToken.None);

        // Gone: another instance may claim that message now (no redelivery comes a day late).
        Assert.True(await Claims.ClaimAsync(old, "guard-2", T0.AddDays(1).AddSeconds(2), CancellationToken.None));
    }

    [Fact]
    public async Task A_dry_run_switch_is_set_changed_cleared_and_kept_per_platform_and_group()
    {
        Assert.Null(await Switches.GetDryRunAsync("qq", "111", CancellationToken.None));

        await Switches.SetDryRunAsync("qq", "111", true, T0, "qq:20001", CancellationToken.None);
        await Switches.SetDryRunAsync("wechat", "111", false, T0, "console:admin", CancellationToken.None);

        Assert.True(await Switches.GetDryRunAsync("qq", "111", CancellationToken.None));
        Assert.False(await Switches.GetDryRunAsync("wechat", "111", CancellationToken.None));
        Assert.Null(await Switches.GetDryRunAsync("qq", "222", CancellationToken.None));

        await Switches.SetDryRunAsync("qq", "111", false, T0.AddMinutes(1), "qq:20003", CancellationToken.None);
        Assert.False(await Switches.GetDryRunAsync("qq", "111", CancellationToken.None));
        await Switches.SetDryRunAsync("wechat", "111", null, T0.AddMinutes(2), null, CancellationToken.None);
        Assert.Null(await Switches.GetDryRunAsync("wechat", "111", CancellationToken.None));

        var all = await Switches.ListAsync(CancellationToken.None);
        Assert.Equal(
            [new GroupSwitch("qq", "111", false, T0.AddMinutes(1), "qq:20003"), new GroupSwitch("wechat", "111", null, T0.AddMinutes(2), null)],
            all);
    }

    [Fact]
    public async Task A_switch_outlasts_a_restart_of_the_store()
    {
        await Switches.SetDryRunAsync("qq", "111", true, T0, "qq:20001", CancellationToken.None);

        var again = new GroupSwitches(Harness.AnotherInstance());

        Assert.True(await again.GetDryRunAsync("qq", "111", CancellationToken.None));
    }

    [Fact]
    public async Task Members_are_trusted_per_platform_and_group_and_untrusted_again()
    {
        var first = await Trusted.TrustAsync("qq", "111", ["20001", "20002", "20001"], 200, T0, "qq:10001", CancellationToken.None);
        var again = await Trusted.TrustAsync("qq", "111", ["20002", "20003"], 200, T0.AddMinutes(1), "console:admin", CancellationToken.None);
        await Trusted.TrustAsync("wechat", "111", ["20001"], 200, T0, null, CancellationToken.None);

        Assert.Equal(["20001", "20002"], first.Added);
        Assert.Empty(first.Already);
        Assert.Equal(2, first.Count);
        Assert.Equal(["20003"], again.Added);
        Assert.Equal(["20002"], again.Already);
        Assert.Equal(3, again.Count);
        Assert.True(await Trusted.IsTrustedAsync("qq", "111", "20001", CancellationToken.None));
        Assert.False(await Trusted.IsTrustedAsync("qq", "222", "20001", CancellationToken.None));
        Assert.False(await Trusted.IsTrustedAsync("qq", "111", "20004", CancellationToken.None));
        Assert.Equal(
            [
                new TrustedMember("qq", "111", "20001", T0, "qq:10001"),
                new TrustedMember("qq", "111", "20002", T0, "qq:10001"),
                new TrustedMember("qq", "111", "20003", T0.AddMinutes(1), "console:admin"),
            ],
            await Trusted.ListAsync("qq", "111", CancellationToken.None));

        var removed = await Trusted.UntrustAsync("qq", "111", ["20001", "20004"], CancellationToken.None);

        Assert.Equal(["20001"], removed);
        Assert.False(await Trusted.IsTrustedAsync("qq", "111", "20001", CancellationToken.None));
        Assert.True(await Trusted.IsTrustedAsync("wechat", "111", "20001", CancellationToken.None));
        Assert.Equal(
            [("qq", "111", "20002"), ("qq", "111", "20003"), ("wechat", "111", "20001")],
            (await Trusted.ListAllAsync(CancellationToken.None)).Select(t => (t.Platform, t.GroupId, t.UserId)));
    }

    /// <summary>A group's list past its bound takes none of a command's members, not the first few; those trusted already are no new ones.</summary>
    [Fact]
    public async Task A_full_group_trusts_no_one_more_and_says_so()
    {
        await Trusted.TrustAsync("qq", "111", ["20001", "20002"], 3, T0, null, CancellationToken.None);

        var over = await Trusted.TrustAsync("qq", "111", ["20003", "20004"], 3, T0, null, CancellationToken.None);
        var known = await Trusted.TrustAsync("qq", "111", ["20001"], 2, T0, null, CancellationToken.None);
        var last = await Trusted.TrustAsync("qq", "111", ["20003"], 3, T0, null, CancellationToken.None);

        Assert.True(over.Full);
        Assert.Empty(over.Added);
        Assert.Equal(2, over.Count);
        Assert.False(known.Full);
        Assert.Equal(["20001"], known.Already);
        Assert.Equal(["20003"], last.Added);
        Assert.Equal(3, (await Trusted.ListAsync("qq", "111", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_trust_outlasts_a_restart_of_the_store()
    {
        await Trusted.TrustAsync("qq", "111", ["20001"], 200, T0, "qq:10001", CancellationToken.None);

        var again = new TrustedMembers(Harness.AnotherInstance());

        Assert.True(await again.IsTrustedAsync("qq", "111", "20001", CancellationToken.None));
    }

    /// <summary>Why an exempt incident's sender was spared is kept with it, so the digest can say 群内信任; null for any other.</summary>
    [Fact]
    public async Task An_exempt_incident_keeps_why_its_sender_was_spared()
    {
        Incident[] incidents =
        [
            .. Enum.GetValues<ExemptReason>().Select((reason, i) => Incidents.Of($"80{i}", time: T0) with { ActionStatus = ActionStatus.Exempt, ExemptBy = reason }),
            Incidents.Of("899", time: T0) with { ActionStatus = ActionStatus.Pending },
        ];

        await Harness.Store.AddAsync(incidents, CancellationToken.None);
        var stored = (await Harness.QueryAllAsync()).OrderBy(i => i.MessageId, StringComparer.Ordinal).ToList();

        Assert.Equal([.. Enum.GetValues<ExemptReason>().Select(r => (ExemptReason?)r), null], stored.Select(i => i.ExemptBy));
    }

    [Fact]
    public async Task A_warning_names_its_incidents_once_each_and_only_on_its_own_bot_and_group()
    {
        var warning = new GroupMessageRef("qq", "10001", "111", "9001");

        await Warnings.RecordAsync(warning, [7, 3], T0, CancellationToken.None);
        await Warnings.RecordAsync(warning, [3, 5, 5], T0, CancellationToken.None);
        await Warnings.RecordAsync(warning, [], T0, CancellationToken.None);

        Assert.Equal([3L, 5, 7], await Warnings.IncidentsOfAsync(warning, CancellationToken.None));
        Assert.Empty(await Warnings.IncidentsOfAsync(warning with { GroupId = "222" }, CancellationToken.None));
        Assert.Empty(await Warnings.IncidentsOfAsync(warning with { BotId = "10002" }, CancellationToken.None));
        Assert.Empty(await Warnings.IncidentsOfAsync(warning with { MessageId = "9002" }, CancellationToken.None));
    }

    [Fact]
    public async Task Retention_lets_go_of_old_warnings_with_the_evidence()
    {
        await Warnings.RecordAsync(new GroupMessageRef("qq", "10001", "111", "old"), [1], T0, CancellationToken.None);
        await Warnings.RecordAsync(new GroupMessageRef("qq", "10001", "111", "new"), [2], T0.AddDays(10), CancellationToken.None);

        await Harness.Store.ApplyRetentionAsync(T0.AddDays(5), RetentionMode.Mask, CancellationToken.None);

        Assert.Empty(await Warnings.IncidentsOfAsync(new GroupMessageRef("qq", "10001", "111", "old"), CancellationToken.None));
        Assert.Equal([2L], await Warnings.IncidentsOfAsync(new GroupMessageRef("qq", "10001", "111", "new"), CancellationToken.None));
    }

    [Fact]
    public async Task A_messages_incidents_are_found_those_of_its_latest_use_of_the_id()
    {
        // OneBot implementations reuse short message ids after a restart: the latest message with the id is meant.
        var ids = await Harness.Store.AddAsync(
            [
                Incidents.Of(messageId: "77", time: T0),
                Incidents.Of(messageId: "77", time: T0.AddDays(1), rule: "ads.contact"),
                Incidents.Of(messageId: "77", time: T0.AddDays(1), rule: "ads.site"),
                Incidents.Of(messageId: "77", time: T0.AddDays(2), group: "222"),
                Incidents.Of(messageId: "78", time: T0.AddDays(3)),
            ],
            CancellationToken.None);

        var found = await Harness.Store.FindByMessageAsync(new GroupMessageRef("qq", "10001", "123456", "77"), CancellationToken.None);

        Assert.Equal([ids[1], ids[2]], found.Select(i => i.Id));
        Assert.Empty(await Harness.Store.FindByMessageAsync(new GroupMessageRef("qq", "10001", "123456", "79"), CancellationToken.None));
        Assert.Empty(await Harness.Store.FindByMessageAsync(new GroupMessageRef("qq", "10002", "123456", "77"), CancellationToken.None));
    }
}
