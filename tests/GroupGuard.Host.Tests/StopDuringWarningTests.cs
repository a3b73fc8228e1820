using GroupGuard.Core;
using Microsoft.Data.Sqlite;

namespace GroupGuard.Host.Tests;

/// <summary>
/// A graceful stop (a deploy, <c>systemctl restart</c>) while a message's warning waits out OneBot's
/// coalescing window, its recall and mute or kick done already: the restarted service sends only
/// the warning, never the recall, mute or kick again, and the incident says what became of it all.
/// </summary>
public sealed class StopDuringWarningTests
{
    // Every hit recalls and mutes (or kicks), and the escalation's first step adds a warning.
    private const string Pack = """
        pack: ads
        name: 广告
        category: ads
        severity: medium
        action: mute
        rules:
          - id: ads.contact
            terms: [加微信]
            mute_minutes: 10
          - id: ads.brushing
            terms: [刷单返利]
            action: kick
        """;

    /// <summary>One instance of the service over the database in <paramref name="folder"/>; its warnings wait <paramref name="window"/> seconds for others.</summary>
    private static GroupGuardFactory Instance(FakeOneBotApi api, TempFolder folder, string window) => new(
        GroupGuardFactory.OneBotApi(
            api.BaseUrl,
            ("GroupGuard:Storage:ConnectionString", $"Data Source={folder.File("groupguard.db")}"),
            ("GroupGuard:OneBot:WarningCoalesceSeconds", window),
            ("GroupGuard:Moderation:Escalation:0:Count", "1"),
            ("GroupGuard:Moderation:Escalation:0:Action", "warn")),
        Pack);

    /// <summary>
    /// Posts the message and waits until its <paramref name="act"/> is done: past that line the job
    /// goes on to hand its warning off whatever happens (nothing it awaits before then is cancelled by a stop).
    /// </summary>
    private static async Task ActedAsync(GroupGuardFactory service, long messageId, string text, string act)
    {
        await service.PostV11Async(GroupGuardFactory.GroupEvent(messageId, text));
        await service.Logs.WaitFor(
            e => e.Message.StartsWith($"Action {act} on qq group 123456 user 20002 message {messageId}: Done", StringComparison.Ordinal),
            $"the {act.ToLowerInvariant()} to be done");
    }

    /// <summary>The incident once its outcome is recorded after the restart.</summary>
    private static async Task<Incident> SettledAfterRestartAsync(GroupGuardFactory restarted)
    {
        await restarted.StartedAsync();
        await restarted.StoreCalls.WaitForAsync(GroupGuardFactory.IsOutcome, "the outcome after the restart");
        return Assert.Single(await restarted.IncidentsAsync());
    }

    [Fact]
    public async Task A_stop_while_the_warning_waits_sends_only_the_warning_after_the_restart_and_the_incident_is_done()
    {
        await using var api = FakeOneBotApi.Start();
        // The platform refuses to recall a message that is gone already.
        api.Script("delete_msg", FakeAnswer.Ok(), FakeAnswer.Failed(1200, "message not found"));
        using var folder = new TempFolder(SqliteConnection.ClearAllPools);

        await using (var service = Instance(api, folder, "600"))
        {
            await service.StartedAsync();
            await ActedAsync(service, 7001, "想要资料的加微信", "Mute");
            Assert.Equal(ActionStatus.Pending, Assert.Single(await service.IncidentsAsync()).ActionStatus);
        }

        Assert.Empty(api.RequestsFor("send_group_msg")); // the stop ended the warning's wait
        await using var restarted = Instance(api, folder, "0");
        var incident = await SettledAfterRestartAsync(restarted);

        Assert.Equal((ActionStatus.Done, (string?)null), (incident.ActionStatus, incident.ActionError));
        Assert.Single(api.RequestsFor("delete_msg"));
        Assert.Equal(600, Assert.Single(api.RequestsFor("set_group_ban")).Params["duration"]!.GetValue<long>());
        Assert.Contains("[CQ:at,qq=20002]", Assert.Single(api.RequestsFor("send_group_msg")).RawBody, StringComparison.Ordinal);
        Assert.Equal([ModerationAction.Recall, ModerationAction.Mute, ModerationAction.Warn], incident.PlannedActions);
    }

    [Fact]
    public async Task A_stop_while_a_kicks_warning_waits_neither_kicks_nor_clears_again_after_the_restart()
    {
        await using var api = FakeOneBotApi.Start();
        using var folder = new TempFolder(SqliteConnection.ClearAllPools);

        await using (var service = Instance(api, folder, "600"))
        {
            await service.StartedAsync();
            await service.PostV11Async(GroupGuardFactory.GroupEvent(7010, "大家好"));
            await service.HandledAsync("7010");
            await ActedAsync(service, 7011, "刷单返利，日结三百", "Kick");
            await service.StoreCalls.WaitForAsync(c => c.Method == nameof(IIncidentStore.RecordClearedAsync), "the clear after the kick");
        }

        await using var restarted = Instance(api, folder, "0");
        var incident = await SettledAfterRestartAsync(restarted);

        Assert.Equal((ActionStatus.Done, 1, 0), (incident.ActionStatus, incident.ClearedMessages, incident.ClearFailed));
        Assert.Single(api.RequestsFor("set_group_kick"));
        Assert.Equal([7011L, 7010L], api.RequestsFor("delete_msg").Select(r => r.Params["message_id"]!.GetValue<long>()));
        Assert.Single(api.RequestsFor("send_group_msg"));
    }
}
