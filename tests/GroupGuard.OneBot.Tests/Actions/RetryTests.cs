using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Actions;
using GroupGuard.OneBot.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

/// <summary>
/// Retries on what may pass (timeouts, 5xx), never on a refusal. Backoffs, attempt timeouts and the
/// budget run on a fake clock the test moves once it sees the client waiting on it.
/// </summary>
public sealed class RetryTests : IAsyncLifetime
{
    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static (FakeTimeProvider Time, WatchedClock Clock) Clocks()
    {
        var time = new FakeTimeProvider();
        return (time, new WatchedClock(time));
    }

    /// <summary>
    /// The client's next backoff: the first timer after timer <paramref name="after"/> that is shorter
    /// than <paramref name="shorterThan"/> (the test's attempt timeouts and budget are longer).
    /// </summary>
    private static Task<ClockTimer> NextBackoffAsync(WatchedClock clock, int after, TimeSpan shorterThan) =>
        clock.TimerAsync(t => t.DueTime < shorterThan, skip: after, what: "a backoff");

    [Fact]
    public async Task Two_server_errors_then_ok_is_done_after_three_attempts_with_growing_backoff()
    {
        _api.Script("delete_msg", FakeAnswer.Http(500), FakeAnswer.Http(503), FakeAnswer.Ok());
        var (time, clock) = Clocks();
        // The production backoff: 0.5 s then 1 s, each jittered by at most 20 %.
        using var client = Create(Options(_api), clock, retryBaseDelay: TimeSpan.FromSeconds(0.5));

        var call = client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        await _api.WaitForRequestsAsync(1);
        var first = await NextBackoffAsync(clock, after: 0, shorterThan: TimeSpan.FromSeconds(2));
        Assert.InRange(first.DueTime, TimeSpan.FromSeconds(0.4), TimeSpan.FromSeconds(0.6));
        time.SetUtcNow(first.DueAt!.Value);
        await _api.WaitForRequestsAsync(2);
        var second = await NextBackoffAsync(clock, after: first.Number, shorterThan: TimeSpan.FromSeconds(2));
        Assert.InRange(second.DueTime, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
        time.SetUtcNow(second.DueAt!.Value);

        Assert.Equal(ActionResult.Done, await call.Within("the recall"));
        var requests = _api.RequestsFor("delete_msg");
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal(requests[0].RawBody, r.RawBody));
    }

    [Fact]
    public async Task Always_server_errors_fail_after_max_attempts_within_the_budget()
    {
        _api.Default = FakeAnswer.Http(500);
        var (time, clock) = Clocks();
        var start = time.GetUtcNow();
        using var client = Create(Options(_api, o => { o.MaxAttempts = 4; o.ActionBudgetSeconds = 20; }), clock);

        var call = client.ExecuteAsync(Action(ModerationAction.Kick), CancellationToken.None);
        var seen = 0;
        for (var attempt = 1; attempt < 4; attempt++)
        {
            await _api.WaitForRequestsAsync(attempt);
            var backoff = await NextBackoffAsync(clock, after: seen, shorterThan: TimeSpan.FromSeconds(1));
            seen = backoff.Number;
            time.SetUtcNow(backoff.DueAt!.Value);
        }

        var result = await call.Within("the kick");
        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(4, _api.Requests.Count);
        Assert.Contains("HTTP 500", result.Error, StringComparison.Ordinal);
        Assert.Contains("gave up after 4 attempts", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("budget", result.Error, StringComparison.Ordinal);
        Assert.True(time.GetUtcNow() - start < TimeSpan.FromSeconds(20), $"gave up at {time.GetUtcNow() - start} on the action's clock");
    }

    [Fact]
    public async Task A_hanging_api_times_out_on_every_attempt_and_fails()
    {
        _api.Default = FakeAnswer.Hanging();
        var (time, clock) = Clocks();
        using var client = Create(Options(_api, o => { o.ActionTimeoutSeconds = 1; o.MaxAttempts = 3; }), clock);

        var call = client.ExecuteAsync(Action(ModerationAction.Mute), CancellationToken.None);
        var seen = 0;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            // Each attempt waits its whole second for an answer, and only then gives up.
            await _api.WaitForRequestsAsync(attempt);
            var timeout = await clock.TimerAsync(t => t.DueTime == TimeSpan.FromSeconds(1), skip: seen, what: $"the timeout of attempt {attempt}");
            Assert.False(call.IsCompleted);
            time.SetUtcNow(timeout.DueAt!.Value);
            seen = timeout.Number;
            if (attempt < 3)
            {
                var backoff = await NextBackoffAsync(clock, after: seen, shorterThan: TimeSpan.FromSeconds(0.5));
                seen = backoff.Number;
                time.SetUtcNow(backoff.DueAt!.Value);
            }
        }

        var result = await call.Within("the mute");
        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Contains("no answer to set_group_ban within 1 s", result.Error, StringComparison.Ordinal);
        Assert.Equal(3, _api.Requests.Count);
    }

