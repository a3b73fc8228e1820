using GroupGuard.Core;

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
}
