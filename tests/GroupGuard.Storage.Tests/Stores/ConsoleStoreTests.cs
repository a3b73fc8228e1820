using GroupGuard.Core;
using GroupGuard.Core.Accounts;
using GroupGuard.Storage.Stores;

namespace GroupGuard.Storage.Tests.Stores;

/// <summary>What the console asks of the database: accounts, failed sign-ins, the audit log, pages and counts.</summary>
public abstract class ConsoleStoreTests : StoreTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private AccountStore Accounts => field ??= new AccountStore(Harness.Store.Database);

    private static ConsoleAccount Account(string name, AccountRole role = AccountRole.Admin, params string[] groups) =>
        new(name, role, groups, "pbkdf2-sha256$1$c2FsdA==$aGFzaA==", T0);

    [Fact]
    public async Task Accounts_are_added_once_found_listed_and_removed()
    {
        Assert.False(await Accounts.AnyAsync(CancellationToken.None));

        Assert.True(await Accounts.AddAsync(Account("王主管", AccountRole.Leader, "111", "222"), CancellationToken.None));
        Assert.True(await Accounts.AddAsync(Account("admin"), CancellationToken.None));
        Assert.False(await Accounts.AddAsync(Account("admin", AccountRole.Leader, "9"), CancellationToken.None));

        Assert.True(await Accounts.AnyAsync(CancellationToken.None));
        var leader = await Accounts.FindAsync("王主管", CancellationToken.None);
        Assert.NotNull(leader);
        Assert.Equal(AccountRole.Leader, leader.Role);
        Assert.Equal(["111", "222"], leader.GroupIds);
        Assert.True(leader.Sees("222"));
        Assert.False(leader.Sees("333"));
        Assert.Equal(AccountRole.Admin, (await Accounts.FindAsync("admin", CancellationToken.None))!.Role); // the second add changed nothing
        Assert.Equal(["admin", "王主管"], (await Accounts.ListAsync(CancellationToken.None)).Select(a => a.Name));

        Assert.True(await Accounts.RemoveAsync("admin", CancellationToken.None));
        Assert.False(await Accounts.RemoveAsync("admin", CancellationToken.None));
        Assert.Null(await Accounts.FindAsync("admin", CancellationToken.None));
    }

    [Fact]
    public async Task Each_account_gets_a_session_stamp_of_its_own_that_renewing_or_adding_again_replaces()
    {
        await Accounts.AddAsync(Account("admin") with { SessionStamp = "chosen by the caller" }, CancellationToken.None);
        await Accounts.AddAsync(Account("王主管", AccountRole.Leader, "111"), CancellationToken.None);
        var first = (await Accounts.FindAsync("admin", CancellationToken.None))!.SessionStamp;
        var other = (await Accounts.FindAsync("王主管", CancellationToken.None))!.SessionStamp;

        Assert.True(await Accounts.RenewSessionStampAsync("admin", CancellationToken.None));
        var renewed = (await Accounts.FindAsync("admin", CancellationToken.None))!.SessionStamp;
        Assert.False(await Accounts.RenewSessionStampAsync("nobody", CancellationToken.None));
        await Accounts.RemoveAsync("admin", CancellationToken.None);
        await Accounts.AddAsync(Account("admin"), CancellationToken.None);
        var readded = (await Accounts.FindAsync("admin", CancellationToken.None))!.SessionStamp;

        Assert.Matches("^[0-9a-f]{32}$", first);
        Assert.Equal(4, new HashSet<string>([first, other, renewed, readded]).Count);
        Assert.Equal(other, (await Accounts.ListAsync(CancellationToken.None)).Single(a => a.Name == "王主管").SessionStamp); // the other account's is untouched
    }

    [Fact]
    public async Task Failed_sign_ins_are_counted_within_the_window_and_cleared()
    {
        await Accounts.AddAsync(Account("admin"), CancellationToken.None);

        Assert.Equal(1, await Accounts.AddFailedLoginAsync("admin", T0, T0.AddMinutes(-15), CancellationToken.None));
        Assert.Equal(2, await Accounts.AddFailedLoginAsync("admin", T0.AddMinutes(5), T0.AddMinutes(-10), CancellationToken.None));
        // Twenty minutes on, the first has left the window.
        Assert.Equal(2, await Accounts.AddFailedLoginAsync("admin", T0.AddMinutes(20), T0.AddMinutes(5), CancellationToken.None));
        Assert.Equal(1, await Accounts.AddFailedLoginAsync("nobody", T0.AddMinutes(20), T0.AddMinutes(5), CancellationToken.None));
        Assert.Equal([T0.AddMinutes(20), T0.AddMinutes(5)], await Accounts.RecentFailedLoginsAsync("admin", T0.AddMinutes(5), 10, CancellationToken.None));
        Assert.Equal([T0.AddMinutes(20)], await Accounts.RecentFailedLoginsAsync("admin", T0, 1, CancellationToken.None));
        // Thirty-one minutes on, two windows of 15, the first is gone from the table, not only from the count.
        Assert.Equal(2, await Accounts.AddFailedLoginAsync("nobody", T0.AddMinutes(31), T0.AddMinutes(16), CancellationToken.None));
        using (var raw = Harness.OpenRaw())
        {
            Assert.Equal(4L, Dapper.SqlMapper.ExecuteScalar<long>(raw, "SELECT COUNT(*) FROM console_login_failures"));
        }

        Assert.Equal([T0.AddMinutes(20), T0.AddMinutes(5)], await Accounts.RecentFailedLoginsAsync("admin", T0.AddDays(-1), 10, CancellationToken.None));

        await Accounts.ClearFailedLoginsAsync("admin", CancellationToken.None);
        Assert.Equal(1, await Accounts.AddFailedLoginAsync("admin", T0.AddMinutes(21), T0.AddMinutes(6), CancellationToken.None));

        await Accounts.SetLockedUntilAsync("admin", T0.AddMinutes(36), CancellationToken.None);
        Assert.Equal(T0.AddMinutes(36), (await Accounts.FindAsync("admin", CancellationToken.None))!.LockedUntil);
        await Accounts.SetLockedUntilAsync("admin", null, CancellationToken.None);
        Assert.Null((await Accounts.FindAsync("admin", CancellationToken.None))!.LockedUntil);
    }

    [Fact]
    public async Task The_audit_log_reads_newest_first_in_pages()
    {
        for (var i = 0; i < 5; i++)
        {
            await Accounts.AuditAsync(new AuditEntry(0, T0.AddMinutes(i), "admin", "mark_false_positive", $"incident {i}", "误报", "127.0.0.1"), CancellationToken.None);
        }

        var first = await Accounts.ReadAuditAsync(null, 3, CancellationToken.None);
        var rest = await Accounts.ReadAuditAsync(first[^1].Id, 3, CancellationToken.None);

        Assert.Equal(["incident 4", "incident 3", "incident 2"], first.Select(e => e.Target));
        Assert.Equal(["incident 1", "incident 0"], rest.Select(e => e.Target));
        Assert.Equal(T0.AddMinutes(4), first[0].At);
        Assert.Equal("127.0.0.1", first[0].Remote);
    }

    [Fact]
    public async Task Pages_go_newest_first_below_the_last_id_with_every_filter()
    {
        var incidents = new List<Incident>();
        for (var i = 0; i < 12; i++)
        {
            incidents.Add(Samples.Incident(messageId: $"m{i}", groupId: i % 2 == 0 ? "111" : "222", userId: i % 3 == 0 ? "u3" : "u1", time: T0.AddHours(i)) with
            {
                Rule = i < 6 ? "ads.contact" : "fraud.shua-dan",
                Pack = i < 6 ? "ads" : "fraud",
                Severity = i == 11 ? Severity.High : Severity.Medium,
                ActionStatus = i == 10 ? ActionStatus.Failed : ActionStatus.Done,
                DecidedAction = i is 1 or 8 ? ModerationAction.Log : ModerationAction.Recall, // a log rule's: recorded, nothing else done
                MessageText = i == 7 ? "刷单返利，日结100%" : "加微信 Wx_Abc",
            });
        }

        var ids = await Harness.Store.AddAsync(incidents, CancellationToken.None);
        await Harness.Store.MarkFalsePositiveAsync(ids[4], true, "群公告", T0, "admin", CancellationToken.None);
        var all = new IncidentFilter();

        var page1 = await Harness.Store.BrowseAsync(all, null, 5, CancellationToken.None);
        var page2 = await Harness.Store.BrowseAsync(all, page1[^1].Id, 5, CancellationToken.None);
        var page3 = await Harness.Store.BrowseAsync(all, page2[^1].Id, 5, CancellationToken.None);
        Assert.Equal(ids.Reverse(), page1.Concat(page2).Concat(page3).Select(i => i.Id));

        async Task<long[]> Ids(IncidentFilter filter) => [.. (await Harness.Store.BrowseAsync(filter, null, 50, CancellationToken.None)).Select(i => i.Id)];
        Assert.Equal([ids[10], ids[8], ids[6], ids[4], ids[2], ids[0]], await Ids(all with { GroupId = "111" }));
        Assert.Equal([ids[9], ids[6], ids[3], ids[0]], await Ids(all with { UserId = "u3" }));
        Assert.Equal([ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]], await Ids(all with { Pack = "ads" }));
        Assert.Equal(6, (await Ids(all with { Rule = "fraud.shua-dan" })).Length);
        Assert.Equal([ids[11]], await Ids(all with { Severity = Severity.High }));
        Assert.Equal([ids[10]], await Ids(all with { Outcome = IncidentOutcome.Failed }));
        // As the overview counts outcomes: done is what was carried out, logged a log rule's done.
        Assert.Equal([ids[8], ids[1]], await Ids(all with { Outcome = IncidentOutcome.Logged }));
        Assert.Equal([ids[11], ids[9], ids[7], ids[6], ids[5], ids[4], ids[3], ids[2], ids[0]], await Ids(all with { Outcome = IncidentOutcome.Done }));
        Assert.Empty(await Ids(all with { Outcome = IncidentOutcome.DryRun }));
        Assert.Equal([ids[4]], await Ids(all with { FalsePositive = true }));
        Assert.Equal([ids[7]], await Ids(all with { Text = "100%" })); // % is text, not a wildcard
        Assert.Equal(11, (await Ids(all with { Text = "wx_abc" })).Length); // Latin letters in any case
        Assert.Equal([ids[3], ids[2]], await Ids(all with { From = T0.AddHours(2), To = T0.AddHours(4) }));
        Assert.Equal([ids[9], ids[7]], await Ids(all with { Scope = ["222"], From = T0.AddHours(6), To = T0.AddHours(10) }));
        Assert.Empty(await Ids(all with { Scope = [] })); // limited to no group: nothing, not everything
        Assert.Equal("admin", (await Harness.Store.GetAsync(ids[4], CancellationToken.None))!.ReviewedBy);
    }

    [Fact]
    public async Task The_overview_counts_by_local_day_category_outcome_rule_and_group()
    {
        var beijing = TimeSpan.FromHours(8);
        await Harness.Store.AddAsync(
            [
                // 23:30 UTC on 1 March is 07:30 on 2 March in Beijing.
                Samples.Incident(messageId: "a", time: T0.AddHours(23.5)) with { Category = "ads", ActionStatus = ActionStatus.Done },
                Samples.Incident(messageId: "b", time: T0.AddHours(10)) with { Category = "ads", ActionStatus = ActionStatus.Done },
                Samples.Incident(messageId: "c", time: T0.AddHours(11), groupId: "222") with { Category = "fraud", Rule = "fraud.x", ActionStatus = ActionStatus.Failed },
                // A rule that only records: done once recorded, yet nothing was done to the message.
                Samples.Incident(messageId: "e", time: T0.AddHours(12)) with { Category = "abuse", Rule = "abuse.x", DecidedAction = ModerationAction.Log, ActionStatus = ActionStatus.Done },
                Samples.Incident(messageId: "d", time: T0.AddDays(40)) with { Category = "ads" }, // outside the period
            ],
            CancellationToken.None);
        await Harness.Store.AddMessageCountsAsync([new MessageCount("qq", "123456", T0.AddHours(10), 70), new MessageCount("qq", "222", T0.AddHours(11), 30)], CancellationToken.None);

        var overview = await Harness.Store.OverviewAsync(T0.AddDays(-29), T0.AddDays(1), beijing, null, 10, CancellationToken.None);
        var leader = await Harness.Store.OverviewAsync(T0.AddDays(-29), T0.AddDays(1), beijing, ["222"], 10, CancellationToken.None);

        Assert.Equal(
            [new DayCount(new DateOnly(2025, 3, 1), "abuse", 1), new DayCount(new DateOnly(2025, 3, 1), "ads", 1), new DayCount(new DateOnly(2025, 3, 1), "fraud", 1), new DayCount(new DateOnly(2025, 3, 2), "ads", 1)],
            overview.PerDay);
        Assert.Equal([new NamedCount("done", 2), new NamedCount("failed", 1), new NamedCount("logged", 1)], overview.Outcomes);
        foreach (var outcome in overview.Outcomes)
        {
            // Each outcome counted is a filter of the incident pages that finds as many (the console links them).
            Assert.True(WireNames<IncidentOutcome>.TryParse(outcome.Name, out var parsed), outcome.Name);
            var found = await Harness.Store.BrowseAsync(new IncidentFilter { Outcome = parsed, From = T0.AddDays(-29), To = T0.AddDays(1) }, null, 50, CancellationToken.None);
            Assert.Equal(outcome.Count, found.Count);
        }

        Assert.Equal([new NamedCount("ads.qr-code", 2), new NamedCount("abuse.x", 1), new NamedCount("fraud.x", 1)], overview.TopRules);
        Assert.Equal([new NamedCount("123456", 3, Platform: "qq"), new NamedCount("222", 1, Platform: "qq")], overview.TopGroups);
        Assert.Equal(4, overview.Incidents);
        Assert.Equal(4, overview.OffendingMessages); // one hit a message
        Assert.Equal(100, overview.MessagesChecked);
        Assert.Equal(1, leader.Incidents);
        Assert.Equal(30, leader.MessagesChecked);
        Assert.Equal(0, (await Harness.Store.OverviewAsync(T0.AddDays(-29), T0.AddDays(1), beijing, [], 10, CancellationToken.None)).Incidents);
    }

    /// <summary>
    /// As the digest counts (<c>2 条违规消息（4 次命中）</c>), a message of several hits is one
    /// offending message, in the totals, the chart's days (once in each category it hit), the top
    /// rules and the top groups; the same message id on another platform or in another group is
    /// another message. Outcomes stay by hit, as the incident list they link to shows them.
    /// </summary>
    [Fact]
    public async Task The_overview_counts_offending_messages_as_the_digest_does_with_their_hits_apart()
    {
        var ids = await Harness.Store.AddAsync(
            [
                // One advert with a phone number: three hits, two categories, one of them a log rule's.
                Samples.Incident(messageId: "a", time: T0.AddHours(10)) with { Category = "ads", ActionStatus = ActionStatus.Done },
                Samples.Incident(messageId: "a", time: T0.AddHours(10), rule: "ads.contact") with { Category = "ads", ActionStatus = ActionStatus.Skipped },
                Samples.Incident(messageId: "a", time: T0.AddHours(10), rule: "privacy.phone") with { Category = "privacy", DecidedAction = ModerationAction.Log, ActionStatus = ActionStatus.Done },
                // The same id on another platform is another message.
                Samples.Incident(messageId: "a", time: T0.AddHours(11), platform: "qq-official") with { Category = "ads", ActionStatus = ActionStatus.Done },
                // A message whose one hit is marked false positive, and one whose second hit is.
                Samples.Incident(messageId: "b", time: T0.AddHours(12)) with { Category = "ads", ActionStatus = ActionStatus.Done },
                Samples.Incident(messageId: "c", time: T0.AddHours(13), groupId: "222") with { Category = "ads", ActionStatus = ActionStatus.Done },
                Samples.Incident(messageId: "c", time: T0.AddHours(13), groupId: "222", rule: "ads.contact") with { Category = "ads", ActionStatus = ActionStatus.Skipped },
            ],
            CancellationToken.None);
        await Harness.Store.MarkFalsePositiveAsync(ids[4], true, "群公告", T0, "admin", CancellationToken.None);
        await Harness.Store.MarkFalsePositiveAsync(ids[6], true, null, T0, "admin", CancellationToken.None);

        var overview = await Harness.Store.OverviewAsync(T0.AddDays(-29), T0.AddDays(1), TimeSpan.Zero, null, 10, CancellationToken.None);

        Assert.Equal(3, overview.OffendingMessages); // a on qq, a on qq-official, c
        Assert.Equal(5, overview.Incidents);
        Assert.Equal(2, overview.FalsePositives);
        Assert.Equal([new DayCount(new DateOnly(2025, 3, 1), "ads", 3), new DayCount(new DateOnly(2025, 3, 1), "privacy", 1)], overview.PerDay);
        Assert.Equal([new NamedCount("ads.qr-code", 3), new NamedCount("ads.contact", 1), new NamedCount("privacy.phone", 1)], overview.TopRules);
        // The same id on another platform is another group, as its message is another message.
        Assert.Equal([new NamedCount("123456", 1, Platform: "qq"), new NamedCount("123456", 1, Platform: "qq-official"), new NamedCount("222", 1, Platform: "qq")], overview.TopGroups);
        Assert.Equal([new NamedCount("done", 3), new NamedCount("logged", 1), new NamedCount("skipped", 1)], overview.Outcomes);
        foreach (var outcome in overview.Outcomes)
        {
            WireNames<IncidentOutcome>.TryParse(outcome.Name, out var parsed);
            var found = await Harness.Store.BrowseAsync(new IncidentFilter { Outcome = parsed, FalsePositive = false, From = T0.AddDays(-29), To = T0.AddDays(1) }, null, 50, CancellationToken.None);
            Assert.Equal(outcome.Count, found.Count);
        }
    }

    /// <summary>
    /// The top groups carry the name their incidents of the period give them, the newest where the
    /// group was renamed (as the console shows it: 二年级家长群（111111）), and none where none does.
    /// A group is its platform and id: another platform's group of the same id is counted and named
    /// apart, its name never taken for the other's.
    /// </summary>
    [Fact]
    public async Task The_overview_s_top_groups_carry_the_newest_name_their_incidents_give_them()
    {
        await Harness.Store.AddAsync(
            [
                Samples.Incident(messageId: "old", time: T0.AddDays(-40), groupId: "111") with { GroupName = "三年级家长群" }, // before the period
                Samples.Incident(messageId: "a", time: T0.AddHours(1), groupId: "111") with { GroupName = "二年级一班" },
                Samples.Incident(messageId: "b", time: T0.AddHours(2), groupId: "111") with { GroupName = "二年级家长群" },
                Samples.Incident(messageId: "c", time: T0.AddHours(3), groupId: "111"),
                Samples.Incident(messageId: "d", time: T0.AddHours(3), groupId: "222"),
                // Another platform's group 111, named later than qq's: its own name, counted apart.
                Samples.Incident(messageId: "e", time: T0.AddHours(4), groupId: "111", platform: "wecom") with { GroupName = "企业微信外部群" },
                Samples.Incident(messageId: "f", time: T0.AddHours(5), groupId: "222", platform: "wecom"),
            ],
            CancellationToken.None);

        var overview = await Harness.Store.OverviewAsync(T0.AddDays(-29), T0.AddDays(1), TimeSpan.Zero, null, 10, CancellationToken.None);

        Assert.Equal(
            [
                new NamedCount("111", 3, "二年级家长群", "qq"),
                new NamedCount("111", 1, "企业微信外部群", "wecom"),
                new NamedCount("222", 1, null, "qq"),
                new NamedCount("222", 1, null, "wecom"),
            ],
            overview.TopGroups);
    }

    /// <summary>
    /// The overview's outcomes and the list's status filter, computed in SQL, read each incident as
    /// its row, its page and the digest read it (<see cref="Core.Digests.DigestBuilder.SettledStatus"/>):
    /// a recall, mute or kick carried out while the group warning still waits is done (or failed,
    /// or unsupported), not pending. Every status with every acts outcome, of a log rule and not.
    /// </summary>
    [Fact]
    public async Task The_overview_and_the_status_filter_read_each_incident_s_outcome_as_its_row_does()
    {
        var incidents = new List<Incident>();
        foreach (var status in Enum.GetValues<ActionStatus>())
        {
            foreach (var acts in Enum.GetValues<ActionStatus>().Select(a => (ActionStatus?)a).Prepend(null))
            {
                foreach (var action in (ModerationAction[])[ModerationAction.Mute, ModerationAction.Log])
                {
                    incidents.Add(Samples.Incident(messageId: $"m{incidents.Count}", time: T0.AddMinutes(incidents.Count)) with
                    {
                        DecidedAction = action,
                        ActionStatus = status,
                        ActsOutcome = acts,
                    });
                }
            }
        }

        var ids = await Harness.Store.AddAsync(incidents, CancellationToken.None);
        var expected = incidents.Select((incident, i) => (Id: ids[i], Outcome: IncidentOutcomes.Of(incident))).ToList();

        var overview = await Harness.Store.OverviewAsync(T0.AddDays(-1), T0.AddDays(1), TimeSpan.Zero, null, 10, CancellationToken.None);

        Assert.Equal(
            expected.GroupBy(e => WireNames<IncidentOutcome>.ToText(e.Outcome)).Select(g => new NamedCount(g.Key, g.Count())).OrderByDescending(c => c.Count).ThenBy(c => c.Name, StringComparer.Ordinal),
            overview.Outcomes);
        // The very case: a mute done whose warning waits is done in the counts, as its row reads it.
        Assert.Equal(IncidentOutcome.Done, IncidentOutcomes.Of((await Harness.Store.GetAsync(ids[incidents.FindIndex(i => i is { ActionStatus: ActionStatus.Pending, ActsOutcome: ActionStatus.Done, DecidedAction: ModerationAction.Mute })], CancellationToken.None))!));
        foreach (var outcome in Enum.GetValues<IncidentOutcome>())
        {
            var found = await Harness.Store.BrowseAsync(new IncidentFilter { Outcome = outcome }, null, IncidentStore.MaxPageSize, CancellationToken.None);
            Assert.Equal(expected.Where(e => e.Outcome == outcome).Select(e => e.Id).Reverse(), found.Select(i => i.Id));
            Assert.All(found, i => Assert.Equal(outcome, IncidentOutcomes.Of(i)));
        }
    }

    /// <summary>
    /// As the digest counts, an incident an admin marked false positive is in none of the overview's
    /// counts (nor its chart's days), only in its count of false positives.
    /// </summary>
    [Fact]
    public async Task The_overview_leaves_out_incidents_marked_false_positive_and_counts_them_apart()
    {
        var ids = await Harness.Store.AddAsync(
            [
                Samples.Incident(messageId: "a", time: T0.AddHours(10)) with { Category = "ads", ActionStatus = ActionStatus.Done },
                Samples.Incident(messageId: "b", time: T0.AddHours(11), groupId: "222") with { Category = "fraud", Rule = "fraud.x", ActionStatus = ActionStatus.Failed },
            ],
            CancellationToken.None);
        await Harness.Store.MarkFalsePositiveAsync(ids[1], true, "群公告", T0, "admin", CancellationToken.None);

        var overview = await Harness.Store.OverviewAsync(T0.AddDays(-29), T0.AddDays(1), TimeSpan.Zero, null, 10, CancellationToken.None);
        var leader = await Harness.Store.OverviewAsync(T0.AddDays(-29), T0.AddDays(1), TimeSpan.Zero, ["222"], 10, CancellationToken.None);

        Assert.Equal(1, overview.Incidents);
        Assert.Equal(1, overview.FalsePositives);
        Assert.Equal([new DayCount(new DateOnly(2025, 3, 1), "ads", 1)], overview.PerDay);
        Assert.Equal([new NamedCount("done", 1)], overview.Outcomes);
        Assert.Equal([new NamedCount("ads.qr-code", 1)], overview.TopRules);
        Assert.Equal([new NamedCount("123456", 1, Platform: "qq")], overview.TopGroups);
        Assert.Equal(0, leader.Incidents);
        Assert.Equal(1, leader.FalsePositives);
        Assert.Empty(leader.PerDay);
    }
}
