using System.Diagnostics;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Actions;
using GroupGuard.OneBot.Tests.Fakes;
using GroupGuard.OneBot.Tests.Support;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

/// <summary>Retries on what may pass (timeouts, 5xx), never on a refusal. Real time, small timeouts.</summary>
public sealed class RetryTests : IAsyncLifetime
{
    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Two_server_errors_then_ok_is_done_after_three_attempts_with_growing_backoff()
    {
        _api.Script("delete_msg", FakeAnswer.Http(500), FakeAnswer.Http(503), FakeAnswer.Ok());
        // The production backoff: 0.5 s then 1 s, each jittered by at most 20 %.
        using var client = Create(Options(_api), retryBaseDelay: TimeSpan.FromSeconds(0.5));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        var requests = _api.RequestsFor("delete_msg");
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal(requests[0].RawBody, r.RawBody));
        Assert.InRange(requests[1].ReceivedAt - requests[0].ReceivedAt, TimeSpan.FromSeconds(0.38), TimeSpan.FromSeconds(5));
        Assert.InRange(requests[2].ReceivedAt - requests[1].ReceivedAt, TimeSpan.FromSeconds(0.78), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Always_server_errors_fail_after_max_attempts_within_the_budget()
    {
        _api.Default = FakeAnswer.Http(500);
        using var client = Create(Options(_api, o => { o.MaxAttempts = 4; o.ActionBudgetSeconds = 20; }));
        var clock = Stopwatch.StartNew();

        var result = await client.ExecuteAsync(Action(ModerationAction.Kick), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(4, _api.Requests.Count);
        Assert.Contains("HTTP 500", result.Error, StringComparison.Ordinal);
        Assert.Contains("gave up after 4 attempts", result.Error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_hanging_api_times_out_on_every_attempt_and_fails()
    {
        _api.Default = FakeAnswer.Hanging(TimeSpan.FromSeconds(30));
        // A whole second per attempt: on a busy machine a shorter one can end before the request
        // has even reached the fake, and then the fake cannot count it.
        using var client = Create(Options(_api, o => { o.ActionTimeoutSeconds = 1; o.MaxAttempts = 3; }));
        var clock = Stopwatch.StartNew();

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Contains("no answer to set_group_ban within 1 s", result.Error, StringComparison.Ordinal);
        Assert.Equal(3, _api.Requests.Count);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task The_budget_stops_retries_before_max_attempts()
    {
        _api.Default = FakeAnswer.Hanging(TimeSpan.FromSeconds(30));
        using var client = Create(Options(_api, o => { o.ActionTimeoutSeconds = 1; o.ActionBudgetSeconds = 1.5; o.MaxAttempts = 10; }));
        var clock = Stopwatch.StartNew();

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Contains("budget", result.Error, StringComparison.Ordinal);
        Assert.InRange(_api.Requests.Count, 1, 2);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"took {clock.Elapsed}");
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
    public async Task An_unknown_action_404_fails_at_once()
    {
        _api.Default = FakeAnswer.Http(404);
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Contains("has no action delete_msg", result.Error, StringComparison.Ordinal);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task An_answer_that_is_not_json_fails_without_retry()
    {
        _api.Default = FakeAnswer.Http(200, "<html>proxy login</html>");
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Contains("not a OneBot JSON answer", result.Error, StringComparison.Ordinal);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task Nothing_listening_is_retried_then_reported_as_a_connection_failure()
    {
        int port;
        await using (var gone = FakeOneBotApi.Start())
        {
            port = new Uri(gone.BaseUrl).Port;
        }

        using var client = Create(Options(_api, o => o.ApiBaseUrl = $"http://napcat:hunter2@127.0.0.1:{port}"));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Contains($"could not reach http://127.0.0.1:{port}", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.Error, StringComparison.Ordinal);
        Assert.Contains("gave up after 3 attempts", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_throws_instead_of_reporting_a_failure()
    {
        _api.Default = FakeAnswer.Hanging(TimeSpan.FromSeconds(30));
        using var client = Create(Options(_api));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => client.ExecuteAsync(Action(ModerationAction.Recall), cancellation.Token));
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
