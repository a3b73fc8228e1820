using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Time.Testing;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

/// <summary>
/// On a fake clock that moves only when the test moves it: which calls the limiter lets out at each
/// step is then the same on any machine, however loaded.
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private static readonly TimeSpan Slot = TimeSpan.FromSeconds(0.5); // two per second

    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static OneBotOptions TwoPerSecond(FakeOneBotApi api) =>
        Options(api, o => o.MaxActionsPerSecond = 2);

    private static int MessageId(FakeRequest request) => (int)request.Params["message_id"]!;

    [Fact]
    public async Task Six_actions_of_one_bot_at_two_per_second_are_spaced_while_another_bot_goes_its_own_pace()
    {
        var time = new FakeTimeProvider();
        using var client = Create(TwoPerSecond(_api), time);

        // Bot 10000 asks for messages 0…5, bot 20000 for 100…105, all at once.
        var calls = new List<Task<ActionResult>>();
        for (var i = 0; i < 6; i++)
        {
            calls.Add(client.ExecuteAsync(Action(ModerationAction.Recall, bot: "10000", message: $"{i}"), CancellationToken.None));
            calls.Add(client.ExecuteAsync(Action(ModerationAction.Recall, bot: "20000", message: $"{100 + i}"), CancellationToken.None));
        }

        for (var step = 0; step < 6; step++)
        {
            if (step > 0)
            {
                time.Advance(Slot);
            }

            // Each half second lets out exactly the next call of each bot, in the order they asked:
            // one shared limit would let out one call, not two, and no limit all twelve at once.
            var arrived = await _api.WaitForRequestsAsync(2 * (step + 1));
            Assert.Equal(
                [.. Enumerable.Range(0, step + 1), .. Enumerable.Range(100, step + 1)],
                arrived.Select(MessageId).Order());
            Assert.All(await Task.WhenAll(calls[2 * step], calls[(2 * step) + 1]), r => Assert.Equal(ActionResult.Done, r));
        }

        Assert.Equal([0, 1, 2, 3, 4, 5], _api.Requests.Select(MessageId).Where(id => id < 100));
        Assert.Equal([100, 101, 102, 103, 104, 105], _api.Requests.Select(MessageId).Where(id => id >= 100));
    }

    [Fact]
    public async Task Retries_count_against_the_bots_rate()
    {
        _api.Script("delete_msg", FakeAnswer.Http(500), FakeAnswer.Http(500), FakeAnswer.Ok());
        var time = new FakeTimeProvider();
        var clock = new WatchedClock(time);
        var start = time.GetUtcNow();
        using var client = Create(TwoPerSecond(_api), clock, retryBaseDelay: TimeSpan.FromMilliseconds(10));

        var call = client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        var seen = 0;
        for (var retry = 1; retry <= 2; retry++)
        {
            await _api.WaitForRequestsAsync(retry);

            // The backoff is some milliseconds; once it has passed, the retry still waits for the
            // bot's next slot, half a second after the call before it.
            var backoff = await clock.TimerAsync(t => t.DueTime < Slot, skip: seen, what: $"backoff {retry}");
            time.SetUtcNow(backoff.DueAt!.Value);
            var slot = await clock.TimerAsync(t => t.DueTime < Slot, skip: backoff.Number, what: $"the wait for slot {retry}");
            seen = slot.Number;
            Assert.Equal(start + (retry * Slot), slot.DueAt);
            Assert.Equal(retry, _api.Requests.Count);

            time.SetUtcNow(slot.DueAt!.Value);
        }

        Assert.Equal(ActionResult.Done, await call.Within("the recall"));
        Assert.Equal(3, _api.Requests.Count);
    }
}
