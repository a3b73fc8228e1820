using GroupGuard.Core;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.DependencyInjection;

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
}
