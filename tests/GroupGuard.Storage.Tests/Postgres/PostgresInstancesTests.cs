using Dapper;
using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Storage.Stores;
using GroupGuard.Storage.Tests.Stores;

namespace GroupGuard.Storage.Tests.Postgres;

/// <summary>
/// What several service instances on one PostgreSQL database must get right when they do the
/// same thing at the same moment: each instance is a PostgresDatabase of its own (its own pool,
/// so its own sessions and transactions), and the calls are released together and repeated, so
/// that the database, not the order the tests happened to run them in, decides. Nothing here
/// measures time: a race that goes wrong shows as a wrong count or status.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresInstancesTests(PostgresServer server) : IAsyncLifetime
{
    private const int Instances = 4;
    private const int Rounds = 25;

    private static readonly DateTimeOffset Day1 = new(2025, 3, 1, 0, 0, 0, TimeSpan.FromHours(8));

    private PostgresStoreHarness? _harness;

    private PostgresStoreHarness Harness => _harness ?? throw new InvalidOperationException("The harness is made in InitializeAsync.");

    public async Task InitializeAsync()
    {
        _harness = await PostgresStoreHarness.CreateAsync(server, nameof(PostgresInstancesTests));
        await _harness.Store.InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_same_incident_added_by_several_instances_at_once_is_stored_once_and_the_others_read_0()
    {
        var stores = await StoresAsync();

        for (var round = 0; round < Rounds; round++)
        {
            // A group with two bots of two instances in it: both see the message and its hits.
            var message = $"m{round}";
            var added = await AtOnceAsync(stores, store => store.AddAsync(
                [Samples.Incident(messageId: message, rule: "ads.qr-code"), Samples.Incident(messageId: message, rule: "ads.wechat-id")],
                CancellationToken.None));

            var stored = (await Harness.QueryAllAsync()).Where(i => i.MessageId == message).ToList();
            Assert.Equal(["ads.qr-code", "ads.wechat-id"], stored.Select(i => i.Rule));
            // Each incident is reported new to exactly one instance, so exactly one acts on it.
            for (var hit = 0; hit < stored.Count; hit++)
            {
                var ids = added.Select(a => a[hit]).ToList();
                Assert.Equal(Instances - 1, ids.Count(id => id == 0));
                Assert.Equal(stored[hit].Id, Assert.Single(ids, id => id != 0));
            }
        }

        Assert.Equal(Rounds * 2, (await Harness.QueryAllAsync()).Count);
    }

    [Fact]
    public async Task Overlapping_batches_added_in_opposite_orders_at_once_are_all_stored_once()
    {
        var stores = await StoresAsync();

        for (var round = 0; round < Rounds; round++)
        {
            // Six messages, each instance's batch holding them in its own order: inserted as they
            // come, the batches would take the unique index's locks crosswise and deadlock; the
            // incident writes' commit-order lock makes them wait for each other instead.
            var batch = Enumerable.Range(0, 6).Select(k => Samples.Incident(messageId: $"r{round}-{k}", rule: "ads.qr-code")).ToList();
            var added = await AtOnceAsync(
                [.. Enumerable.Range(0, Instances)],
                instance => stores[instance].AddAsync(instance % 2 == 0 ? batch : [.. Enumerable.Reverse(batch)], CancellationToken.None));

            var fresh = added.SelectMany(ids => ids).Where(id => id != 0).ToList();
            Assert.Equal(batch.Count, fresh.Count);
            Assert.Equal(batch.Count, fresh.Distinct().Count());
        }

        Assert.Equal(Rounds * 6, (await Harness.QueryAllAsync()).Count);
    }

    [Fact]
    public async Task Commit_numbers_taken_by_several_instances_at_once_are_distinct_and_every_mark_read_covers_a_whole_prefix()
    {
        var stores = await StoresAsync();
        var marks = new List<(long High, long Seen)>();
        using var done = new CancellationTokenSource();
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // A reader beside the writers, as a digest being built: every incident numbered up to the
        // mark it reads is already visible, so the count below the mark is the mark itself.
        var reader = Task.Run(async () =>
        {
            await using var db = Harness.OpenRaw();
            while (!done.IsCancellationRequested)
            {
                var high = await stores[0].CommitHighAsync(CancellationToken.None);
                var seen = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM incidents WHERE commit_seq <= @High", new { High = high });
                marks.Add((high, seen));
                reading.TrySetResult();
            }
        });

        // The writers start once the reader reads (a fast run could otherwise end before its first look).
        if (await Task.WhenAny(reading.Task, reader) == reader)
        {
            await reader; // the reader failed before its first look: that failure is the test's
        }

        for (var round = 0; round < Rounds; round++)
        {
            await AtOnceAsync(
                [.. Enumerable.Range(0, Instances)],
                instance => stores[instance].AddAsync([Samples.Incident(messageId: $"c{round}-{instance}")], CancellationToken.None));
        }

        await done.CancelAsync();
        await reader;

        await using var check = Harness.OpenRaw();
        var numbers = (await check.QueryAsync<long>("SELECT commit_seq FROM incidents ORDER BY commit_seq")).ToList();
        Assert.Equal(Enumerable.Range(1, Rounds * Instances).Select(n => (long)n), numbers);
        Assert.NotEmpty(marks);
        Assert.All(marks, m => Assert.Equal(m.High, m.Seen));
    }

    [Fact]
    public async Task The_same_digest_created_by_several_instances_at_once_is_one_digest_that_each_gets_back()
    {
        var outboxes = await OutboxesAsync();

        for (var round = 0; round < Rounds; round++)
        {
            var created = await AtOnceAsync(
                outboxes.Select((outbox, instance) => (outbox, instance)).ToList(),
                o => o.outbox.CreateAsync(Digest(round, $"实例{o.instance}"), CancellationToken.None));

            var id = Assert.Single(created.Select(d => d.Id).Distinct());
            // Every instance gets the one stored, content and channels, whichever wrote it.
            Assert.Single(created.Select(d => d.Title).Distinct());
            Assert.All(created, d => Assert.Equal(["email", "wecom"], d.Channels.Keys.Order(StringComparer.Ordinal)));
            Assert.Equal(id, (await outboxes[0].LatestAsync("张老师", CancellationToken.None))!.Id);
        }

        using var db = Harness.OpenRaw();
        Assert.Equal(Rounds, db.ExecuteScalar<long>("SELECT COUNT(*) FROM digests"));
        Assert.Equal(Rounds * 2, db.ExecuteScalar<long>("SELECT COUNT(*) FROM digest_channels"));
    }

    [Fact]
    public async Task A_channel_claimed_by_several_instances_at_once_is_won_by_exactly_one()
    {
        var outboxes = await OutboxesAsync();
        var now = Day1.AddDays(1);

        for (var round = 0; round < Rounds; round++)
        {
            var digest = await outboxes[0].CreateAsync(Digest(round), CancellationToken.None);

            var claimed = await AtOnceAsync(
                outboxes.Select((outbox, instance) => (outbox, holder: $"instance-{instance}")).ToList(),
                o => o.outbox.ClaimChannelAsync(digest.Id, "wecom", o.holder, now, now.AddMinutes(5), CancellationToken.None));

            var winner = Assert.Single(claimed.Select((won, instance) => (won, instance)), c => c.won).instance;
            using var db = Harness.OpenRaw();
            Assert.Equal(
                $"instance-{winner}",
                db.ExecuteScalar<string>("SELECT claimed_by FROM digest_channels WHERE digest_id = @Id AND channel = 'wecom'", new { digest.Id }));
        }
    }

    public static TheoryData<ChannelStatus, ChannelStatus, DigestStatus> Outcomes => new()
    {
        { ChannelStatus.Sent, ChannelStatus.Sent, DigestStatus.Sent },
        { ChannelStatus.Sent, ChannelStatus.Failed, DigestStatus.Partial },
        { ChannelStatus.Failed, ChannelStatus.Failed, DigestStatus.Failed },
        { ChannelStatus.Sent, ChannelStatus.Pending, DigestStatus.Pending },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task Two_instances_recording_two_channels_of_one_digest_at_once_leave_its_status_right(
        ChannelStatus wecom, ChannelStatus email, DigestStatus expected)
    {
        var outboxes = await OutboxesAsync();

        for (var round = 0; round < Rounds; round++)
        {
            var digest = await outboxes[0].CreateAsync(Digest(round), CancellationToken.None);

            // Each instance sets the digest's status from the channels it sees: unless each waits
            // for the other's outcome, both see the other channel still pending.
            await AtOnceAsync(
                [(outboxes[0], "wecom", wecom), (outboxes[1], "email", email)],
                o => Record(o.Item1, digest.Id, o.Item2, o.Item3));

            var stored = (await outboxes[2].LatestAsync("张老师", CancellationToken.None))!;
            Assert.Equal(digest.Id, stored.Id);
            Assert.Equal((wecom, email), (stored.Channels["wecom"].Status, stored.Channels["email"].Status));
            Assert.Equal(expected, stored.Status);
        }
    }

    [Fact]
    public async Task Message_counts_added_by_several_instances_at_once_sum_exactly()
    {
        var stores = await StoresAsync();
        var hour = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
        string[] groups = ["111", "222", "333"];

        // Each instance counts the same groups and hours, batched in an order of its own, as two
        // instances flushing their counters at the same moment do.
        await AtOnceAsync(
            [.. Enumerable.Range(0, Instances)],
            async instance =>
            {
                for (var round = 0; round < Rounds; round++)
                {
                    var batch = (
                        from g in groups
                        from h in new[] { 0, 1 }
                        select new MessageCount("qq", g, hour.AddHours(h), 1 + instance)).ToList();
                    if ((instance + round) % 2 == 1)
                    {
                        batch.Reverse();
                    }

                    await stores[instance].AddMessageCountsAsync(batch, CancellationToken.None);
                }

                return instance;
            });

        var counts = await Harness.Store.GetMessageCountsAsync(hour, hour.AddHours(2), null, CancellationToken.None);
        // Every instance added 1 + its number, once a round, to each of the six counters.
        var each = Enumerable.Range(0, Instances).Sum(instance => (1L + instance) * Rounds);
        Assert.Equal(groups.Length * 2, counts.Count);
        Assert.All(counts, c => Assert.Equal(each, c.Count));
    }

    [Fact]
    public async Task Messages_counted_by_several_instances_at_once_are_each_counted_once()
    {
        var stores = await StoresAsync();
        var hour = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

        for (var round = 0; round < Rounds; round++)
        {
            // Every instance got overlapping parts of the round's 40 messages (a load balancer's
            // retries), in an order of its own, and flushes them at the same moment.
            var messages = Enumerable.Range(0, 40)
                .Select(i => new CountedMessage("qq", "10000", (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture), $"r{round}-m{i}", hour.AddMinutes(i)))
                .ToList();
            var added = await AtOnceAsync(
                [.. Enumerable.Range(0, Instances)],
                instance =>
                {
                    var part = messages.Where((_, i) => i % Instances != instance).ToList();
                    if ((instance + round) % 2 == 1)
                    {
                        part.Reverse();
                    }

                    return stores[instance].CountMessagesAsync(part, CancellationToken.None);
                });

            // Each message was new to exactly one of the instances that had it.
            Assert.Equal(messages.Count, added.Sum());
        }

        var counts = await Harness.Store.GetMessageCountsAsync(hour, hour.AddHours(1), null, CancellationToken.None);
        Assert.Equal(Rounds * 40, counts.Sum(c => c.Count));
    }

    /// <summary>
    /// Starts <paramref name="call"/> for each item on a task of its own, all released at once
    /// once every task is ready, and returns their results in the items' order.
    /// </summary>
    private static async Task<T[]> AtOnceAsync<TItem, T>(IReadOnlyList<TItem> items, Func<TItem, Task<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = items.Count;
        var tasks = items.Select(item => Task.Run(async () =>
        {
            if (Interlocked.Decrement(ref waiting) == 0)
            {
                allReady.SetResult();
            }

            await start.Task;
            return await call(item);
        })).ToList();

        await allReady.Task;
        start.SetResult();
        return await Task.WhenAll(tasks);
    }

    private static async Task<int> Record(DigestOutbox outbox, long id, string channel, ChannelStatus status)
    {
        await outbox.UpdateChannelAsync(
            id,
            channel,
            new ChannelOutcome(status, 1, status == ChannelStatus.Sent ? null : "HTTP 502", status == ChannelStatus.Sent ? Day1.AddDays(1) : null),
            CancellationToken.None);
        return 0;
    }

    private static DigestRecord Digest(int round, string title = "群管日报") => new()
    {
        Leader = "张老师",
        PeriodFrom = Day1.AddDays(round),
        PeriodTo = Day1.AddDays(round + 1),
        Status = DigestStatus.Pending,
        CreatedAt = Day1.AddDays(round + 1),
        Title = title,
        Markdown = "- 广告 3 条",
        Text = "广告 3 条",
        Html = "<p>广告 3 条</p>",
        IncidentIds = [1, 2, 3],
        Channels = new Dictionary<string, ChannelOutcome>(StringComparer.Ordinal)
        {
            ["wecom"] = new(ChannelStatus.Pending, 0, null, null),
            ["email"] = new(ChannelStatus.Pending, 0, null, null),
        },
    };

    /// <summary>One store per instance, each on a database object (a pool) of its own, with a session open already.</summary>
    private async Task<IncidentStore[]> StoresAsync()
    {
        var stores = Enumerable.Range(0, Instances).Select(_ => Harness.CreateStoreOfAnotherInstance()).ToArray();
        foreach (var store in stores)
        {
            // A first session is slow to open: opened here, so that the calls below meet in the database.
            await store.GetAsync(0, CancellationToken.None);
        }

        return stores;
    }

    /// <summary>One outbox per instance, each on a database object (a pool) of its own, with a session open already.</summary>
    private async Task<DigestOutbox[]> OutboxesAsync()
    {
        var outboxes = Enumerable.Range(0, Instances).Select(_ => Harness.CreateOutboxOfAnotherInstance()).ToArray();
        foreach (var outbox in outboxes)
        {
            await outbox.LastPeriodEndAsync("张老师", CancellationToken.None);
        }

        return outboxes;
    }
}
