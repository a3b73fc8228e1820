using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GroupGuard.Core.Digests;
using GroupGuard.Host.Cli;
using GroupGuard.Host.Digests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GroupGuard.Host.Tests;

/// <summary>Digests on a fast schedule to a local WeCom-style sink: each leader sees its groups, each incident once.</summary>
public sealed class DigestTests
{
    [Fact]
    public async Task Consecutive_digests_report_each_incident_of_the_leaders_groups_exactly_once()
    {
        await using var sink = LoopbackHttpServer.Start();
        sink.Respond(_ => HttpAnswer.Json("""{"errcode":0,"errmsg":"ok"}"""));
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Leaders:0:Name"] = "王主任",
            ["GroupGuard:Leaders:0:Groups:0"] = "123456",
            ["GroupGuard:Leaders:0:Schedule"] = "0/2 * * * * ?",
            ["GroupGuard:Leaders:0:TimeZone"] = "Asia/Shanghai",
            ["GroupGuard:Leaders:0:Channels:0"] = "office-robot",
            ["GroupGuard:Leaders:1:Name"] = "李老师",
            ["GroupGuard:Leaders:1:Groups:0"] = "777",
            ["GroupGuard:Leaders:1:Schedule"] = "0/2 * * * * ?",
            ["GroupGuard:Leaders:1:Channels:0"] = "office-robot",
            ["GroupGuard:Channels:office-robot:Type"] = "wecom",
            ["GroupGuard:Channels:office-robot:Url"] = sink.Url("/cgi-bin/webhook/send?key=test-key"),
        });
        _ = service.CreateClient();
        var digests = service.Services.GetRequiredService<DigestService>();

        // Incidents arrive over several digest periods, in both leaders' groups: each one once the
        // one before is stored and a digest has been sent to each leader since.
        for (var i = 0; i < 6; i++)
        {
            await service.PostV11Async(GroupGuardFactory.GroupEvent(500 + i, "加微信领资料", userId: 100 + i, groupId: i % 3 == 0 ? 777 : 123456));
            await service.IncidentsAfterAsync(i + 1);
            var sent = Sends(service.OutboxCalls.Items);
            await service.OutboxCalls.WaitUntilAsync(calls => Sends(calls) >= sent + 2, $"a digest to each leader after incident {i + 1}");
        }

        var incidents = await service.IncidentsAsync();

        // Until the digests have reported every incident: each recorded send is a chance to look again.
        List<DigestRecord> records;
        while (true)
        {
            var sent = Sends(service.OutboxCalls.Items);
            records = await ListAsync(digests.Outbox);
            if (records.SelectMany(r => r.IncidentIds).Distinct().Count() >= incidents.Count && records.All(r => r.Status == DigestStatus.Sent))
            {
                break;
            }

            await service.OutboxCalls.WaitUntilAsync(calls => Sends(calls) > sent, "the next digest sent");
        }

        foreach (var leader in new[] { ("王主任", "123456"), ("李老师", "777") })
        {
            var mine = records.Where(r => r.Leader == leader.Item1).OrderBy(r => r.PeriodTo).ToList();
            Assert.True(mine.Count >= 3, $"{leader.Item1}: only {mine.Count} digests");
            for (var k = 1; k < mine.Count; k++)
            {
                Assert.Equal(mine[k - 1].PeriodTo, mine[k].PeriodFrom); // periods join without gap or overlap
            }

            var reported = mine.SelectMany(r => r.IncidentIds).ToList();
            Assert.Equal(reported.Count, reported.Distinct().Count());
            Assert.Equal(incidents.Where(i => i.GroupId == leader.Item2).Select(i => i.Id).Order(), reported.Order());
            Assert.All(mine, r => Assert.Equal(DigestStatus.Sent, r.Status));
        }

        Assert.All(sink.Requests.Select(r => r.Body), body => Assert.True(Encoding.UTF8.GetByteCount(JsonNode.Parse(body)!["markdown"]!["content"]!.GetValue<string>()) <= 4096));
        Assert.Contains(sink.Requests.Select(r => r.Body), b => b.Contains("王主任", StringComparison.Ordinal) && b.Contains("二年级家长群", StringComparison.Ordinal));
        Assert.Contains(sink.Requests.Select(r => r.Body), b => b.Contains("本期无违规", StringComparison.Ordinal) || b.Contains("发现", StringComparison.Ordinal));

        // The log says when each period ended as a date reads anywhere (it wrote 12/07/2026 22:05:37 +00:00).
        var sentLine = service.Logs.Entries.First(e => e.Message.StartsWith("Digest for 王主任 up to ", StringComparison.Ordinal)).Message;
        Assert.Matches(@"^Digest for 王主任 up to \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{2}:\d{2} sent on office-robot$", sentLine);
    }

    /// <summary>How many channel outcomes the outbox has recorded: one per digest sent on a channel.</summary>
    private static int Sends(IReadOnlyList<ObservedCall> outboxCalls) =>
        outboxCalls.Count(c => c.Method == nameof(IDigestOutbox.UpdateChannelAsync) && c.Failure is null);

    [Fact]
    public async Task An_incident_decided_just_before_a_digest_fires_and_stored_just_after_is_in_that_digest()
    {
        // The barrier's clock tells the time and shows when a digest starts waiting on it.
        var clock = new WatchedClock(TimeProvider.System);
        using var service = new GroupGuardFactory(services: services => services.AddSingleton(new GroupGuard.Host.Pipeline.IncidentsInFlight(clock)));
        var (digests, leader, _) = await PausedAsync(service);
        var store = service.Services.GetRequiredService<GroupGuard.Core.IIncidentStore>();
        var inFlight = service.Services.GetRequiredService<GroupGuard.Host.Pipeline.IncidentsInFlight>();

        // The moderation worker has decided (and stamped) an incident; its write has not committed.
        var flight = inFlight.Begin();
        var fire = flight.Now.AddMilliseconds(10);
        var run = digests.RunAsync(leader, fire, CancellationToken.None);
        await clock.TimerAsync(1); // the digest waits for the write in flight
        Assert.False(run.IsCompleted, "the digest did not wait for the incident being written");

        var ids = await store.AddAsync([Incident("801", flight.Now)], CancellationToken.None);
        flight.Dispose();
        var first = await run.Within("the digest");

        Assert.NotNull(first);
        Assert.Equal(fire, first.PeriodTo, TimeSpan.FromMilliseconds(1)); // stored to the millisecond
        Assert.Equal([ids[0]], first.IncidentIds);

        // The next digest starts where that one ended and does not report it again.
        var second = await digests.RunAsync(leader, fire.AddSeconds(1), CancellationToken.None);
        Assert.NotNull(second);
        Assert.Equal(first.PeriodTo, second.PeriodFrom);
        Assert.Empty(second.IncidentIds);
    }

    /// <summary>A digest service of another process on the service's database, sending on <paramref name="channels"/> by <paramref name="time"/>.</summary>
    private static DigestService AnotherInstance(GroupGuardFactory service, IDigestChannels channels, TimeProvider time, IDigestOutbox? outbox = null) => new(
        service.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<List<LeaderOptions>>>(),
        service.Services.GetRequiredService<GroupGuard.Core.IIncidentStore>(),
        outbox ?? service.Services.GetRequiredService<IDigestOutbox>(),
        channels,
        time,
        Microsoft.Extensions.Logging.Abstractions.NullLogger<DigestService>.Instance,
        new OfflineDigestHealth(),
        new GroupGuard.Host.Pipeline.IncidentsInFlight(time),
        service.Services.GetRequiredService<GroupGuard.Core.IIncidentBrowser>());

    private static GroupGuard.Core.Incident Incident(string messageId, DateTimeOffset detected) =>
        Incidents.Of(messageId, time: detected, action: GroupGuard.Core.ModerationAction.Log);

    [Fact]
    public async Task Two_instances_on_one_database_send_a_digest_once_on_each_channel()
    {
        using var service = new GroupGuardFactory();
        var (_, leader, fire) = await PausedAsync(service);
        var sends = new ConcurrentQueue<string>();
        var firstSending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstMayFinish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        DigestService Instance(IDigestChannels channels) => AnotherInstance(service, channels, TimeProvider.System);
        var first = Instance(new NotingChannels(sends, firstSending, firstMayFinish.Task));
        var second = Instance(new NotingChannels(sends)); // its own gate, as in another process on the same database

        // The first instance is still sending when the second one's fire and retry find the digest unfinished.
        var sending = first.RunAsync(leader, fire, CancellationToken.None);
        await firstSending.Task.Within("the first instance to start sending");
        await Task.WhenAll(second.RunAsync(leader, fire, CancellationToken.None), second.RetryAsync(CancellationToken.None));
        firstMayFinish.SetResult();
        await sending;
        await Task.WhenAll(first.RetryAsync(CancellationToken.None), second.RetryAsync(CancellationToken.None));

        Assert.Equal(leader.Channels, sends.Order(StringComparer.Ordinal));
        var record = Assert.Single(await ListAsync(first.Outbox), r => r.PeriodTo == fire);
        Assert.Equal(DigestStatus.Sent, record.Status);
    }

    [Fact]
    public async Task A_failed_channel_s_backoff_holds_for_every_instance_on_the_database()
    {
        using var service = new GroupGuardFactory();
        var (_, leader, fire) = await PausedAsync(service);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TimeProvider.System.GetUtcNow());
        DigestService Instance(IDigestChannels channels) => AnotherInstance(service, channels, clock);
        var failing = new CapturingChannels { Fails = true };
        var other = new CapturingChannels();
        var first = Instance(failing);
        var second = Instance(other); // another process on the same database, with no memory of the failure

        await first.RunAsync(leader, fire, CancellationToken.None);
        await second.RetryAsync(CancellationToken.None);
        var triedEarly = other.Sent.Count;
        clock.Advance(TimeSpan.FromSeconds(61)); // past the first backoff (1 minute)
        await second.RetryAsync(CancellationToken.None);

        Assert.Equal(leader.Channels.Count, failing.Sent.Count); // each channel tried once, and failed
        Assert.Equal(0, triedEarly); // not tried again within the backoff, by any instance
        Assert.Equal(leader.Channels.Count, other.Sent.Count);
        Assert.Equal(DigestStatus.Sent, Assert.Single(await ListAsync(second.Outbox), r => r.PeriodTo == fire).Status);
    }

    [Fact]
    public async Task A_digest_whose_run_failed_before_it_was_stored_is_made_by_the_retry_once()
    {
        using var service = new GroupGuardFactory();
        var (_, leader, fire) = await PausedAsync(service);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var outbox = new FailingOutbox(service.Services.GetRequiredService<IDigestOutbox>()) { FailuresLeft = 1 };
        var channels = new CapturingChannels();
        var digests = AnotherInstance(service, channels, clock, outbox);

        // 08:00, and the database is failing over: nothing stored, nothing sent. The run was lost,
        // its incidents left for the next day's digest.
        await Assert.ThrowsAsync<InvalidOperationException>(() => digests.RunAsync(leader, fire, CancellationToken.None));
        await digests.RetryAsync(CancellationToken.None); // within the backoff: not yet
        Assert.DoesNotContain(await ListAsync(outbox), r => r.PeriodTo == fire);

        clock.Advance(TimeSpan.FromSeconds(61)); // past the first backoff (1 minute)
        await digests.RetryAsync(CancellationToken.None);
        var record = Assert.Single(await ListAsync(outbox), r => r.Leader == leader.Name && r.PeriodTo == fire);
        Assert.Equal(DigestStatus.Sent, record.Status);
        Assert.Equal(leader.Channels.Count, channels.Sent.Count(d => d.To == fire));

        // Made once: later retries, and the fire itself run again (a misfire), store and send nothing more.
        clock.Advance(TimeSpan.FromMinutes(30));
        await digests.RetryAsync(CancellationToken.None);
        Assert.Null(await digests.RunAsync(leader, fire, CancellationToken.None));
        Assert.Single(await ListAsync(outbox), r => r.Leader == leader.Name && r.PeriodTo == fire);
        Assert.Equal(leader.Channels.Count, channels.Sent.Count(d => d.To == fire));
    }

    [Fact]
    public async Task A_digest_whose_run_failed_on_another_instance_is_made_by_this_one_s_retry_once()
    {
        using var service = new GroupGuardFactory();
        var (_, leader, _) = await PausedAsync(service);
        var outbox = service.Services.GetRequiredService<IDigestOutbox>();

        // The default leader's digest was due at 08:00 in Shanghai (00:00 UTC), after yesterday's;
        // its run failed on another instance of the cluster, and the retry job fires on this one,
        // which knows nothing of that failure.
        var due = new DateTimeOffset(2099, 1, 10, 0, 0, 0, TimeSpan.Zero);
        var yesterday = await PendingDigestAsync(outbox, leader, due.AddDays(-2), due.AddDays(-1));
        await outbox.UpdateChannelAsync(yesterday.Id, leader.Channels[0], new ChannelOutcome(ChannelStatus.Sent, 1, null, due.AddDays(-1)), CancellationToken.None);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(due.AddMinutes(2));
        var channels = new CapturingChannels();
        var digests = AnotherInstance(service, channels, clock);

        await digests.RetryAsync(CancellationToken.None); // two minutes on: the run may still be making it
        Assert.DoesNotContain(await ListAsync(outbox), r => r.PeriodTo == due);

        clock.Advance(DigestService.RunGrace);
        await digests.RetryAsync(CancellationToken.None);
        await AnotherInstance(service, channels, clock).RetryAsync(CancellationToken.None); // and the next minute's, on a third instance

        var record = Assert.Single(await ListAsync(outbox), r => r.Leader == leader.Name && r.PeriodTo == due);
        Assert.Equal(due.AddDays(-1), record.PeriodFrom);
        Assert.Equal(DigestStatus.Sent, record.Status);
        Assert.Equal(leader.Channels.Count, channels.Sent.Count);
    }

    [Fact]
    public async Task A_digest_compares_with_the_period_before_only_where_the_leader_s_digests_covered_it()
    {
        using var service = new GroupGuardFactory();
        var (_, leader, fire) = await PausedAsync(service);
        var store = service.Services.GetRequiredService<GroupGuard.Core.IIncidentStore>();
        var digests = AnotherInstance(service, new CapturingChannels(), TimeProvider.System);
        var day = TimeSpan.FromDays(1);
        await store.AddAsync([Incident("p1", fire - day - TimeSpan.FromHours(6))], CancellationToken.None);

        // The leader's first digest: the day before it had no digest (the service may not even have
        // been running), so it has nothing to say it rose from.
        var first = await digests.RunAsync(leader, fire - day, CancellationToken.None);
        await store.AddAsync([Incident("p2", fire - TimeSpan.FromHours(10)), Incident("p3", fire - TimeSpan.FromHours(5))], CancellationToken.None);
        var second = await digests.RunAsync(leader, fire, CancellationToken.None);
        // After three days down: the three days before were not all covered by digests.
        var afterAStop = await digests.RunAsync(leader, fire + (3 * day), CancellationToken.None);

        Assert.Contains("发现 1 条违规消息。", first!.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("上期", first.Text, StringComparison.Ordinal);
        Assert.Contains("发现 2 条违规消息。比上期多 1 条。", second!.Text, StringComparison.Ordinal); // the first digest's day
        Assert.Equal(fire, afterAStop!.PeriodFrom);
        Assert.Contains("本期无违规，共检查 0 条消息（按整点小时统计", afterAStop.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("上期", afterAStop.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Digests_whose_periods_are_not_on_the_hour_count_every_message_once_by_whole_hours()
    {
        using var service = new GroupGuardFactory();
        var (_, leader, fire) = await PausedAsync(service);
        var store = service.Services.GetRequiredService<GroupGuard.Core.IIncidentStore>();
        var digests = AnotherInstance(service, new CapturingChannels(), TimeProvider.System);
        var hour = new DateTimeOffset(fire.UtcTicks - (fire.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero).AddHours(-3);
        Task Count(DateTimeOffset at, long count) =>
            store.AddMessageCountsAsync([new GroupGuard.Core.MessageCount("qq", "123456", at, count)], CancellationToken.None);

        // A digest at :36: the messages of its hour so far, and of the hour before.
        await Count(hour.AddHours(-1), 5);
        await Count(hour, 4);
        var first = await digests.RunAsync(leader, hour.AddMinutes(36), CancellationToken.None);
        // The rest of that hour comes after it, then the next hour's, before the next digest at 1:10 past.
        await Count(hour, 3);
        await Count(hour.AddHours(1), 2);
        var second = await digests.RunAsync(leader, hour.AddMinutes(70), CancellationToken.None);
        var third = await digests.RunAsync(leader, hour.AddHours(2), CancellationToken.None);

        // Each hour is counted whole by the digest whose period it ends in: none lost between two digests, none twice.
        Assert.Contains("共检查 5 条消息（按整点小时统计：", first!.Text, StringComparison.Ordinal);
        Assert.Contains("共检查 7 条消息（按整点小时统计：", second!.Text, StringComparison.Ordinal);
        Assert.Contains("共检查 2 条消息（按整点小时统计：", third!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Right_after_a_restart_a_digest_of_earlier_incidents_says_the_bots_are_unheard_since_the_start()
    {
        using var service = new GroupGuardFactory();
        var (digests, leader, fire) = await PausedAsync(service);
        var store = service.Services.GetRequiredService<GroupGuard.Core.IIncidentStore>();
        // Incidents the service recorded before it restarted; it has heard from no bot since.
        await store.AddAsync([Incident("r1", fire.AddHours(-3))], CancellationToken.None);

        var digest = await digests.RunAsync(leader, fire, CancellationToken.None);

        Assert.Contains("发现 1 条违规消息", digest!.Text, StringComparison.Ordinal);
        Assert.Matches(@"本服务 \d\d-\d\d \d\d:\d\d 启动后尚未收到任何机器人事件", digest.Text);
        Assert.DoesNotContain("尚未收到任何平台事件", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_digest_names_each_bot_heard_by_its_account_before_its_bridge_s_protocol()
    {
        using var service = new GroupGuardFactory();
        var (digests, leader, fire) = await PausedAsync(service);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(611, "明天交作业"));
        await service.HandledAsync("611");

        var digest = await digests.RunAsync(leader, fire, CancellationToken.None);

        Assert.Matches(@"机器人 10001（OneBot v11） 最后事件：\d\d-\d\d \d\d:\d\d", digest!.Text);
        Assert.DoesNotContain("onebot.v11", digest.Text, StringComparison.Ordinal);
        // /healthz, read by scripts and monitoring, keeps the wire name.
        var health = JsonNode.Parse(await service.CreateClient().GetStringAsync(new Uri("/healthz", UriKind.Relative)))!;
        Assert.Equal("onebot.v11", (string?)health["adapters"]![0]!["protocol"]);
    }

    [Fact]
    public async Task Healthz_shows_the_latest_digest_and_alert_the_outbox_records_whichever_process_sent_them()
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Leaders:0:Name"] = "王主任",
            ["GroupGuard:Leaders:0:Groups:0"] = "*",
            ["GroupGuard:Leaders:0:Schedule"] = "0 0 8 * * ?",
            ["GroupGuard:Leaders:0:Channels:0"] = "archive",
            ["GroupGuard:Alerts:0:Name"] = "office",
            ["GroupGuard:Alerts:0:Groups:0"] = "*",
            ["GroupGuard:Alerts:0:Channels:0"] = "archive",
            ["GroupGuard:Channels:archive:Type"] = "file",
            ["GroupGuard:Channels:archive:Path"] = "digests",
        });
        var (_, leader, fire) = await PausedAsync(service);
        var outbox = service.Services.GetRequiredService<IDigestOutbox>();

        // Sent by other processes on the same database (`digest send`, the service before a
        // restart, another instance): yesterday's digest went out, today's failed on its channel.
        await AnotherInstance(service, new CapturingChannels(), TimeProvider.System).RunAsync(leader, fire.AddDays(-1), CancellationToken.None);
        await AnotherInstance(service, new CapturingChannels { Fails = true }, TimeProvider.System).RunAsync(leader, fire, CancellationToken.None);
        var alert = await outbox.CreateAsync(new DigestRecord
        {
            Leader = "alert:office", PeriodFrom = fire.AddMinutes(-5), PeriodTo = fire, Status = DigestStatus.Pending, CreatedAt = fire,
            Title = "群管告警", Markdown = "告警", Text = "告警", Html = "<p>告警</p>", IncidentIds = [],
            Channels = new Dictionary<string, ChannelOutcome> { ["archive"] = new(ChannelStatus.Pending, 0, null, null) },
        }, CancellationToken.None);
        await outbox.UpdateChannelAsync(alert.Id, "archive", new ChannelOutcome(ChannelStatus.Sent, 1, null, fire), CancellationToken.None);
        await PendingDigestAsync(outbox, new LeaderOptions { Name = "李老师", Channels = ["archive"] }, fire.AddDays(-1), fire); // no leader of this service's

        var health = JsonNode.Parse(await service.CreateClient().GetStringAsync(new Uri("/healthz", UriKind.Relative)))!;

        var digest = Assert.Single(health["digests"]!.AsArray())!;
        Assert.Equal("王主任", digest["leader"]!.GetValue<string>());
        Assert.Equal(fire, digest["last_period_to"]!.GetValue<DateTimeOffset>());
        Assert.Equal("failing", digest["status"]!.GetValue<string>());
        Assert.Equal(["archive: the server refused the message (554)"], digest["failed_channels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Contains("digest 王主任: failing on archive", health["problems"]!.AsArray().Select(p => p!.GetValue<string>()));
        var shown = Assert.Single(health["alerts"]!.AsArray())!;
        Assert.Equal(("office", fire, "sent"), (shown["rule"]!.GetValue<string>(), shown["last_period_to"]!.GetValue<DateTimeOffset>(), shown["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Healthz_reports_an_alert_s_follow_up_that_its_channel_gave_up_on_under_its_rule_and_as_a_problem()
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Alerts:0:Name"] = "office",
            ["GroupGuard:Alerts:0:Groups:0"] = "*",
            ["GroupGuard:Alerts:0:Channels:0"] = "archive",
            ["GroupGuard:Channels:archive:Type"] = "file",
            ["GroupGuard:Channels:archive:Path"] = "digests",
        });
        var (_, _, fire) = await PausedAsync(service);
        var outbox = service.Services.GetRequiredService<IDigestOutbox>();
        async Task<DigestRecord> StoredAsync(string key, ChannelOutcome outcome)
        {
            var record = await outbox.CreateAsync(new DigestRecord
            {
                Leader = key, PeriodFrom = fire.AddMinutes(-5), PeriodTo = fire, Status = DigestStatus.Pending, CreatedAt = fire,
                Title = "群管告警", Markdown = "告警", Text = "告警", Html = "<p>告警</p>", IncidentIds = [],
                Channels = new Dictionary<string, ChannelOutcome> { ["archive"] = new(ChannelStatus.Pending, 0, null, null) },
            }, CancellationToken.None);
            await outbox.UpdateChannelAsync(record.Id, "archive", outcome, CancellationToken.None);
            return record;
        }

        // The alert arrived; its follow-up, on the same channel, was given up on after its five tries.
        await StoredAsync("alert:office", new ChannelOutcome(ChannelStatus.Sent, 1, null, fire));
        await StoredAsync("alert-followup:office", new ChannelOutcome(ChannelStatus.Failed, DigestRecord.MaxSendAttempts, "disk full", null));

        var health = JsonNode.Parse(await service.CreateClient().GetStringAsync(new Uri("/healthz", UriKind.Relative)))!;

        Assert.Equal("degraded", health["status"]!.GetValue<string>());
        Assert.Contains("alert office: follow-up failing on archive", health["problems"]!.AsArray().Select(p => p!.GetValue<string>()));
        var shown = Assert.Single(health["alerts"]!.AsArray())!;
        Assert.Equal("sent", shown["status"]!.GetValue<string>());
        Assert.Equal(("failing", fire), (shown["follow_up"]!["status"]!.GetValue<string>(), shown["follow_up"]!["last_period_to"]!.GetValue<DateTimeOffset>()));
        Assert.Equal(["archive: disk full"], shown["follow_up"]!["failed_channels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.DoesNotContain(health["digests"]!.AsArray(), d => d!["leader"]!.GetValue<string>().StartsWith("alert", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_digest_keeps_the_chart_it_was_made_with_and_a_retry_after_a_restart_sends_that_picture()
    {
        var channels = new CapturingChannels { Fails = true };
        using var service = new GroupGuardFactory(services: services => services.Replace(ServiceDescriptor.Singleton<IDigestChannels>(channels)));
        var (digests, leader, fire) = await PausedAsync(service);
        var store = service.Services.GetRequiredService<GroupGuard.Core.IIncidentStore>();
        var browser = service.Services.GetRequiredService<GroupGuard.Core.IIncidentBrowser>();
        await store.AddAsync([Incidents.Of("c1", time: fire.AddDays(-3), category: "ads"), Incidents.Of("c2", time: fire.AddDays(-40), category: "ads")], CancellationToken.None);

        // The first attempt fails; then an incident of those 30 days arrives late (a replay), and
        // the service restarts (a new instance) and tries again once the first try's backoff is over.
        var record = await digests.RunAsync(leader, fire, CancellationToken.None);
        await store.AddAsync([Incidents.Of("c3", time: fire.AddDays(-2), detectedAt: fire.AddSeconds(5), category: "fraud")], CancellationToken.None);
        channels.Fails = false;
        var restarted = AnotherInstance(service, channels, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TimeProvider.System.GetUtcNow().AddMinutes(2)));
        await restarted.RetryAsync(CancellationToken.None);
        var madeNow = await GroupGuard.Core.Digests.Charts.IncidentChart.RenderAsync(browser, fire, DigestService.Zone(leader), null, CancellationToken.None);

        Assert.NotNull(record);
        Assert.NotNull(record.ChartPng);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], record.ChartPng[..4]);
        Assert.True(channels.Sent.Count >= 2, $"{channels.Sent.Count} sends"); // the failed one and the retry
        Assert.All(channels.Sent, d => Assert.Equal(record.ChartPng, d.ChartPng));
        Assert.NotEqual(record.ChartPng, madeNow); // made again, the chart would show the late incident
        var stored = Assert.Single(await ListAsync(digests.Outbox), r => r.PeriodTo == record.PeriodTo);
        Assert.Equal(DigestStatus.Sent, stored.Status);
    }

    /// <summary>Channels that keep what they were given to send, and fail while told to.</summary>
    private sealed class CapturingChannels : IDigestChannels
    {
        public bool Fails { get; set; }

        public ConcurrentQueue<DigestDocument> Sent { get; } = new();

        public IReadOnlyCollection<string> Names => [];

        public IDigestChannel? Get(string name) => new Capturing(name, this);

        private sealed class Capturing(string name, CapturingChannels owner) : IDigestChannel
        {
            public string Name => name;

            public string Type => "email";

            public Task SendAsync(DigestDocument digest, DeliveredParts delivered, CancellationToken cancellationToken)
            {
                owner.Sent.Enqueue(digest);
                return owner.Fails ? throw new DigestChannelException("the server refused the message (554)") : Task.CompletedTask;
            }
        }
    }

    private static async Task<List<DigestRecord>> ListAsync(IDigestOutbox outbox)
    {
        var list = new List<DigestRecord>();
        await foreach (var record in outbox.ListAsync(null, CancellationToken.None))
        {
            list.Add(record);
        }

        return list;
    }

    /// <summary>Channels that note each send; given a gate, they say when a send starts and finish it only once let.</summary>
    private sealed class NotingChannels(ConcurrentQueue<string> sends, TaskCompletionSource? started = null, Task? mayFinish = null) : IDigestChannels
    {
        public IReadOnlyCollection<string> Names => [];

        public IDigestChannel? Get(string name) => new Noting(name, sends, started, mayFinish);

        private sealed class Noting(string name, ConcurrentQueue<string> sends, TaskCompletionSource? started, Task? mayFinish) : IDigestChannel
        {
            public string Name => name;

            public string Type => "file";

            public async Task SendAsync(DigestDocument digest, DeliveredParts delivered, CancellationToken cancellationToken)
            {
                started?.TrySetResult();
                if (mayFinish is not null)
                {
                    await mayFinish.WaitAsync(cancellationToken);
                }

                sends.Enqueue(name);
            }
        }
    }

    [Fact]
    public async Task After_a_crash_mid_send_the_restarted_service_sends_the_channel_at_once()
    {
        using var service = new GroupGuardFactory();
        var (digests, leader, fire) = await PausedAsync(service);
        var outbox = digests.Outbox;
        var record = await PendingDigestAsync(outbox, leader, fire.AddDays(-1), fire);

        // The process before the restart claimed the channel and died sending it.
        var now = DateTimeOffset.UtcNow;
        Assert.True(await outbox.ClaimChannelAsync(record.Id, leader.Channels[0], DeadHolder, now, now.AddMinutes(5), CancellationToken.None));

        await digests.RetryAsync(CancellationToken.None);

        var after = Assert.Single(await ListAsync(outbox), r => r.Id == record.Id);
        Assert.Equal(DigestStatus.Sent, after.Status);
    }

    [Fact]
    public async Task A_restarted_instance_leaves_a_live_instance_s_claim_and_takes_a_dead_one_s()
    {
        // Two instances on one machine and one database: this test process stands for the live one,
        // holding the claim on one digest's channel while it sends it; a process that died mid-send
        // holds the claim on the next. A service started beside them (another process, reading this
        // one's start as its own clock gives it) sends the dead one's digest and leaves the live one's.
        using var service = new GroupGuardFactory();
        var (digests, leader, fire) = await PausedAsync(service);
        var outbox = digests.Outbox;
        var live = await PendingDigestAsync(outbox, leader, fire.AddDays(-2), fire.AddDays(-1));
        var abandoned = await PendingDigestAsync(outbox, leader, fire.AddDays(-1), fire);
        var now = DateTimeOffset.UtcNow;
        Assert.True(await outbox.ClaimChannelAsync(live.Id, leader.Channels[0], ClaimHolder.Current, now, now.AddMinutes(5), CancellationToken.None));
        Assert.True(await outbox.ClaimChannelAsync(abandoned.Id, leader.Channels[0], DeadHolder, now, now.AddMinutes(5), CancellationToken.None));

        var environment = StartupAndHealthTests.Environment(service);
        environment["GroupGuard__Storage__DataFolder"] = Directory.CreateDirectory(Path.Combine(service.Folder, "second-instance")).FullName;
        using var second = GroupGuardProcess.Start(service.Folder, environment);
        _ = second.StandardOutput.ReadToEndAsync();
        _ = second.StandardError.ReadToEndAsync();
        try
        {
            // At start the service releases the claims of processes that are gone and sends what they left.
            using var safety = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while ((await ListAsync(outbox)).Single(r => r.Id == abandoned.Id).Status != DigestStatus.Sent)
            {
                Assert.False(second.HasExited, "the second instance stopped");
                await Task.Delay(50, safety.Token);
            }

            // Released in the same step as the dead one's, had it looked gone: still pending, never tried.
            var kept = (await ListAsync(outbox)).Single(r => r.Id == live.Id);
            Assert.Equal(DigestStatus.Pending, kept.Status);
            Assert.Equal(0, kept.Channels[leader.Channels[0]].Attempts);
            Assert.False(await outbox.ClaimChannelAsync(live.Id, leader.Channels[0], "someone else", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None));
        }
        finally
        {
            second.Kill();
            await second.WaitForExitAsync();
        }
    }

    /// <summary>A process of this machine that is gone (no process has that id).</summary>
    private static readonly string DeadHolder = ClaimHolder.Describe(int.MaxValue - 7, 638_000_000_000_000_000, ClaimHolder.Machine);

    /// <summary>
    /// The started service's digests and its one (default) leader, with the service's own digest
    /// jobs stopped (catch-up, retry at start and every minute, schedules; running ones finish
    /// first), so that only the test sends: the retry job would otherwise claim a digest a test
    /// made between its creation and its send, and the default leader's digest (00:00 UTC) would
    /// join the test's when it runs across midnight. And a period end a minute ahead, on the second.
    /// </summary>
    private static async Task<(DigestService Digests, LeaderOptions Leader, DateTimeOffset Fire)> PausedAsync(GroupGuardFactory service)
    {
        await service.StartedAsync();
        var digests = service.Services.GetRequiredService<DigestService>();
        var leader = Assert.Single(digests.Leaders);
        var scheduler = await service.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
        await scheduler.Standby();
        while ((await scheduler.QueryFireInstances(new Quartz.FireInstanceQuery { State = null })).Items.Count > 0)
        {
            await Task.Delay(10);
        }

        return (digests, leader, DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60));
    }

    private static Task<DigestRecord> PendingDigestAsync(IDigestOutbox outbox, LeaderOptions leader, DateTimeOffset from, DateTimeOffset to) =>
        outbox.CreateAsync(new DigestRecord
        {
            Leader = leader.Name, PeriodFrom = from, PeriodTo = to, Status = DigestStatus.Pending, CreatedAt = to,
            Title = "群管日报", Markdown = "无违规", Text = "无违规", Html = "<p>无违规</p>", IncidentIds = [],
            Channels = leader.Channels.ToDictionary(c => c, _ => new ChannelOutcome(ChannelStatus.Pending, 0, null, null)),
        }, CancellationToken.None);

    [Fact]
    public async Task A_daily_leader_s_scheduled_digest_is_titled_a_daily_one_and_one_sent_between_fires_is_not()
    {
        using var service = new GroupGuardFactory();
        var (digests, leader, now) = await PausedAsync(service);
        Assert.Equal("0 0 8 * * ?", leader.Schedule); // the default leader's: 08:00 in Shanghai, 00:00 UTC

        // Its first digest, at a fire, covers the day before: from the fire before to this one.
        var fire = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var daily = await digests.RunAsync(leader, fire, CancellationToken.None);
        var between = await digests.RunAsync(leader, now, CancellationToken.None); // `digest send` later that day

        Assert.StartsWith("群管日报 ", daily!.Title, StringComparison.Ordinal);
        Assert.StartsWith("### 群管日报 ", daily.Markdown, StringComparison.Ordinal);
        Assert.StartsWith("群管报告 ", between!.Title, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0 0 8 * * ?", "2026-11-25T08:00:00+08:00", "2026-11-26T08:00:00+08:00", DigestCadence.Daily)]
    [InlineData("0 0 8 ? * MON", "2026-11-23T08:00:00+08:00", "2026-11-30T08:00:00+08:00", DigestCadence.Weekly)]
    [InlineData("0 0 8 1 * ?", "2026-11-01T08:00:00+08:00", "2026-12-01T08:00:00+08:00", DigestCadence.Monthly)]
    [InlineData("0 0/10 * * * ?", "2026-11-25T08:00:00+08:00", "2026-11-25T08:10:00+08:00", DigestCadence.None)]
    [InlineData("0 0 8 ? * MON-FRI", "2026-11-27T08:00:00+08:00", "2026-11-30T08:00:00+08:00", DigestCadence.None)] // Friday to Monday
    [InlineData("0 0 8 * * ?", "2026-11-25T15:00:00+08:00", "2026-11-26T15:00:00+08:00", DigestCadence.None)] // sent by hand, a day after the last
    [InlineData("0 0 8 * * ?", "2026-11-24T08:00:00+08:00", "2026-11-26T08:00:00+08:00", DigestCadence.None)] // a catch-up over two fires
    [InlineData("0 0 8 ? * MON", "2026-11-29T08:00:00+08:00", "2026-11-30T08:00:00+08:00", DigestCadence.None)] // a weekly leader's first: 24 hours back
    public void A_digest_is_daily_weekly_or_monthly_only_from_one_fire_of_its_schedule_to_the_next(string schedule, string from, string to, DigestCadence cadence)
    {
        var leader = new LeaderOptions { Name = "王主任", Groups = ["*"], Schedule = schedule, TimeZone = "Asia/Shanghai" };

        Assert.Equal(cadence, DigestService.Cadence(leader, DateTimeOffset.Parse(from, CultureInfo.InvariantCulture), DateTimeOffset.Parse(to, CultureInfo.InvariantCulture), DigestService.Zone(leader)));
    }

    [Fact]
    public async Task With_no_leader_configured_a_default_digest_is_written_to_a_file()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var digests = service.Services.GetRequiredService<DigestService>();

        var leader = Assert.Single(digests.Leaders);
        Assert.Equal(["*"], leader.Groups);
        Assert.Equal(["default-file"], leader.Channels);
    }

    [Fact]
    public void A_leader_added_to_the_settings_file_of_a_running_service_replaces_the_default_one_entirely()
    {
        // As the service reads appsettings.json: a ConfigurationManager, the file, then the default leader.
        const string noLeader = """{ "GroupGuard": { "Channels": { "wang-robot": { "Type": "file", "Path": "wang" } } } }""";
        using var folder = new TempFolder();
        var file = folder.Write("appsettings.json", noLeader);
        using var configuration = new ConfigurationManager();
        configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
        DigestRegistration.AddDefaults(configuration);
        var validator = new DigestRegistration.LeadersValidator(configuration, TimeProvider.System);
        Assert.Equal("default", Assert.Single(DigestRegistration.ReadLeaders(configuration)).Name);

        // The operator adds a leader while the service runs (the file watcher reloads it).
        File.WriteAllText(file, """
            { "GroupGuard": {
                "Leaders": [ { "Name": "王主任", "Groups": ["123456", "234567"], "Schedule": "0 30 7 * * ?", "Channels": ["wang-robot"] } ],
                "Channels": { "wang-robot": { "Type": "file", "Path": "wang" } } } }
            """);
        ((IConfigurationRoot)configuration).Reload();

        // Their leader as they wrote it: no "default" name, no "*" group, no default file channel.
        var leaders = DigestRegistration.ReadLeaders(configuration);
        var wang = Assert.Single(leaders);
        Assert.Equal("王主任", wang.Name);
        Assert.Equal(["123456", "234567"], wang.Groups);
        Assert.Equal(["wang-robot"], wang.Channels);
        Assert.Equal("0 30 7 * * ?", wang.Schedule);
        Assert.False(configuration.GetSection($"GroupGuard:Channels:{DigestRegistration.DefaultChannel}").Exists());
        Assert.True(validator.Validate(null, leaders).Succeeded);

        // Without a leader again, the default one is back.
        File.WriteAllText(file, noLeader);
        ((IConfigurationRoot)configuration).Reload();
        var back = Assert.Single(DigestRegistration.ReadLeaders(configuration));
        Assert.Equal("default", back.Name);
        Assert.Equal(["*"], back.Groups);
        Assert.Equal([DigestRegistration.DefaultChannel], back.Channels);
        Assert.True(validator.Validate(null, [back]).Succeeded);
    }

    /// <summary>The factory's pack with a name for ads.contact, the rule 加微信 hits.</summary>
    private static readonly string NamedPack = GroupGuardFactory.RulePack.Replace("- id: ads.contact\n", "- id: ads.contact\n    name: 邀请私加好友\n", StringComparison.Ordinal);

    /// <summary>
    /// A digest names the rules that hit by their names in the rules in force when it is made (the
    /// incident keeps the id): the leader reads 邀请私加好友 under the message, not ads.contact.
    /// </summary>
    [Fact]
    public async Task A_digest_written_to_a_file_names_the_rule_that_hit_by_its_name()
    {
        using var archive = new TempFolder();
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Leaders:0:Name"] = "王主任",
            ["GroupGuard:Leaders:0:Groups:0"] = "*",
            ["GroupGuard:Leaders:0:Schedule"] = "0 0 8 * * ?",
            ["GroupGuard:Leaders:0:Channels:0"] = "archive",
            ["GroupGuard:Channels:archive:Type"] = "file",
            ["GroupGuard:Channels:archive:Path"] = archive.Path,
        }, rulePack: NamedPack);
        var (digests, leader, fire) = await PausedAsync(service);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(603, "加微信领资料"));
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));

        await digests.RunAsync(leader, fire, CancellationToken.None);

        Assert.Equal("ads.contact", incident.Rule);
        var written = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(archive.Path, "*.md")));
        Assert.Contains("（广告引流，邀请私加好友，", written, StringComparison.Ordinal);
        Assert.DoesNotContain("ads.contact", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_line_previews_sends_and_lists_through_the_outbox()
    {
        using var service = new GroupGuardFactory(rulePack: NamedPack);
        await PausedAsync(service); // the in-process service's own (default) digest stays out of the list
        await service.PostV11Async(GroupGuardFactory.GroupEvent(601, "加微信领资料"));
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        var environment = StartupAndHealthTests.Environment(service);
        environment["GroupGuard__Console__PublicUrl"] = "https://guard.example.org/"; // behind nginx: each message links to the console
        var link = $"[详情](https://guard.example.org/console/incidents/{incident.Id})";
        environment["GroupGuard__Leaders__0__Name"] = "王主任";
        environment["GroupGuard__Leaders__0__Groups__0"] = "123456";
        environment["GroupGuard__Leaders__0__Channels__0"] = "archive";
        environment["GroupGuard__Channels__archive__Type"] = "file";
        environment["GroupGuard__Channels__archive__Path"] = Path.Combine(service.Folder, "digests");
        var timeout = TimeSpan.FromSeconds(60);

        var preview = await GroupGuardProcess.RunAsync(service.Folder, environment, timeout, "digest", "preview", "--leader", "王主任");
        var send = await GroupGuardProcess.RunAsync(service.Folder, environment, timeout, "digest", "send", "--leader", "王主任");
        var list = await GroupGuardProcess.RunAsync(service.Folder, environment, timeout, "digest", "list", "--format", "jsonl");
        var unknown = await GroupGuardProcess.RunAsync(service.Folder, environment, timeout, "digest", "preview", "--leader", "nobody");

        Assert.Equal(0, preview.ExitCode);
        Assert.Contains("发现 1 条违规消息", preview.Output, StringComparison.Ordinal);
        Assert.Contains($"） {link}\n", preview.Output, StringComparison.Ordinal);
        Assert.Equal(0, send.ExitCode);
        Assert.Contains("archive: sent", send.Output, StringComparison.Ordinal);
        var file = Assert.Single(Directory.GetFiles(Path.Combine(service.Folder, "digests"), "*.md"));
        var written = await File.ReadAllTextAsync(file);
        Assert.Contains("二年级家长群", written, StringComparison.Ordinal);
        Assert.Contains($"） {link}\n", written, StringComparison.Ordinal);
        Assert.Contains("，邀请私加好友，", written, StringComparison.Ordinal); // the rules folder read for the names, as the service names the rules
        Assert.DoesNotContain("ads.contact", written, StringComparison.Ordinal);
        var row = JsonNode.Parse(Assert.Single(list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)))!;
        Assert.Equal("王主任", row["leader"]!.GetValue<string>());
        Assert.Equal("sent", row["status"]!.GetValue<string>());
        Assert.Single(row["incident_ids"]!.AsArray());
        Assert.Equal("sent", row["channels"]!["archive"]!["status"]!.GetValue<string>());
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no leader named 'nobody'", unknown.Error, StringComparison.Ordinal);

        // Sent again at once: only with --force.
        var forced = await GroupGuardProcess.RunAsync(service.Folder, environment, timeout, "digest", "send", "--leader", "王主任", "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.Contains("archive: sent", forced.Output, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(service.Folder, "digests"), "*.md").Length);
    }

    [Fact]
    public async Task Digest_list_names_alerts_and_follow_ups_as_the_console_does_and_takes_those_names_or_keys()
    {
        using var service = new GroupGuardFactory();
        var (digests, leader, now) = await PausedAsync(service);
        await PendingDigestAsync(digests.Outbox, leader, now.AddHours(-24), now);
        DigestRecord Entry(string key, DateTimeOffset to) => new()
        {
            Leader = key, PeriodFrom = to.AddMinutes(-1), PeriodTo = to, Status = DigestStatus.Pending, CreatedAt = to,
            Title = "群管告警", Markdown = "…", Text = "…", Html = "<p>…</p>", IncidentIds = [7, 8, 9], Messages = 2,
            Channels = new Dictionary<string, ChannelOutcome> { ["office-robot"] = new(ChannelStatus.Pending, 0, null, null) },
        };
        await digests.Outbox.CreateAsync(Entry("alert:office", now.AddHours(-2)), CancellationToken.None);
        await digests.Outbox.CreateAsync(Entry("alert-followup:office", now.AddHours(-2)), CancellationToken.None);

        async Task<(int Exit, string[] Lines)> ListAsync(params string[] args)
        {
            using var output = new StringWriter();
            var exit = await GroupGuardCommandLine.InvokeAsync(
                ["digest", "list", .. args, $"--GroupGuard:Storage:ConnectionString=Data Source={service.DatabasePath}"], output, TextWriter.Null, CancellationToken.None);
            return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        var (exit, lines) = await ListAsync();
        Assert.Equal(0, exit);
        Assert.Equal(["告警 office  ", "告警跟进 office  ", "default  "], lines.Select(l => l[..(l.IndexOf("  ", StringComparison.Ordinal) + 2)]));
        Assert.EndsWith("office-robot: pending  messages: 2, incidents: 3", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("alert", string.Join("\n", lines), StringComparison.Ordinal);

        // What the log calls them (Digest for alert:office …), with --keys; either picks an entry out.
        var (_, keyed) = await ListAsync("--keys");
        Assert.Equal(["alert:office  ", "alert-followup:office  ", "default  "], keyed.Select(l => l[..(l.IndexOf("  ", StringComparison.Ordinal) + 2)]));
        Assert.StartsWith("告警跟进 office  ", Assert.Single((await ListAsync("--leader", "告警跟进 office")).Lines), StringComparison.Ordinal);
        Assert.StartsWith("告警 office  ", Assert.Single((await ListAsync("--leader", "alert:office")).Lines), StringComparison.Ordinal);
        var row = JsonNode.Parse(Assert.Single((await ListAsync("--leader", "告警 office", "--format", "jsonl")).Lines))!;
        Assert.Equal("alert:office", row["leader"]!.GetValue<string>());
        Assert.Equal("告警 office", row["name"]!.GetValue<string>());
        Assert.Equal(2, row["messages"]!.GetValue<int>());
    }

    [Fact]
    public async Task Digest_send_right_after_the_leader_s_last_digest_sends_nothing_unless_forced()
    {
        using var service = new GroupGuardFactory();
        var (_, leader, _) = await PausedAsync(service);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var channels = new CapturingChannels();
        var digests = AnotherInstance(service, channels, clock);
        async Task<(int Exit, string Output)> SendAsync(bool force = false)
        {
            using var output = new StringWriter();
            var exit = await GroupGuard.Host.Cli.DigestCommand.SendAsync(digests, leader.Name, force, output, TextWriter.Null, CancellationToken.None);
            return (exit, output.ToString());
        }

        var first = await SendAsync();
        var last = Assert.Single(await ListAsync(digests.Outbox)).PeriodTo;
        clock.Advance(TimeSpan.FromSeconds(20)); // run again at once, by hand or by a script
        var again = await SendAsync();
        var afterAgain = (await ListAsync(digests.Outbox)).Count;
        var forced = await SendAsync(force: true);
        clock.Advance(DigestService.MinimumPeriod);
        var later = await SendAsync();

        Assert.Equal(0, first.Exit);
        Assert.Equal((0, 1), (again.Exit, afterAgain)); // nothing is wrong; nothing was made or sent
        Assert.Contains($"nothing sent: {leader.Name}'s last digest ended at {last.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}, 20 s ago", again.Output, StringComparison.Ordinal);
        Assert.Contains("--force", again.Output, StringComparison.Ordinal);
        Assert.Equal(0, forced.Exit);
        Assert.Equal(0, later.Exit);
        var records = await ListAsync(digests.Outbox);
        Assert.Equal(3, records.Count); // the first, the forced one of 20 seconds, and one five minutes on
        Assert.Equal(records[0].PeriodTo.AddSeconds(20), records[1].PeriodTo);
        Assert.Equal(3 * leader.Channels.Count, channels.Sent.Count);
    }

    [Fact]
    public async Task Digest_send_exits_1_and_names_the_channel_that_did_not_take_the_digest()
    {
        using var service = new GroupGuardFactory();
        await PausedAsync(service);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(602, "加微信领资料"));
        Assert.Single(await service.IncidentsAfterAsync(1));
        var blocker = Path.Combine(service.Folder, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "a file where the channel's folder would be");
        var environment = StartupAndHealthTests.Environment(service);
        environment["GroupGuard__Leaders__0__Name"] = "王主任";
        environment["GroupGuard__Leaders__0__Groups__0"] = "123456";
        environment["GroupGuard__Leaders__0__Channels__0"] = "archive";
        environment["GroupGuard__Leaders__0__Channels__1"] = "broken";
        environment["GroupGuard__Channels__archive__Type"] = "file";
        environment["GroupGuard__Channels__archive__Path"] = Path.Combine(service.Folder, "digests");
        environment["GroupGuard__Channels__broken__Type"] = "file";
        environment["GroupGuard__Channels__broken__Path"] = Path.Combine(blocker, "digests");

        var send = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60), "digest", "send", "--leader", "王主任");

        Assert.Equal(1, send.ExitCode);
        Assert.Contains("archive: sent", send.Output, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(Path.Combine(service.Folder, "digests"), "*.md"));
        Assert.Contains("groupguard digest send: not sent on broken (pending", send.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("archive", send.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Digest_preview_to_the_last_day_a_time_may_name_builds_the_digest()
    {
        using var service = new GroupGuardFactory();
        await service.PostV11Async(GroupGuardFactory.GroupEvent(603, "加微信领资料"));
        Assert.Single(await service.IncidentsAfterAsync(1));

        var output = await PreviewUpToTheLastDayAsync(service);

        Assert.Contains("发现 1 条违规消息", output, StringComparison.Ordinal);
    }

    /// <summary>The default leader's digest previewed from 2025-11-01 to the last day a time may name; the preview must succeed.</summary>
    private static async Task<string> PreviewUpToTheLastDayAsync(GroupGuardFactory service)
    {
        var digests = service.Services.GetRequiredService<DigestService>();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await GroupGuard.Host.Cli.DigestCommand.PreviewAsync(
            digests, "default", new DateTimeOffset(2025, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(9998, 12, 31, 0, 0, 0, TimeSpan.Zero), output, error, CancellationToken.None);

        Assert.True(exit == 0, error.ToString());
        return output.ToString();
    }

    [Fact]
    public async Task A_digest_of_hits_a_rule_only_records_does_not_call_them_handled_with_no_bot_connected()
    {
        using var service = new GroupGuardFactory(rulePack: """
            pack: test-abuse
            name: 测试辱骂
            category: abuse
            severity: medium
            action: log
            rules:
              - id: abuse.profanity
                terms: [王八蛋]
            """);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(604, "你这个王八蛋", userId: 104));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(605, "王八蛋别说了", userId: 105));
        await service.IncidentsAfterAsync(2);

        var output = await PreviewUpToTheLastDayAsync(service);

        Assert.Contains("发现 2 条违规消息", output, StringComparison.Ordinal);
        Assert.Contains("已处置 0 条；仅记录 2 条", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Digest_preview_from_a_future_time_without_to_says_the_period_would_end_now()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var digests = service.Services.GetRequiredService<DigestService>();
        using var error = new StringWriter();

        var exit = await GroupGuard.Host.Cli.DigestCommand.PreviewAsync(digests, "default", digests.Now.AddDays(2), null, TextWriter.Null, error, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains("is not before now", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("without --to", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("must be before --to", error.ToString(), StringComparison.Ordinal);
    }
}
