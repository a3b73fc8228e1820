using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Core.Accounts;
using GroupGuard.Core.Digests;
using GroupGuard.Host.Pipeline;
using GroupGuard.Host.Tests.Console;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Host.Tests;

/// <summary>The whole service on PostgreSQL, with what a chat message may carry that PostgreSQL's text refuses.</summary>
[Collection(PostgresProcessCollection.Name)]
public sealed class PostgresTextTests(PostgresServer server)
{
    [Fact]
    public async Task A_message_holding_a_nul_is_recorded_and_moderation_goes_on()
    {
        var database = await server.CreateDatabaseAsync("nul");
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Storage:Provider"] = "postgres",
            ["GroupGuard:Storage:ConnectionString"] = database,
        });

        // PostgreSQL refuses U+0000 in text: the incident's write failed for ever, and the worker with it.
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "加微信\u0000领资料", userId: 20002));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "加微信", userId: 20003));

        var first = await service.SettledAsync(1, i => i.MessageId == "1");
        var next = await service.SettledAsync(2, i => i.MessageId == "2");
        Assert.Equal("加微信\uFFFD领资料", first.MessageText);
        Assert.Equal("ads.contact", next.Rule);
    }

    /// <summary>
    /// A sender's name and a platform's refusal carrying a NUL: the incident and its outcome are
    /// stored, with U+FFFD in their place. Only the message text was cleaned: the incident's write
    /// failed for ever (the name), or its outcome's did and it stayed pending (the refusal).
    /// </summary>
    [Fact]
    public async Task A_name_and_a_refusal_holding_a_nul_are_recorded()
    {
        var database = await server.CreateDatabaseAsync("nul_names");
        await using var api = FakeOneBotApi.Start();
        api.Default = FakeAnswer.Failed(1200, "permission\u0000denied", "机器人不是管理员\u0000");
        using var service = new GroupGuardFactory(GroupGuardFactory.OneBotApi(
            api.BaseUrl,
            ("GroupGuard:Storage:Provider", "postgres"),
            ("GroupGuard:Storage:ConnectionString", database)));
        var body = System.Text.Json.Nodes.JsonNode.Parse(GroupGuardFactory.GroupEvent(1, "加微信"))!;
        body["sender"]!["card"] = "三班\u0000班长";

        await service.PostV11Async(body.ToJsonString());

        var incident = await service.SettledAsync(1, i => i.MessageId == "1");
        Assert.Equal("三班\uFFFD班长", incident.SenderName);
        Assert.Equal(ActionStatus.Failed, incident.ActionStatus);
        Assert.Contains("\uFFFD", incident.ActionError, StringComparison.Ordinal);
        Assert.DoesNotContain("\0", incident.ActionError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_whose_excerpt_is_cut_at_an_emoji_makes_one_alert()
    {
        var database = await server.CreateDatabaseAsync("emoji");
        using var folder = new TempFolder();
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Storage:Provider"] = "postgres",
            ["GroupGuard:Storage:ConnectionString"] = database,
            ["GroupGuard:Alerts:0:Name"] = "office",
            ["GroupGuard:Alerts:0:MinSeverity"] = "medium",
            ["GroupGuard:Alerts:0:Groups:0"] = "*",
            ["GroupGuard:Alerts:0:Channels:0"] = "alert-file",
            ["GroupGuard:Alerts:0:CoalesceSeconds"] = "1",
            ["GroupGuard:Channels:alert-file:Type"] = "file",
            ["GroupGuard:Channels:alert-file:Path"] = folder.Path,
        });

        // The excerpt's 40th and 41st code units are the emoji: cut between them, the alert held a
        // lone surrogate, which Npgsql refuses to write; the alert failed at every look.
        var text = new string('群', 39) + "😀加微信";
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, text));
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        Assert.Equal(text, incident.MessageText);

        var stored = await service.OutboxCalls.WaitForAsync(
            c => c.Method == nameof(IDigestOutbox.CreateAsync) && ((DigestRecord)c.Arguments[0]!).Leader == "alert:office",
            "the alert to be stored");
        Assert.Null(stored.Failure);
        await service.OutboxCalls.WaitForAsync(
            c => c.Method == nameof(IDigestOutbox.UpdateChannelAsync) && Equals(c.Arguments[1], "alert-file") && c.Failure is null,
            "the alert to be sent");
        var seen = service.OutboxCalls.Count;
        await service.OutboxCalls.WaitUntilAsync(
            calls => calls.Skip(seen).Any(c => c.Method == nameof(IDigestOutbox.LastPeriodAsync) && Equals(c.Arguments[0], "alert:office")),
            "the alert service's next look");

        var records = new List<DigestRecord>();
        await foreach (var record in service.Services.GetRequiredService<IDigestOutbox>().ListAsync("alert:office", CancellationToken.None))
        {
            records.Add(record);
        }

        var alert = Assert.Single(records);
        Assert.Equal(DigestStatus.Sent, alert.Status);
        Assert.Equal([incident.Id], alert.IncidentIds);
        Assert.Contains($"「{new string('群', 39)}…」", alert.Text, StringComparison.Ordinal);
        Assert.Contains($"「{new string('群', 39)}…」", await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(folder.Path))), StringComparison.Ordinal);
    }

    /// <summary>
    /// OneBot v12's <c>self.platform</c> is free text, and was taken whatever it held: a NUL, or a
    /// name of 3,000 characters (an index row over PostgreSQL's 8 KB), failed the incident's and
    /// the message count's write for ever, and moderation stalled behind them. Refused now, naming
    /// the field; the next message is moderated.
    /// </summary>
    [Fact]
    public async Task A_v12_platform_postgresql_cannot_store_is_refused_at_intake_and_moderation_goes_on()
    {
        var database = await server.CreateDatabaseAsync("v12_platform");
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Storage:Provider"] = "postgres",
            ["GroupGuard:Storage:ConnectionString"] = database,
        });
        string Event(string platform, string id)
        {
            var body = JsonNode.Parse(GroupGuardFactory.Sample("v12-wechat-group.json"))!;
            body["self"]!["platform"] = platform;
            body["message_id"] = id;
            body["message"] = new JsonArray(new JsonObject { ["type"] = "text", ["data"] = new JsonObject { ["text"] = "加微信 abc12345" } });
            return body.ToJsonString();
        }

        using var nul = await service.PostV12Async(Event("wechat\u0000x", "p1"));
        using var huge = await service.PostV12Async(Event(new string('平', 3000), "p2"));
        using var next = await service.PostV12Async(Event("wechat", "p3"));

        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Contains("field 'self.platform' holds a control character", await nul.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Contains("field 'self.platform' is longer than 32 characters", await huge.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, next.StatusCode);
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        Assert.Equal(("wechat", "p3"), (incident.Platform, incident.MessageId));
    }

    /// <summary>
    /// Messages an older build journaled with such a platform (a NUL, 3,000 characters) came back at
    /// every start and stalled moderation on PostgreSQL for good: their incidents were retried for
    /// ever, their counts put back every second, and the journal's checkpoint never moved, while
    /// /healthz said healthy. Each is now given up on after a few tries, said as an error without
    /// the NUL, and counted; the message after them is moderated, and a restart replays none of them.
    /// </summary>
    [Fact]
    public async Task Messages_whose_records_postgresql_refuses_are_given_up_on_and_the_next_is_moderated()
    {
        var database = await server.CreateDatabaseAsync("refused");
        using var inbox = new TempFolder();
        JournalReplayTests.Seed(inbox.Path, "unstorable-platforms.jsonl", segment: 1);
        var settings = new Dictionary<string, string?>
        {
            ["GroupGuard:Storage:Provider"] = "postgres",
            ["GroupGuard:Storage:ConnectionString"] = database,
            ["GroupGuard:Pipeline:InboxPath"] = inbox.Path,
        };

        using (var service = new GroupGuardFactory(settings))
        {
            _ = service.CreateClient(); // starts it: the journal is replayed

            await service.HandledAsync("p3");
            // The counts go on too: the journal's checkpoint moves past the refused messages.
            await service.Services.GetRequiredService<MessageCounter>().FlushAsync();
            var stats = service.Services.GetRequiredService<PipelineStats>();

            var incidents = await service.IncidentsAsync();
            Assert.DoesNotContain(incidents, i => i.MessageId == "p1");
            Assert.Contains(incidents, i => (i.Platform, i.MessageId) == ("wechat", "p3"));
            var refused = service.Logs.Entries.Where(e => e.Level == LogLevel.Error && e.Message.Contains("cannot be stored", StringComparison.Ordinal)).ToList();
            Assert.Contains(refused, e => e.Message.StartsWith("The incidents of wechat x group 12345678901@chatroom message p1 cannot be stored", StringComparison.Ordinal));
            // 3,000 CJK characters that do not compress: an index row over PostgreSQL's 8 KB.
            Assert.Contains(refused, e => e.Message.Contains(" group 12345678901@chatroom message p2 cannot be stored", StringComparison.Ordinal));
            Assert.DoesNotContain(service.Logs.Entries, e => e.Message.Contains('\0', StringComparison.Ordinal));
            Assert.True(stats.RefusedCount >= 2, $"{stats.RefusedCount} records refused");
            using var health = JsonDocument.Parse(await service.CreateClient().GetStringAsync(new Uri("/healthz", UriKind.Relative)));
            Assert.Equal("healthy", health.RootElement.GetProperty("status").GetString());
            Assert.Equal(stats.RefusedCount, health.RootElement.GetProperty("pipeline").GetProperty("records_refused").GetInt64());
        }

        using var restarted = new GroupGuardFactory(settings);
        _ = restarted.CreateClient(); // starts it: nothing left in the journal to replay
        await restarted.PostV11Async(GroupGuardFactory.GroupEvent(4, "今天几点放学"));
        await restarted.HandledAsync("4");
        Assert.Equal(["4"], restarted.Handled.Items.Select(m => m.MessageId));
    }

    /// <summary>A NUL in a console filter or form went to PostgreSQL, which refuses it in text: a 500. A 400 now, as an overlong one.</summary>
    [Fact]
    public async Task A_control_character_in_a_console_filter_or_platform_is_a_400()
    {
        var database = await server.CreateDatabaseAsync("console_nul");
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Storage:Provider"] = "postgres",
            ["GroupGuard:Storage:ConnectionString"] = database,
        });
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");

        foreach (var filter in new[] { "q=%00", "group=123%00", "user=%00", "pack=ads%00", "rule=ads.contact%00", "q=%E5%8A%A0%0A" })
        {
            using var response = await browser.GetAsync("/console/incidents?" + filter);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{filter}: {response.StatusCode}");
            Assert.Contains("不能含控制字符（如换行）", System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        using var platform = await browser.PostFormAsync("/console/groups", "/console/groups?handler=DryRun", new Dictionary<string, string> { ["platform"] = "qq\u0001", ["group"] = "123456", ["value"] = "on" });
        using var plain = await browser.GetAsync("/console/incidents?q=%E5%8A%A0%E5%BE%AE%E4%BF%A1");

        Assert.True(platform.StatusCode == HttpStatusCode.BadRequest, $"{platform.StatusCode}: {await platform.Content.ReadAsStringAsync()} {platform.RequestMessage?.RequestUri}");
        Assert.Contains("「平台」不能含控制字符（如换行、制表符），请删去后再提交。", System.Net.WebUtility.HtmlDecode(await platform.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
    }
}
