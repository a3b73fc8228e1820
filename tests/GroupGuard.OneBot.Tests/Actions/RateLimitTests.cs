using System.Diagnostics;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Tests.Fakes;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

/// <summary>
/// Real time. Arrival times carry scheduling jitter on a loaded machine (a late call shortens the gap
/// after it), so spacing is checked as lower bounds from one origin, which lateness cannot break.
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Six_actions_of_one_bot_at_two_per_second_are_spaced_while_another_bot_goes_its_own_pace()
    {
        using var client = Create(Options(_api, o => o.MaxActionsPerSecond = 2));
        var origin = _api.Elapsed;
        var clock = Stopwatch.StartNew();

        var calls = new List<Task<ActionResult>>();
        for (var i = 0; i < 6; i++)
        {
            calls.Add(client.ExecuteAsync(Action(ModerationAction.Recall, bot: "10000", message: $"{i}"), CancellationToken.None));
            calls.Add(client.ExecuteAsync(Action(ModerationAction.Recall, bot: "20000", message: $"{100 + i}"), CancellationToken.None));
        }

        var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));
        var took = clock.Elapsed;

        Assert.All(results, r => Assert.Equal(ActionResult.Done, r));
        var report = string.Join(" | ", _api.Requests.Select(r => $"{r.Params["message_id"]}@{(r.ReceivedAt - origin).TotalMilliseconds:0}ms"));
        foreach (var bot in new[] { 0, 100 })
        {
            var arrivals = _api.Requests
                .Where(r => (int)r.Params["message_id"]! - bot is >= 0 and < 100)
                .Select(r => r.ReceivedAt - origin)
                .ToList();
            Assert.Equal(6, arrivals.Count);
            for (var i = 0; i < arrivals.Count; i++)
            {
                // The i-th call has the slot at i × 0.5 s and cannot come earlier (a few ms for timer
                // granularity); coming later is load on the machine, not a broken limit.
                Assert.True(arrivals[i] >= TimeSpan.FromSeconds((i * 0.5) - 0.03), $"bot {bot}: call {i} at {arrivals[i]}: {report}");
            }
        }

        // Independent: one shared limit would put the twelfth call at 5.5 s.
        Assert.True(took < TimeSpan.FromSeconds(5.45), $"both bots took {took}: {report}");
    }

    [Fact]
    public async Task Retries_count_against_the_bots_rate()
    {
        _api.Script("delete_msg", FakeAnswer.Http(500), FakeAnswer.Http(500), FakeAnswer.Ok());
        using var client = Create(Options(_api, o => o.MaxActionsPerSecond = 2), retryBaseDelay: TimeSpan.FromMilliseconds(10));
        var clock = Stopwatch.StartNew();

        Assert.Equal(ActionResult.Done, await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None));

        Assert.Equal(3, _api.Requests.Count);
        // The backoff alone is ~30 ms; the third call waits for its slot at 1 s.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"three calls took {clock.Elapsed}");
    }
}
