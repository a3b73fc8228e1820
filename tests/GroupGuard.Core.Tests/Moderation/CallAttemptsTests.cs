using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Core.Tests.Moderation;

/// <summary>
/// The attempts of one platform call, as every adapter (OneBot, Milky, the QQ bot platform) makes
/// them: retried only when a retry may help, within the attempts and the time allowed.
/// </summary>
public sealed class CallAttemptsTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(0.5);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private readonly WatchedClock _clock;
    private readonly CallAttempts _attempts;
    private readonly List<(int Attempt, string Error, TimeSpan Delay)> _retries = [];

    public CallAttemptsTests()
    {
        _clock = new WatchedClock(_time);
        _attempts = new CallAttempts(new CallPacer(_clock), _clock, Base);
    }

    private readonly record struct Outcome(string? Error, bool Transient) : IAttemptOutcome
    {
        public static Outcome Ok { get; } = new(null, false);

        public static Outcome Later(string error) => new(error, true);

        public static Outcome No(string error) => new(error, false);
    }

    private static CallLimits Limits(int maxAttempts = 3, double budgetSeconds = 60, double perSecond = 100) =>
        new("bot-1", perSecond, maxAttempts, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(budgetSeconds));

    /// <summary>Answers each attempt with the next outcome, recording what time each was given.</summary>
    private Task<CallTried<Outcome>> Run(CallLimits limits, List<TimeSpan> given, params Outcome[] outcomes)
    {
        var next = 0;
        return _attempts.RunAsync(
            limits,
            (clock, _) =>
            {
                given.Add(clock.AttemptTimeout);
                return Task.FromResult(outcomes[Math.Min(next++, outcomes.Length - 1)]);
            },
            (attempt, error, delay) => _retries.Add((attempt, error, delay)),
            CancellationToken.None);
    }

    /// <summary>
    /// Moves the fake clock past the next backoff the call waits on (a timer of under 2 s made after
    /// timer <paramref name="after"/>; a retry's wait for its turn makes a timer for the rest of the
    /// budget too), and returns that timer's number.
    /// </summary>
    private async Task<int> PassBackoffAsync(int after)
    {
        var backoff = await _clock.TimerAsync(t => t.DueTime < TimeSpan.FromSeconds(2), skip: after, what: "a backoff");
        _time.SetUtcNow(backoff.DueAt!.Value);
        return backoff.Number;
    }

    [Fact]
    public async Task A_success_ends_the_call_at_the_first_attempt()
    {
        var given = new List<TimeSpan>();

        var tried = await Run(Limits(), given, Outcome.Ok).Within("the call");

        Assert.Equal(CallEnd.Answered, tried.End);
        Assert.Equal(1, tried.Attempts);
        Assert.Null(tried.Outcome.Error);
        Assert.Equal([TimeSpan.FromSeconds(10)], given);
        Assert.Empty(_retries);
    }

    [Fact]
    public async Task A_refusal_is_final_and_never_tried_again()
    {
        var tried = await Run(Limits(), [], Outcome.No("not an admin"), Outcome.Ok).Within("the call");

        Assert.Equal(CallEnd.Answered, tried.End);
        Assert.Equal(1, tried.Attempts);
        Assert.Equal("not an admin", tried.Outcome.Error);
        Assert.Empty(_retries);
    }

    [Fact]
    public async Task With_one_attempt_allowed_a_failure_that_a_retry_might_mend_gives_up_at_once()
    {
        var tried = await Run(Limits(maxAttempts: 1), [], Outcome.Later("HTTP 502"), Outcome.Ok).Within("the call");

        Assert.Equal(CallEnd.OutOfAttempts, tried.End);
        Assert.Equal(1, tried.Attempts);
        Assert.Equal("HTTP 502; gave up after 1 attempt", tried.GaveUp(TimeSpan.FromSeconds(60)));
        Assert.Empty(_retries);
        Assert.Empty(_clock.Timers.Items);
    }

    [Fact]
    public async Task Failures_a_retry_may_mend_are_retried_after_growing_backoffs_until_one_succeeds()
    {
        var call = Run(Limits(maxAttempts: 3), [], Outcome.Later("HTTP 500"), Outcome.Later("HTTP 503"), Outcome.Ok);

        var first = await PassBackoffAsync(after: 0);
        await PassBackoffAsync(after: first);
        var tried = await call.Within("the call");

        Assert.Equal(CallEnd.Answered, tried.End);
        Assert.Equal(3, tried.Attempts);
        Assert.Null(tried.Outcome.Error);
        Assert.Equal([(1, "HTTP 500"), (2, "HTTP 503")], _retries.Select(r => (r.Attempt, r.Error)));
        Assert.InRange(_retries[0].Delay, Base * 0.8, Base * 1.2);
        Assert.InRange(_retries[1].Delay, Base * 2 * 0.8, Base * 2 * 1.2);
    }

    [Fact]
    public async Task The_last_attempt_allowed_failing_gives_up_naming_the_attempts_and_the_last_error()
    {
        var call = Run(Limits(maxAttempts: 2), [], Outcome.Later("HTTP 500"), Outcome.Later("no answer within 10 s"));

        await PassBackoffAsync(after: 0);
        var tried = await call.Within("the call");

        Assert.Equal(CallEnd.OutOfAttempts, tried.End);
        Assert.Equal(2, tried.Attempts);
        Assert.Equal("no answer within 10 s; gave up after 2 attempts", tried.GaveUp(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task A_backoff_longer_than_what_is_left_of_the_budget_ends_the_call_without_waiting()
    {
        // 0.4-0.6 s of backoff against a budget of 0.3 s: nothing is worth waiting for.
        var tried = await Run(Limits(maxAttempts: 5, budgetSeconds: 0.3), [], Outcome.Later("HTTP 500"), Outcome.Ok).Within("the call");

        Assert.Equal(CallEnd.OutOfBudget, tried.End);
        Assert.Equal(1, tried.Attempts);
        Assert.Equal("HTTP 500; gave up after 1 attempt, the 0.3 s budget of one action is spent", tried.GaveUp(TimeSpan.FromSeconds(0.3)));
        Assert.Empty(_retries);
    }

    [Fact]
    public async Task A_later_attempt_is_given_only_what_is_left_of_the_budget()
    {
        var given = new List<TimeSpan>();
        var call = _attempts.RunAsync(
            new CallLimits("bot-1", 100, 3, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12)),
            (clock, _) =>
            {
                given.Add(clock.AttemptTimeout);
                _time.Advance(TimeSpan.FromSeconds(10)); // the attempt used its whole time, then timed out
                return Task.FromResult(given.Count == 1 ? Outcome.Later("no answer within 10 s") : Outcome.Ok);
            },
            null,
            CancellationToken.None);

        await PassBackoffAsync(after: 0);
        var tried = await call.Within("the call");

        Assert.Equal(CallEnd.Answered, tried.End);
        Assert.Equal(TimeSpan.FromSeconds(10), given[0]);
        Assert.InRange(given[1], TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(1.6)); // 12 - 10 - the backoff
    }

    [Fact]
    public async Task A_retry_waits_for_the_accounts_turn_and_gives_up_when_the_turn_comes_after_the_budget()
    {
        // One call every 10 s: the retry's turn is 10 s after the first attempt, past the 2 s budget.
        var attempts = 0;
        var call = _attempts.RunAsync(
            Limits(maxAttempts: 3, budgetSeconds: 2, perSecond: 0.1),
            (_, _) =>
            {
                attempts++;
                return Task.FromResult(Outcome.Later("HTTP 500"));
            },
            null,
            CancellationToken.None);

        await PassBackoffAsync(after: 0);
        var budgetEnd = await _clock.TimerAsync(t => t.DueTime < TimeSpan.FromSeconds(2), skip: 1, what: "the end of the budget");
        var turn = await _clock.TimerAsync(t => t.DueTime > TimeSpan.FromSeconds(9), skip: 1, what: "the wait for the turn");
        Assert.True(turn.IsPending);
        _time.SetUtcNow(budgetEnd.DueAt!.Value);
        var tried = await call.Within("the call");

        Assert.Equal(CallEnd.OutOfBudget, tried.End);
        Assert.Equal(1, attempts);
        Assert.Equal(1, tried.Attempts);
        Assert.EndsWith("the 2 s budget of one action is spent", tried.GaveUp(TimeSpan.FromSeconds(2)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_during_a_backoff_throws_instead_of_reporting_a_failure()
    {
        using var cancellation = new CancellationTokenSource();
        var call = _attempts.RunAsync(Limits(), (_, _) => Task.FromResult(Outcome.Later("HTTP 500")), null, cancellation.Token);

        await _clock.TimerAsync(1);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Within("the call"));
    }
}
