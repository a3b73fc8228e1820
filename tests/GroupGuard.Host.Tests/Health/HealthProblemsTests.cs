using System.Globalization;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Rules;
using GroupGuard.Host.Digests;
using GroupGuard.Host.Health;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Tests.Health;

/// <summary>
/// /healthz says "degraded", with each problem in a few words, when the service runs but does not
/// hear or tell as it should: a connection down past a minute, a digest or alert failing, rule errors.
/// </summary>
public sealed class HealthProblemsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-06T08:00:00Z", CultureInfo.InvariantCulture);
    private static readonly RuleSetStatus GoodRules = new("rules", Now.AddHours(-1), [], []);

    private static ConnectionState Connection(string name, bool connected, DateTimeOffset? since, Protocol protocol = Protocol.OneBotV11) =>
        new(protocol, name, "10001", connected, since, null, connected ? null : "Connection refused");

    /// <summary>
    /// Storage writes failing for ever (a record PostgreSQL refused, retried without end) left
    /// /healthz healthy, with only storage.last_write_error set. Three failures in a row are a
    /// problem; one, tried again at once, is not.
    /// </summary>
    [Fact]
    public void Storage_writes_failing_three_times_in_a_row_are_a_problem_and_one_failure_is_not()
    {
        Assert.Empty(HealthEndpoint.Problems(GoodRules, [], [], Now, storageFailures: 1));
        Assert.Equal(
            ["storage: writes failing, 3 tries in a row; moderation waits for them"],
            HealthEndpoint.Problems(GoodRules, [], [], Now, storageFailures: 3));
    }

    /// <summary>
    /// Every recall failing because the bot is not an admin (or not set up, or not answering) left
    /// /healthz healthy, with only pipeline.last_action_error set: incidents were recorded and
    /// nothing was done. Three such failures since the last action carried out are a problem; a
    /// message already gone (refused) is not, and one action carried out ends it.
    /// </summary>
    [Fact]
    public void Actions_failing_three_times_in_a_row_because_the_bot_cannot_act_are_a_problem_and_a_refusal_is_not()
    {
        var stats = new PipelineStats();
        stats.ActionFailed("delete_msg failed: 权限不足", ActionErrorKind.NotPermitted);
        stats.ActionFailed("delete_msg failed: message not found", ActionErrorKind.Refused);
        stats.ActionFailed("delete_msg failed: 权限不足", ActionErrorKind.NotPermitted);
        Assert.Empty(HealthEndpoint.Problems(GoodRules, [], [], Now, unableInRow: stats.UnableInRow));

        stats.ActionFailed("delete_msg failed: 权限不足", ActionErrorKind.NotPermitted);
        Assert.Equal(
            ["actions: the last 3 failed, none carried out since (not_permitted: the bot is not an admin of the group); see pipeline.last_action_error"],
            HealthEndpoint.Problems(GoodRules, [], [], Now, unableInRow: stats.UnableInRow));

        stats.ActionDone();
        Assert.Empty(HealthEndpoint.Problems(GoodRules, [], [], Now, unableInRow: stats.UnableInRow));
    }

    [Fact]
    public async Task Healthz_says_degraded_while_the_bot_cannot_recall_and_healthy_once_a_recall_is_carried_out()
    {
        await using var api = FakeOneBotApi.Start();
        var refused = Enumerable.Repeat(FakeAnswer.Failed(102, "权限不足", "只有管理员可以撤回消息"), PipelineStats.FailingAfter).ToArray();
        api.Script("delete_msg", refused);
        using var service = new GroupGuardFactory(GroupGuardFactory.OneBotApi(api.BaseUrl));
        using var client = service.CreateClient();

        for (var i = 0; i < PipelineStats.FailingAfter; i++)
        {
            // Each from another member: a first offence, a recall alone.
            await service.PostV11Async(GroupGuardFactory.GroupEvent(941 + i, "加微信领资料", userId: 20100 + i));
            await service.SettledAsync(i + 1, incident => incident.MessageId == (941 + i).ToString(CultureInfo.InvariantCulture));
        }

        using (var failing = JsonDocument.Parse(await client.GetStringAsync(new Uri("/healthz", UriKind.Relative))))
        {
            Assert.Equal("degraded", failing.RootElement.GetProperty("status").GetString());
            var problem = Assert.Single(failing.RootElement.GetProperty("problems").EnumerateArray()).GetString();
            Assert.StartsWith("actions: the last 3 failed, none carried out since (not_permitted", problem, StringComparison.Ordinal);
        }

        await service.PostV11Async(GroupGuardFactory.GroupEvent(951, "加微信领资料", userId: 20200));
        await service.SettledAsync(PipelineStats.FailingAfter + 1, incident => incident.MessageId == "951");
        using var recovered = JsonDocument.Parse(await client.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        Assert.Equal("healthy", recovered.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Healthz_says_degraded_while_storage_writes_keep_failing_and_healthy_once_one_succeeds()
    {
        using var service = new GroupGuardFactory();
        using var client = service.CreateClient();
        var stats = service.Services.GetRequiredService<Host.Pipeline.PipelineStats>();
        for (var i = 0; i < Host.Pipeline.PipelineStats.FailingAfter; i++)
        {
            stats.StorageFailed("57P01: terminating connection due to administrator command");
        }

        using (var failing = JsonDocument.Parse(await client.GetStringAsync(new Uri("/healthz", UriKind.Relative))))
        {
            Assert.Equal("degraded", failing.RootElement.GetProperty("status").GetString());
            Assert.Equal(["storage: writes failing, 3 tries in a row; moderation waits for them"], failing.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));
            Assert.Equal("57P01: terminating connection due to administrator command", failing.RootElement.GetProperty("storage").GetProperty("last_write_error").GetString());
        }

        stats.StorageRecovered();
        using var recovered = JsonDocument.Parse(await client.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        Assert.Equal("healthy", recovered.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void A_connection_down_for_a_minute_or_more_is_a_problem_and_one_reconnecting_is_not()
    {
        var problems = HealthEndpoint.Problems(
            GoodRules,
            [
                Connection("ws://127.0.0.1:3001/", connected: true, Now.AddHours(-2)),
                Connection("ws://127.0.0.1:3002/", connected: false, Now.AddSeconds(-20)),  // a bot restarting
                Connection("ws://127.0.0.1:3003/", connected: false, Now.AddMinutes(-5)),
                Connection("chat archive of ww123", connected: false, null, Protocol.WeComArchive), // never came up
            ],
            [],
            Now);

        Assert.Equal(
            ["connection onebot.v11 ws://127.0.0.1:3003/: down since 2026-12-06T07:55:00Z", "connection wecom.archive chat archive of ww123: down"],
            problems);
    }

    [Fact]
    public void A_failing_digest_or_alert_is_named_with_its_channels_and_rule_errors_are_counted()
    {
        var problems = HealthEndpoint.Problems(
            GoodRules with { Errors = ["ads.yaml:3: bad regex"], ErrorTotal = 2 },
            [],
            [
                new DigestService.LeaderDigestState("张老师", Now, ["wecom: HTTP 500", "email: 550 mailbox full"]),
                new DigestService.LeaderDigestState("alert:serious", Now, ["dingtalk: timed out"]),
                new DigestService.LeaderDigestState("李老师", Now, []),
            ],
            Now);

        Assert.Equal(["rules: 2 error(s)", "digest 张老师: failing on wecom, email", "alert serious: failing on dingtalk"], problems);
    }

    [Fact]
    public void A_follow_up_failing_on_a_channel_is_named_under_its_alert_rule()
    {
        var problems = HealthEndpoint.Problems(
            GoodRules,
            [],
            [
                new DigestService.LeaderDigestState("alert:serious", Now, []),
                new DigestService.LeaderDigestState("alert-followup:serious", Now, ["wang-qq: the bot did not answer"]),
            ],
            Now);

        Assert.Equal(["alert serious: follow-up failing on wang-qq"], problems);
    }

    [Fact]
    public void A_stored_digest_is_failing_on_each_unsent_channel_whose_last_try_failed_and_else_pending_while_a_channel_is_untried()
    {
        static GroupGuard.Core.Digests.DigestRecord Stored(params (string Channel, GroupGuard.Core.Digests.ChannelOutcome Outcome)[] channels) => new()
        {
            Leader = "张老师", PeriodFrom = Now.AddDays(-1), PeriodTo = Now, Status = GroupGuard.Core.Digests.DigestStatus.Pending, CreatedAt = Now,
            Title = "", Markdown = "", Text = "", Html = "",
            Channels = channels.ToDictionary(c => c.Channel, c => c.Outcome),
        };
        var sent = new GroupGuard.Core.Digests.ChannelOutcome(GroupGuard.Core.Digests.ChannelStatus.Sent, 1, null, Now);
        var untried = new GroupGuard.Core.Digests.ChannelOutcome(GroupGuard.Core.Digests.ChannelStatus.Pending, 0, null, null);
        var retrying = new GroupGuard.Core.Digests.ChannelOutcome(GroupGuard.Core.Digests.ChannelStatus.Pending, 1, "HTTP 502", null);
        var gaveUp = new GroupGuard.Core.Digests.ChannelOutcome(GroupGuard.Core.Digests.ChannelStatus.Failed, 5, "errcode 93000", null);

        var done = DigestProbe.State(Stored(("wecom", sent)));
        var sending = DigestProbe.State(Stored(("wecom", sent), ("email", untried)));
        var failing = DigestProbe.State(Stored(("wecom", retrying), ("email", untried), ("ding", gaveUp), ("file", sent)));

        Assert.Equal(("张老师", Now, false), (done.Leader, done.PeriodTo, done.Pending));
        Assert.Empty(done.FailedChannels);
        Assert.True(sending.Pending);
        Assert.Empty(sending.FailedChannels);
        Assert.False(failing.Pending);
        Assert.Equal(["ding: errcode 93000", "wecom: HTTP 502"], failing.FailedChannels.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Problems_past_twenty_are_counted_not_listed()
    {
        var down = Enumerable.Range(0, 50).Select(i => Connection($"ws://127.0.0.1:{4000 + i}/", connected: false, Now.AddHours(-1))).ToList();

        var problems = HealthEndpoint.Problems(GoodRules, down, [], Now);

        Assert.Equal(HealthEndpoint.MaxProblems, problems.Count);
        Assert.Equal("and 31 more", problems[^1]);
    }

    /// <summary>
    /// The inbox journal's trouble is named with its folder and why, the worst first: a write (every
    /// event refused), its checkpoint, a new segment; a journal with none is no problem.
    /// </summary>
    [Fact]
    public void An_inbox_journal_that_cannot_write_save_its_checkpoint_or_start_a_segment_is_a_problem()
    {
        const string Folder = "/var/lib/groupguard/inbox";
        JournalHealth Journal(string? write = null, string? checkpoint = null, string? roll = null) => new(Folder, 2, 4096, write is null ? 0 : 7, write, checkpoint, roll);

        string[] Named(JournalHealth journal) => [.. HealthEndpoint.Problems(GoodRules, [], [], Now, journal: journal)];

        Assert.Equal(["inbox journal: cannot write in /var/lib/groupguard/inbox: No space left on device"], Named(Journal("No space left on device", "No space left on device")));
        Assert.Equal(["inbox journal: cannot save its checkpoint in /var/lib/groupguard/inbox: Disk quota exceeded"], Named(Journal(checkpoint: "Disk quota exceeded")));
        Assert.Equal(["inbox journal: cannot start a new segment in /var/lib/groupguard/inbox: Read-only file system"], Named(Journal(roll: "Read-only file system")));
        Assert.Empty(Named(Journal()));
    }

    /// <summary>
    /// With the inbox journal on a full disk every event was refused (503, "the event could not be
    /// saved") while /healthz said healthy with no problems: it says degraded, names the journal's
    /// folder and why, and counts the refused events under <c>journal</c>; healthy again once an
    /// event is journaled.
    /// </summary>
    [Fact]
    public async Task A_journal_that_cannot_write_makes_the_service_degraded_naming_its_folder()
    {
        var disk = new Pipeline.FullDisk();
        using var service = new GroupGuardFactory(services: services => services.AddSingleton(provider => new InboxJournal(
            provider.GetRequiredService<IOptions<PipelineOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<GroupGuard.Core.Moderation.PrivacyOptions>>(),
            provider.GetRequiredService<ILogger<InboxJournal>>()) { OpenFile = disk.Open }));
        var client = service.CreateClient();

        disk.Full = true;
        var refused = await service.PostV11Async(GroupGuardFactory.GroupEvent(970, "今天几点放学"));
        var full = JsonDocument.Parse(await client.GetStringAsync("/healthz")).RootElement;
        disk.Full = false;
        var taken = await service.PostV11Async(GroupGuardFactory.GroupEvent(970, "今天几点放学"));
        var mended = JsonDocument.Parse(await client.GetStringAsync("/healthz")).RootElement;

        var folder = service.Services.GetRequiredService<InboxJournal>().Folder;
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("degraded", full.GetProperty("status").GetString());
        Assert.Equal([$"inbox journal: cannot write in {folder}: No space left on device"], full.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));
        var journal = full.GetProperty("journal");
        Assert.Equal("refusing", journal.GetProperty("status").GetString());
        Assert.Equal(folder, journal.GetProperty("folder").GetString());
        Assert.Equal(1, journal.GetProperty("refused").GetInt64());
        Assert.Equal("No space left on device", journal.GetProperty("last_error").GetString());
        Assert.True(journal.GetProperty("segments").GetInt32() >= 1);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, taken.StatusCode);
        Assert.Equal("healthy", mended.GetProperty("status").GetString());
        Assert.Equal("ok", mended.GetProperty("journal").GetProperty("status").GetString());
        Assert.True(mended.GetProperty("journal").GetProperty("bytes").GetInt64() > 0);
    }

    [Fact]
    public async Task A_service_with_nothing_wrong_is_healthy_with_no_problems()
    {
        using var service = new GroupGuardFactory();

        var body = JsonDocument.Parse(await service.CreateClient().GetStringAsync("/healthz")).RootElement;

        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal(0, body.GetProperty("problems").GetArrayLength());
    }
}
