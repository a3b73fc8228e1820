using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.QQBot.Actions;
using GroupGuard.QQBot.Tests.Support;
using GroupGuard.Testing;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.QQBot.Tests.Actions;

/// <summary>
/// The OpenAPI client against a fake platform on loopback. Tests that look at time (token refresh)
/// run on a fake clock that moves only when the test moves it; the others on the real one, with a
/// rate and timeouts that never come into play.
/// </summary>
public sealed class ActionClientTests : IAsyncLifetime
{
    private const string Group = "C9F778FE6ADF9D1D1DBE395BF744A33A";
    private const string Member = "5A8DD3E4C1CC4B1E2A7E3D66F10B2C93";
    private const string MessageId = "ROBOT1.0_kZ3fJ0vY9mQ1nE7cL4pA6sT8uW2xB5dR0gH3jK6lM9nP2qS5tV8wY1zA4cE7fI0o";

    private static readonly DateTimeOffset Start = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);

    private readonly FakeQQPlatform _platform = FakeQQPlatform.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _platform.DisposeAsync();

    private QQBotOptions Options(Action<QQBotOptions>? configure = null)
    {
        var options = Receivers.Options(o =>
        {
            o.ApiBaseUrl = _platform.ApiBaseUrl;
            o.TokenUrl = _platform.TokenUrl;
            o.MaxActionsPerSecond = 1000;
            o.ActionTimeoutSeconds = 30;
            o.ActionBudgetSeconds = 60;
            o.MaxAttempts = 3;
        });
        configure?.Invoke(options);
        return options;
    }

    private static (QQBotActionClient Client, QQBotStatus Status) Create(QQBotOptions options, TimeProvider? time = null)
    {
        var monitor = new SettableOptions<QQBotOptions>(options);
        var clock = time ?? TimeProvider.System;
        var status = new QQBotStatus(monitor, clock);
        return (new QQBotActionClient(new HttpClient(), monitor, clock, status, new LogCollector<QQBotActionClient>(), TimeSpan.FromMilliseconds(10)), status);
    }

    private static (FakeTimeProvider Time, WatchedClock Clock) Clocks()
    {
        var time = new FakeTimeProvider(Start);
        return (time, new WatchedClock(time));
    }

    private static PlatformAction Action(ModerationAction action, int muteSeconds = 600, string? text = "请勿发布广告") => new()
    {
        Protocol = Protocol.QQBot,
        Platform = "qq-official",
        BotId = Receivers.AppId,
        GroupId = Group,
        UserId = Member,
        MessageId = MessageId,
        Action = action,
        MuteSeconds = action == ModerationAction.Mute ? muteSeconds : 0,
        WarningText = action == ModerationAction.Warn ? text : null,
    };

    [Fact]
    public async Task A_mute_fetches_a_token_and_posts_the_end_of_the_mute_to_restrict_chat_setting()
    {
        var time = new FakeTimeProvider(Start);
        var (client, _) = Create(Options(), time);
        using var _ = client;

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute, muteSeconds: 600), CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        var token = Assert.Single(_platform.TokenRequests);
        Assert.Equal("POST", token.Method);
        Assert.StartsWith("application/json", token.ContentType, StringComparison.Ordinal);
        Assert.Equal(Receivers.AppId, token.Json.GetProperty("appId").GetString());
        Assert.Equal(Receivers.AppSecret, token.Json.GetProperty("clientSecret").GetString());

        var mute = Assert.Single(_platform.ApiRequests);
        Assert.Equal("POST", mute.Method);
        Assert.Equal($"/v2/groups/{Group}/restrict_chat_setting", mute.Path);
        Assert.Equal("QQBot token-1", mute.Header("Authorization"));
        var member = Assert.Single(mute.Json.GetProperty("members").EnumerateArray());
        Assert.Equal("add", member.GetProperty("op").GetString());
        Assert.Equal(Member, member.GetProperty("member_openid").GetString());
        Assert.Equal("2026-12-02T03:10:00Z", member.GetProperty("mute_expire_at").GetString());
    }

    [Fact]
    public async Task Unmute_removes_the_members_entry_from_restrict_chat_setting()
    {
        var (client, _) = Create(Options(), new FakeTimeProvider(Start));
        using var _ = client;

        var result = await client.UnmuteAsync(Protocol.QQBot, "qq-official", Receivers.AppId, Group, Member, CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        var unmute = Assert.Single(_platform.ApiRequests);
        Assert.Equal($"/v2/groups/{Group}/restrict_chat_setting", unmute.Path);
        var member = Assert.Single(unmute.Json.GetProperty("members").EnumerateArray());
        Assert.Equal("del", member.GetProperty("op").GetString());
        Assert.Equal(Member, member.GetProperty("member_openid").GetString());
        Assert.False(member.TryGetProperty("mute_expire_at", out JsonElement _));
    }

    [Fact]
    public async Task A_mute_is_at_most_the_30_days_the_platform_takes()
    {
        var (client, _) = Create(Options(), new FakeTimeProvider(Start));
        using var _ = client;

        await client.ExecuteAsync(Action(ModerationAction.Mute, muteSeconds: 90 * 24 * 3600), CancellationToken.None);

        var member = Assert.Single(_platform.ApiRequests).Json.GetProperty("members")[0];
        Assert.Equal("2027-01-01T03:00:00Z", member.GetProperty("mute_expire_at").GetString());
    }

    [Fact]
    public async Task A_mute_of_no_length_is_never_sent()
    {
        var (client, _) = Create(Options());
        using var _ = client;

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute, muteSeconds: 0), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(ActionErrorKind.Invalid, result.ErrorKind);
        Assert.Empty(_platform.ApiRequests);
    }

    [Fact]
    public async Task A_warning_is_a_passive_reply_to_the_offending_message_that_mentions_its_sender()
    {
        var (client, _) = Create(Options());
        using var _ = client;

        var result = await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        var reply = Assert.Single(_platform.ApiRequests);
        Assert.Equal($"/v2/groups/{Group}/messages", reply.Path);
        Assert.Equal("QQBot token-1", reply.Header("Authorization"));
        var body = reply.Json;
        Assert.Equal($"<qqbot-at-user id=\"{Member}\" /> 请勿发布广告", body.GetProperty("content").GetString());
        Assert.Equal(0, body.GetProperty("msg_type").GetInt32());
        Assert.Equal(MessageId, body.GetProperty("msg_id").GetString());
        Assert.Equal(1, body.GetProperty("msg_seq").GetInt32());
    }

    [Theory]
    [InlineData(ModerationAction.Recall, "recall members' messages")]
    [InlineData(ModerationAction.Kick, "remove a group member")]
    public async Task Recall_and_kick_are_unsupported_without_a_call(ModerationAction action, string reason)
    {
        var (client, _) = Create(Options());
        using var _ = client;

        var result = await client.ExecuteAsync(Action(action), CancellationToken.None);

        Assert.Equal(ActionStatus.Unsupported, result.Status);
        Assert.Equal(ActionErrorKind.PlatformCannot, result.ErrorKind);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.False(client.CanDo(Protocol.QQBot, "qq-official", action));
        Assert.Empty(_platform.ApiRequests);
        Assert.Empty(_platform.TokenRequests);
    }

    [Fact]
    public async Task Warn_and_mute_are_what_it_can_do_and_roles_it_leaves_to_the_event()
    {
        var (client, _) = Create(Options());
        using var _ = client;

        Assert.True(client.CanDo(Protocol.QQBot, "qq-official", ModerationAction.Warn));
        Assert.True(client.CanDo(Protocol.QQBot, "qq-official", ModerationAction.Mute));
        Assert.False(client.CanDo(Protocol.QQBot, "qq-official", ModerationAction.Log));
        Assert.False(client.CanDo(Protocol.OneBotV11, "qq", ModerationAction.Warn));
        Assert.Equal([Protocol.QQBot], client.Protocols);
        Assert.Null(await client.GetRoleAsync(Protocol.QQBot, Receivers.AppId, Group, Member, CancellationToken.None));
    }

    [Fact]
    public async Task Without_credentials_actions_are_unsupported_as_not_configured()
    {
        var (client, _) = Create(new QQBotOptions { ApiBaseUrl = _platform.ApiBaseUrl, TokenUrl = _platform.TokenUrl });
        using var _ = client;

        var result = await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);

        Assert.Equal(ActionStatus.Unsupported, result.Status);
        Assert.Equal(ActionErrorKind.NotConfigured, result.ErrorKind);
        Assert.Empty(_platform.TokenRequests);
    }

    [Fact]
    public async Task The_token_is_fetched_once_and_reused()
    {
        var (client, _) = Create(Options());
        using var _ = client;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(ActionResult.Done, await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None));
        }

        Assert.Single(_platform.TokenRequests);
        Assert.All(_platform.ApiRequests, r => Assert.Equal("QQBot token-1", r.Header("Authorization")));
    }

    [Fact]
    public async Task The_token_is_refreshed_60_seconds_before_it_expires_on_the_injected_clock()
    {
        var time = new FakeTimeProvider(Start);
        var (client, _) = Create(Options(), time);
        using var _ = client;

        await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(7200 - 60 - 1));
        await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);

        Assert.Single(_platform.TokenRequests);

        time.Advance(TimeSpan.FromSeconds(1));
        await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);

        Assert.Equal(2, _platform.TokenRequests.Count);
        Assert.Equal(["QQBot token-1", "QQBot token-1", "QQBot token-2"], _platform.ApiRequests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task A_token_that_lives_less_than_two_minutes_is_refreshed_halfway()
    {
        _platform.TokenLifetimeSeconds = 100;
        var time = new FakeTimeProvider(Start);
        var (client, _) = Create(Options(), time);
        using var _ = client;

        await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(49));
        await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);

        Assert.Equal(2, _platform.TokenRequests.Count);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_token_that_is_still_valid()
    {
        var time = new FakeTimeProvider(Start);
        var (client, status) = Create(Options(o => o.MaxAttempts = 1), time);
        using var _ = client;
        await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(7200 - 30));
        _platform.ScriptToken(new HttpAnswer(502, "bad gateway", "text/plain"));

        var result = await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        Assert.Equal(2, _platform.TokenRequests.Count);
        Assert.Equal("QQBot token-1", _platform.ApiRequests[^1].Header("Authorization"));
        Assert.True(Assert.Single(status.Connections).Connected);
    }

    [Fact]
    public async Task Callers_that_arrive_during_a_fetch_wait_for_it_and_share_its_token()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _platform.HoldTokens = release.Task;
        var (client, _) = Create(Options());
        using var _ = client;

        var calls = Enumerable.Range(0, 3).Select(_ => client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None)).ToList();
        await _platform.WaitForTokenRequestsAsync(1);
        release.SetResult();

        Assert.All(await Task.WhenAll(calls), r => Assert.Equal(ActionResult.Done, r));
        Assert.Single(_platform.TokenRequests);
        Assert.Equal(3, _platform.ApiRequests.Count);
    }

    [Fact]
    public async Task Callers_that_arrive_during_a_fetch_share_its_failure_too()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _platform.HoldTokens = release.Task;
        _platform.ScriptToken(HttpAnswer.Json("""{"code":100016,"message":"invalid appid or secret"}"""));
        var clock = new WatchedClock(TimeProvider.System);
        var (client, _) = Create(Options(), clock);
        using var _ = client;

        var calls = Enumerable.Range(0, 3).Select(_ => client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None)).ToList();
        await _platform.WaitForTokenRequestsAsync(1);
        // All three wait for the one fetch, each for its attempt's 30 s (the fetch keeps its starter's).
        await clock.Timers.WaitUntilAsync(timers => timers.Count(t => t.DueTime == TimeSpan.FromSeconds(30)) >= 3, "the three callers waiting for the fetch");
        release.SetResult();

        Assert.All(await Task.WhenAll(calls).Within("the warnings"), r =>
        {
            Assert.Equal(ActionErrorKind.NotConfigured, r.ErrorKind);
            Assert.Contains("invalid appid or secret", r.Error, StringComparison.Ordinal);
        });
        Assert.Single(_platform.TokenRequests);
        Assert.Empty(_platform.ApiRequests);
    }

    [Fact]
    public async Task Actions_waiting_for_a_token_endpoint_that_hangs_make_one_request_and_come_back_within_their_budget()
    {
        // They queued for the fetch, then each fetched in turn: 8 actions took 40 s of a 20 s budget
        // and asked the endpoint 8 times.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _platform.HoldTokens = release.Task;
        var (time, clock) = Clocks();
        var (client, _) = Create(Options(o => { o.ActionTimeoutSeconds = 5; o.ActionBudgetSeconds = 20; o.MaxAttempts = 1; }), clock);
        using var _ = client;

        var calls = Enumerable.Range(0, 4).Select(_ => client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None)).ToList();
        time.Advance(TimeSpan.FromMilliseconds(3)); // the pacer spaces them 1 ms apart
        await _platform.WaitForTokenRequestsAsync(1);
        var waiting = await clock.Timers.WaitUntilAsync(timers => timers.Count(t => t.DueTime == TimeSpan.FromSeconds(5)) >= 4, "the four actions waiting for the fetch");
        time.SetUtcNow(waiting.Where(t => t.DueTime == TimeSpan.FromSeconds(5)).Max(t => t.DueAt!.Value));

        var results = await Task.WhenAll(calls).Within("the warnings");
        release.SetResult();
        Assert.All(results, r =>
        {
            Assert.Equal(ActionStatus.Failed, r.Status);
            Assert.Equal(ActionErrorKind.Unreachable, r.ErrorKind);
            Assert.Contains("within 5 s", r.Error, StringComparison.Ordinal);
        });
        Assert.InRange(time.GetUtcNow() - Start, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        Assert.Single(_platform.TokenRequests);
        Assert.Empty(_platform.ApiRequests);
    }

    [Fact]
    public async Task A_refused_secret_is_not_configured_with_the_platforms_words_and_shows_on_the_connection()
    {
        // The token endpoint refuses with HTTP 200 and a code in the body.
        _platform.ScriptToken(HttpAnswer.Json("""{"code":100016,"message":"invalid appid or secret"}"""));
        var (client, status) = Create(Options());
        using var _ = client;

        var result = await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(ActionErrorKind.NotConfigured, result.ErrorKind);
        Assert.Contains("invalid appid or secret", result.Error, StringComparison.Ordinal);
        Assert.Contains("code 100016", result.Error, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:QQBot:AppId and AppSecret", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Receivers.AppSecret, result.Error, StringComparison.Ordinal);
        Assert.Single(_platform.TokenRequests); // a refusal is not retried
        Assert.Empty(_platform.ApiRequests);
        var state = Assert.Single(status.Connections);
        Assert.False(state.Connected);
        Assert.StartsWith("access token: ", state.LastError, StringComparison.Ordinal);
        Assert.Equal(ConnectionErrorKind.AccessTokenFailed, state.LastErrorKind);
    }

    [Fact]
    public async Task A_token_endpoint_nobody_answers_is_unreachable_after_the_retries()
    {
        var (client, _) = Create(Options(o => o.TokenUrl = $"http://127.0.0.1:{LoopbackHttpServer.FreePort()}/app/getAppAccessToken"));
        using var _ = client;

        var result = await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(ActionErrorKind.Unreachable, result.ErrorKind);
        Assert.Contains("could not reach the token endpoint", result.Error, StringComparison.Ordinal);
        Assert.Contains("gave up after 3 attempts", result.Error, StringComparison.Ordinal);
        Assert.Empty(_platform.ApiRequests);
    }

    [Fact]
    public async Task A_server_error_is_retried()
    {
        _platform.ScriptApi(new HttpAnswer(500, "oops", "text/plain"));
        var (client, _) = Create(Options());
        using var _ = client;

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute), CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        Assert.Equal(2, _platform.ApiRequests.Count);
    }

    [Fact]
    public async Task A_warning_whose_answer_never_comes_is_not_sent_again_as_it_may_have_arrived()
    {
        // The platform took the reply and members saw it; a second post would be refused as a
        // duplicate msg_seq, and the warning recorded as refused.
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _platform.HoldApi = answer.Task;
        var (time, clock) = Clocks();
        var (client, _) = Create(Options(o => { o.ActionTimeoutSeconds = 1; o.MaxAttempts = 3; }), clock);
        using var _ = client;

        var call = client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);
        await _platform.WaitForApiRequestAsync(r => r.Path == $"/v2/groups/{Group}/messages", "the warning");
        var timeout = Assert.Single(clock.Pending, t => t.DueTime == TimeSpan.FromSeconds(1));
        time.SetUtcNow(timeout.DueAt!.Value);

        var result = await call.Within("the warning");
        answer.SetResult();
        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(ActionErrorKind.Unreachable, result.ErrorKind);
        Assert.Contains("no answer to warn within 1 s", result.Error, StringComparison.Ordinal);
        Assert.Contains("not sent again, as it may have arrived", result.Error, StringComparison.Ordinal);
        Assert.Single(_platform.ApiRequests);
    }

    [Fact]
    public async Task A_mute_whose_answer_never_comes_is_tried_again()
    {
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _platform.HoldApi = answer.Task;
        var (time, clock) = Clocks();
        var (client, _) = Create(Options(o => { o.ActionTimeoutSeconds = 1; o.MaxAttempts = 2; }), clock);
        using var _ = client;

        var call = client.ExecuteAsync(Action(ModerationAction.Mute), CancellationToken.None);
        var first = await _platform.WaitForApiRequestAsync(r => r.Path.EndsWith("/restrict_chat_setting", StringComparison.Ordinal), "the first mute");
        var timeout = Assert.Single(clock.Pending, t => t.DueTime == TimeSpan.FromSeconds(1));
        time.SetUtcNow(timeout.DueAt!.Value);
        var backoff = await clock.TimerAsync(t => t.DueTime < TimeSpan.FromSeconds(0.5), skip: timeout.Number, what: "the backoff");
        time.SetUtcNow(backoff.DueAt!.Value);
        await _platform.WaitForApiRequestAsync(r => r.Index > first.Index, "the second mute");
        var second = await clock.TimerAsync(t => t.DueTime == TimeSpan.FromSeconds(1), skip: backoff.Number, what: "the timeout of the second attempt");
        time.SetUtcNow(second.DueAt!.Value);

        var result = await call.Within("the mute");
        answer.SetResult();
        Assert.Equal(ActionErrorKind.Unreachable, result.ErrorKind);
        Assert.Contains("no answer to mute within 1 s; gave up after 2 attempts", result.Error, StringComparison.Ordinal);
        Assert.Equal(2, _platform.ApiRequests.Count);
    }

    [Fact]
    public async Task One_attempt_is_a_setting_too()
    {
        _platform.ScriptApi(new HttpAnswer(503, "busy", "text/plain"));
        var (client, _) = Create(Options(o => o.MaxAttempts = 1));
        using var _ = client;

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute), CancellationToken.None);

        Assert.Equal(ActionErrorKind.Unreachable, result.ErrorKind);
        Assert.Contains("gave up after 1 attempt", result.Error, StringComparison.Ordinal);
        Assert.Single(_platform.ApiRequests);
    }

    [Fact]
    public async Task A_missing_interface_permission_is_not_permitted_with_the_trace_id()
    {
        _platform.ScriptApi(HttpAnswer.Json("""{"code":11253,"message":"check app privilege not pass","err_code":11253,"trace_id":"5f1c0a2b9d"}""", 403));
        var (client, _) = Create(Options());
        using var _ = client;

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(ActionErrorKind.NotPermitted, result.ErrorKind);
        Assert.Contains("check app privilege not pass", result.Error, StringComparison.Ordinal);
        Assert.Contains("trace_id 5f1c0a2b9d", result.Error, StringComparison.Ordinal);
        Assert.Single(_platform.ApiRequests);
    }

    [Fact]
    public async Task A_refusal_in_a_200_answer_is_a_refusal()
    {
        _platform.ScriptApi(HttpAnswer.Json("""{"code":40034,"message":"msg reply out of time"}"""));
        var (client, _) = Create(Options());
        using var _ = client;

        var result = await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);

        Assert.Equal(ActionErrorKind.Refused, result.ErrorKind);
        Assert.Contains("msg reply out of time", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<html><head><title>登录</title></head><body>请先登录</body></html>", "text/html; charset=utf-8")]
    [InlineData("OK", "text/plain")]
    [InlineData("[]", "application/json")]
    [InlineData("\"done\"", "application/json")]
    public async Task A_success_whose_body_is_not_a_json_answer_of_the_platform_is_a_failure(string body, string contentType)
    {
        // A proxy's login page, or an ApiBaseUrl that points elsewhere: nothing was done.
        _platform.ScriptApi(new HttpAnswer(200, body, contentType));
        var (client, _) = Create(Options());
        using var _ = client;

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(ActionErrorKind.Refused, result.ErrorKind);
        Assert.Contains("mute answered HTTP 200 OK with a body that is not a JSON answer of the platform", result.Error, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:QQBot:ApiBaseUrl", result.Error, StringComparison.Ordinal);
        Assert.Single(_platform.ApiRequests);
    }

    [Theory]
    [InlineData(204)]
    [InlineData(200)]
    public async Task A_success_with_no_body_is_done_as_the_platform_answers_its_mutes(int status)
    {
        _platform.ScriptApi(new HttpAnswer(status, ""));
        var (client, _) = Create(Options());
        using var _ = client;

        Assert.Equal(ActionResult.Done, await client.ExecuteAsync(Action(ModerationAction.Mute), CancellationToken.None));
    }

    [Fact]
    public async Task A_token_the_platform_no_longer_takes_is_dropped_and_the_next_action_fetches_another()
    {
        _platform.ScriptApi(HttpAnswer.Json("""{"code":11244,"message":"token not exist or expire"}""", 401));
        var (client, _) = Create(Options());
        using var _ = client;

        var first = await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);
        var second = await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);

        Assert.Equal(ActionErrorKind.NotConfigured, first.ErrorKind);
        Assert.Equal(ActionResult.Done, second);
        Assert.Equal(["QQBot token-1", "QQBot token-2"], _platform.ApiRequests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Ids_are_escaped_in_the_path()
    {
        var (client, _) = Create(Options());
        using var _ = client;

        await client.ExecuteAsync(Action(ModerationAction.Mute) with { GroupId = "a/b?c" }, CancellationToken.None);

        Assert.Equal("/v2/groups/a%2Fb%3Fc/restrict_chat_setting", Assert.Single(_platform.ApiRequests).RawUrl);
    }

    [Fact]
    public async Task An_id_that_could_break_the_mention_markup_is_not_mentioned()
    {
        var (client, _) = Create(Options());
        using var _ = client;

        await client.ExecuteAsync(Action(ModerationAction.Warn) with { UserId = "\" /><qqbot-at-everyone" }, CancellationToken.None);

        Assert.Equal("请勿发布广告", Assert.Single(_platform.ApiRequests).Json.GetProperty("content").GetString());
    }

    [Fact]
    public void Answers_are_json_the_platform_reads()
    {
        using var ack = JsonDocument.Parse(QQBotAnswers.Ack);
        using var retry = JsonDocument.Parse(QQBotAnswers.RetryLater);

        Assert.Equal(12, ack.RootElement.GetProperty("op").GetInt32());
        Assert.Equal(0, ack.RootElement.GetProperty("d").GetInt32());
        Assert.Equal(1, retry.RootElement.GetProperty("d").GetInt32());
    }
}