    [Fact]
    public async Task A_private_message_whose_answer_never_comes_is_not_sent_again_as_it_may_have_arrived()
    {
        _api.Default = FakeAnswer.Hanging();
        var (time, clock) = Clocks();
        using var client = Create(Options(_api, o => { o.ActionTimeoutSeconds = 1; o.MaxAttempts = 3; }), clock);

        var call = client.SendPrivateAsync("10001", "今日摘要", CancellationToken.None);
        await _api.WaitForRequestsAsync(1);
        var timeout = await clock.TimerAsync(t => t.DueTime == TimeSpan.FromSeconds(1), what: "the timeout of the first attempt");
        time.SetUtcNow(timeout.DueAt!.Value);

        var result = await call.Within("the private message");
        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Contains("not sent again, as it may have arrived", result.Error, StringComparison.Ordinal);
        Assert.Single(_api.RequestsFor("send_private_msg"));
    }

    [Fact]
    public async Task A_private_message_the_api_answers_with_a_server_error_is_tried_again()
    {
        _api.Script("send_private_msg", FakeAnswer.Http(503), FakeAnswer.Ok());
        var (time, clock) = Clocks();
        using var client = Create(Options(_api), clock);

        var call = client.SendPrivateAsync("10001", "今日摘要", CancellationToken.None);
        await _api.WaitForRequestsAsync(1);
        var backoff = await NextBackoffAsync(clock, after: 0, shorterThan: TimeSpan.FromSeconds(2));
        time.SetUtcNow(backoff.DueAt!.Value);

        Assert.Equal(ActionResult.Done, await call.Within("the private message"));
        Assert.Equal(2, _api.RequestsFor("send_private_msg").Count);
    }

    [Fact]
    public async Task The_budget_stops_retries_before_max_attempts()
    {
        _api.Default = FakeAnswer.Hanging();
        var (time, clock) = Clocks();
        var start = time.GetUtcNow();
        using var client = Create(Options(_api, o => { o.ActionTimeoutSeconds = 1; o.ActionBudgetSeconds = 1.5; o.MaxAttempts = 10; }), clock);

        var call = client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);
        await _api.WaitForRequestsAsync(1);
        var timeout = await clock.TimerAsync(t => t.DueTime == TimeSpan.FromSeconds(1), what: "the timeout of the first attempt");
        time.SetUtcNow(timeout.DueAt!.Value);
        var backoff = await NextBackoffAsync(clock, after: timeout.Number, shorterThan: TimeSpan.FromSeconds(0.5));
        time.SetUtcNow(backoff.DueAt!.Value);
        await _api.WaitForRequestsAsync(2);

        // The second attempt gets what is left of the budget, not a whole second: nothing waits past it.
        Assert.All(clock.Pending, t => Assert.True(t.DueAt <= start + TimeSpan.FromSeconds(1.5), $"{t} outlasts the budget"));
        time.SetUtcNow(start + TimeSpan.FromSeconds(1.5));

