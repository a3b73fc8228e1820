using System.Globalization;
using GroupGuard.Host.Health;

namespace GroupGuard.Host.Tests.Health;

/// <summary>The database checks behind /healthz run at most once a while, and a clock set back does not freeze them.</summary>
public sealed class ThrottledCheckTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-06T08:00:00Z", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_result_is_reused_while_fresh_and_checked_again_after()
    {
        var clock = new SettableClock { Now = Now };
        var check = new ThrottledCheck<string>(clock, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        var runs = 0;
        Task<string> Run() => check.GetAsync(_ => Task.FromResult($"run {++runs}"), ex => ex.Message, CancellationToken.None);

        Assert.Equal("run 1", await Run());
        clock.Now = Now.AddSeconds(4);
        Assert.Equal("run 1", await Run());
        clock.Now = Now.AddSeconds(5);
        Assert.Equal("run 2", await Run());
    }

    /// <summary>
    /// The machine's clock set back an hour: the last result, taken "in the future", was served as
    /// fresh until the clock caught up, so /healthz said "ok" (or "unusable") for an hour whatever
    /// the database did.
    /// </summary>
    [Fact]
    public async Task A_result_taken_before_the_clock_was_set_back_is_not_served_for_the_hour()
    {
        var clock = new SettableClock { Now = Now };
        var check = new ThrottledCheck<string>(clock, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        var answer = "ok";

        Assert.Equal("ok", await check.GetAsync(_ => Task.FromResult(answer), ex => ex.Message, CancellationToken.None));
        clock.Now = Now.AddHours(-1);
        answer = "unusable";

        Assert.Equal("unusable", await check.GetAsync(_ => Task.FromResult(answer), ex => ex.Message, CancellationToken.None));
    }

    /// <summary>
    /// A database held by another writer's lock: the check was cut off after its timeout and
    /// /healthz said only "The operation was canceled.".
    /// </summary>
    [Fact]
    public async Task A_check_cut_off_by_its_timeout_says_it_got_no_answer_in_time()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now);
        var check = new ThrottledCheck<string>(clock, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));

        var run = check.GetAsync(async token => { await Task.Delay(Timeout.Infinite, token); return "ok"; }, ex => ex.Message, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(5));
        var result = await run;

        Assert.StartsWith("no answer within 5 s", result, StringComparison.Ordinal);
        Assert.Contains("locked", result, StringComparison.Ordinal);
    }

    /// <summary>A clock that a test sets to any time, earlier ones too (a fake clock only goes forward).</summary>
    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
