using System.Globalization;
using GroupGuard.Core;

namespace GroupGuard.Host.Tests;

/// <summary>
/// A flood faster than moderation: past the queue the webhook goes on taking messages, which wait
/// in the inbox journal and are moderated in order once the worker gets to them. Refused, they would
/// be lost (a socket never sends an event again).
/// </summary>
public sealed class BacklogTests
{
    [Fact]
    public async Task Messages_past_a_full_queue_are_taken_and_moderated_in_order()
    {
        await using var api = FakeOneBotApi.Start();
        var lookup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        api.Script("get_group_member_info", FakeAnswer.Ok(new System.Text.Json.Nodes.JsonObject { ["role"] = "member", ["user_id"] = 20002 }) with { Hold = lookup.Task });
        using var service = new GroupGuardFactory(GroupGuardFactory.OneBotApi(api.BaseUrl, ("GroupGuard:Pipeline:QueueCapacity", "1")));

        // The first advert's sender has no role in the event: the worker asks the platform, which
        // holds its answer, so the worker waits while the rest come in.
        Assert.True((await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "加微信", role: ""))).IsSuccessStatusCode);
        await api.WaitForRequestAsync(r => r.Action == "get_group_member_info", "the worker to ask for the first sender's role");
        var answers = new List<System.Net.HttpStatusCode>();
        for (var id = 2; id <= 8; id++)
        {
            answers.Add((await service.PostV11Async(GroupGuardFactory.GroupEvent(id, id % 2 == 0 ? "加微信" : "大家好", userId: 20000 + id))).StatusCode);
        }

        var waited = service.Logs.Entries.Any(e => e.Message.Contains("wait in the inbox journal", StringComparison.Ordinal));
        using var health = System.Text.Json.JsonDocument.Parse(await service.CreateClient().GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        var pipeline = health.RootElement.GetProperty("pipeline");
        lookup.SetResult();
        var incidents = await service.IncidentsAfterAsync(8);

        Assert.All(answers, status => Assert.Equal(System.Net.HttpStatusCode.NoContent, status));
        Assert.True(waited, "messages past the queue waited in the journal");
        Assert.Equal(7, pipeline.GetProperty("queued").GetInt32()); // 2 in the queue, 3 to 8 behind it; 1 is being moderated
        Assert.Equal(6, pipeline.GetProperty("backlog").GetInt32());
        Assert.Equal(Enumerable.Range(1, 8).Select(id => id.ToString(CultureInfo.InvariantCulture)), service.Handled.Items.Select(m => m.MessageId));
        Assert.Equal(["1", "2", "4", "6", "8"], incidents.Select(i => i.MessageId).Order(StringComparer.Ordinal));
        await service.Logs.WaitFor(e => e.Message.Contains("caught up with the inbox journal", StringComparison.Ordinal), "the worker to have read the backlog");
    }
}