        var result = await call.Within("the recall");
        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Contains("budget", result.Error, StringComparison.Ordinal);
        Assert.Equal(2, _api.Requests.Count);
    }

    [Fact]
    public async Task A_refusal_with_napcat_wording_fails_with_that_text_after_exactly_one_call()
    {
        _api.Script("set_group_ban", FakeAnswer.Failed(1200, message: "禁言失败", wording: "权限不足，无法禁言群主"));
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal("set_group_ban failed: 禁言失败 — 权限不足，无法禁言群主 (retcode 1200)", result.Error);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task A_refusal_without_text_names_the_retcode()
    {
        _api.Script("delete_msg", FakeAnswer.Failed(100));
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal("delete_msg failed: retcode 100", result.Error);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task An_ok_status_with_a_nonzero_retcode_is_a_failure()
    {
        _api.Script("delete_msg", FakeAnswer.Json(200, new System.Text.Json.Nodes.JsonObject { ["status"] = "ok", ["retcode"] = 1400 }));
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Contains("retcode 1400", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unauthorized_fails_at_once_pointing_at_the_access_token_setting()
    {
        _api.Default = FakeAnswer.Http(401);
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Kick), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.StartsWith("set_group_kick refused with HTTP 401", result.Error, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:OneBot:AccessToken", result.Error, StringComparison.Ordinal);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task An_unknown_action_404_fails_at_once_naming_the_setting_a_wrong_address_would_be()
    {
        _api.Default = FakeAnswer.Http(404);
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Contains("has no action delete_msg", result.Error, StringComparison.Ordinal);

        // A bare 404 is as likely a server there that is not the bot's (ApiBaseUrl at the wrong port).
        Assert.Contains($"or GroupGuard:OneBot:ApiBaseUrl ({new Uri(_api.BaseUrl).GetLeftPart(UriPartial.Authority)}) is not the bot's HTTP API", result.Error, StringComparison.Ordinal);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task An_answer_that_is_not_json_fails_without_retry_asking_after_the_setting()
    {
        _api.Default = FakeAnswer.Http(200, "<html>proxy login</html>");
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Contains("not a OneBot JSON answer", result.Error, StringComparison.Ordinal);
        Assert.Contains("is GroupGuard:OneBot:ApiBaseUrl (", result.Error, StringComparison.Ordinal);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task Nothing_listening_is_retried_then_reported_as_a_connection_failure_naming_the_setting()
    {
        int port;
        await using (var gone = FakeOneBotApi.Start())
        {
            port = new Uri(gone.BaseUrl).Port;
        }

        using var client = Create(Options(_api, o => o.ApiBaseUrl = $"http://napcat:hunter2@127.0.0.1:{port}"));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Contains($"could not reach http://127.0.0.1:{port} (GroupGuard:OneBot:ApiBaseUrl;", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.Error, StringComparison.Ordinal);
        Assert.Contains("gave up after 3 attempts", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_throws_instead_of_reporting_a_failure()
    {
        _api.Default = FakeAnswer.Hanging();
        using var client = Create(Options(_api));
        using var cancellation = new CancellationTokenSource();

        var call = client.ExecuteAsync(Action(ModerationAction.Recall), cancellation.Token);
        await _api.WaitForRequestsAsync(1); // the call is waiting for its answer
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task The_token_never_appears_in_logs_or_errors()
    {
        _api.Script("delete_msg", FakeAnswer.Http(500), FakeAnswer.Http(401));
        var logger = new LogCollector<OneBotActionClient>();
        using var client = Create(Options(_api), logger: logger);

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(2, _api.Requests.Count);
        Assert.NotEmpty(logger.Lines);
        Assert.DoesNotContain(Token, result.Error, StringComparison.Ordinal);
        Assert.All(logger.Lines, line => Assert.DoesNotContain(Token, line, StringComparison.Ordinal));
    }
}
