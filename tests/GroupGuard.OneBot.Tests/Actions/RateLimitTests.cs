using System.Diagnostics;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Tests.Fakes;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

/// <summary>
/// Real time. Arrival times at the fake carry scheduling jitter (a late call shortens the gap after
/// it), so the bounds are: how long a bot's calls take in all (delays only lengthen that), no three
/// calls of one bot inside a window well under one second, and orderings with a wide margin.
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
        var clock = Stopwatch.StartNew();

        var first = new List<Task<ActionResult>>();
        var second = new List<Task<ActionResult>>();
        for (var i = 0; i < 6; i++)
        {
            first.Add(client.ExecuteAsync(Action(ModerationAction.Recall, bot: "10000", message: $"{i}"), CancellationToken.None));
            second.Add(client.ExecuteAsync(Action(ModerationAction.Recall, bot: "20000", message: $"{100 + i}"), CancellationToken.None));
        }

        var firstResults = await Task.WhenAll(first).WaitAsync(TimeSpan.FromSeconds(30));
        var firstTook = clock.Elapsed;
        var secondResults = await Task.WhenAll(second).WaitAsync(TimeSpan.FromSeconds(30));
        var secondTook = clock.Elapsed;

        Assert.All(firstResults.Concat(secondResults), r => Assert.Equal(ActionResult.Done, r));
        // Slots at 0, 0.5 … 2.5 s: the sixth call cannot start before 2.5 s.
        Assert.True(firstTook >= TimeSpan.FromSeconds(2.45), $"first bot's six calls took {firstTook}");
        Assert.True(secondTook >= TimeSpan.FromSeconds(2.45), $"second bot's six calls took {secondTook}");

        var report = string.Join(" | ", _api.Requests.Select(r => $"{r.Params["message_id"]}@{r.ReceivedAt.TotalMilliseconds:0}ms"));
        var firstArrivals = ArrivalsOf(bot: 0);
        var secondArrivals = ArrivalsOf(bot: 100);
        Assert.Equal(6, firstArrivals.Count);
        Assert.Equal(6, secondArrivals.Count);
        foreach (var arrivals in new[] { firstArrivals, secondArrivals })
        {
            for (var i = 2; i < arrivals.Count; i++)
            {
                // Three calls are at least 1 s apart when limited; unlimited they would come together.
                Assert.True(arrivals[i] - arrivals[i - 2] >= TimeSpan.FromSeconds(0.7), $"calls {i - 2} to {i} within {arrivals[i] - arrivals[i - 2]}: {report}");
            }
        }

        // Independent: each bot's third call (at ~1 s) comes well before the other's sixth (at ~2.5 s).
        Assert.True(secondArrivals[2] < firstArrivals[5], report);
        Assert.True(firstArrivals[2] < secondArrivals[5], report);
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

    private List<TimeSpan> ArrivalsOf(int bot) =>
        _api.Requests
            .Where(r => (int)r.Params["message_id"]! >= bot && (int)r.Params["message_id"]! < bot + 100)
            .Select(r => r.ReceivedAt)
            .ToList();
}
