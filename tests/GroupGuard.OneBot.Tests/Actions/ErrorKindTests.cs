using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Tests.Support;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

/// <summary>Every failed action says what kind of failure it is, so a digest need not read the platform's words.</summary>
public sealed class ErrorKindTests : IAsyncLifetime
{
    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static readonly Dictionary<string, FakeAnswer> Answers = new()
    {
        ["not admin, in Chinese"] = FakeAnswer.Failed(200, "禁言失败：机器人不是管理员"),
        ["permission denied"] = FakeAnswer.Failed(1200, wording: "permission denied"),
        ["message not found"] = FakeAnswer.Failed(100, "message not found"),
        ["an error NapCat caught, retcode 200"] = FakeAnswer.Failed(200, "Error: 消息不存在"),
        ["HTTP 401"] = FakeAnswer.Http(401),
        ["HTTP 403"] = FakeAnswer.Http(403),
        ["HTTP 404"] = FakeAnswer.Http(404),
        ["HTTP 400"] = FakeAnswer.Http(400),
        ["not a OneBot answer"] = FakeAnswer.Http(200, "<html>not onebot</html>"),
        ["HTTP 503"] = FakeAnswer.Http(503),
    };

    [Theory]
    [InlineData("not admin, in Chinese", ActionErrorKind.NotPermitted)]
    [InlineData("permission denied", ActionErrorKind.NotPermitted)]
    [InlineData("message not found", ActionErrorKind.Refused)]
    [InlineData("an error NapCat caught, retcode 200", ActionErrorKind.Refused)]
    [InlineData("HTTP 401", ActionErrorKind.NotConfigured)]
    [InlineData("HTTP 403", ActionErrorKind.NotConfigured)]
    [InlineData("HTTP 404", ActionErrorKind.PlatformCannot)]
    [InlineData("HTTP 400", ActionErrorKind.Refused)]
    [InlineData("not a OneBot answer", ActionErrorKind.Refused)]
    [InlineData("HTTP 503", ActionErrorKind.Unreachable)]
    public async Task A_failure_carries_its_kind(string answer, ActionErrorKind kind)
    {
        _api.Default = Answers[answer];
        using var client = Create(Options(_api, o => o.MaxAttempts = 2));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(kind, result.ErrorKind);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
    }

    /// <summary>
    /// Answers in the body of an HTTP 200 that tell what no retry mends, each failed once as its
    /// words or retcode say (all were recorded as refused, as if the platform might do it another
    /// time): NapCat's answer to an action it lacks (retcode 200, as for an action that threw, and
    /// "不支持的Api …"); ws.md's retcode 1404 (no such action), words that name nothing NapCat says;
    /// ws.md's retcode 1403 (wrong access token), naming the token setting. Each as the same answer
    /// over a WebSocket is.
    /// </summary>
    [Theory]
    [InlineData("V11/napcat-answer-unknown-action-http.json", ModerationAction.Kick, ActionErrorKind.PlatformCannot, "set_group_kick failed: the implementation has no action set_group_kick: 不支持的Api set_group_kick (retcode 200)")]
    [InlineData("V11/answer-unknown-action-retcode-1404-http.json", ModerationAction.Kick, ActionErrorKind.PlatformCannot, "set_group_kick failed: the implementation has no action set_group_kick: API不存在 (retcode 1404)")]
    [InlineData("V11/answer-token-refused-retcode-1403-http.json", ModerationAction.Recall, ActionErrorKind.NotConfigured, "delete_msg failed: the implementation refused the access token (GroupGuard:OneBot:AccessToken): token验证失败 (retcode 1403)")]
    public async Task An_answer_over_http_that_no_retry_mends_fails_once_as_it_says(string sample, ModerationAction action, ActionErrorKind kind, string error)
    {
        _api.Default = new FakeAnswer(200, System.Text.Encoding.UTF8.GetString(Samples.Bytes(sample)));
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(action), CancellationToken.None);

        Assert.Equal(ActionResult.Failed(kind, error), result);
        Assert.Single(_api.Requests); // final, as any refusal
    }

    [Fact]
    public async Task Retcode_1401_over_http_is_not_configured()
    {
        _api.Default = FakeAnswer.Failed(1401, "token missing");
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionErrorKind.NotConfigured, result.ErrorKind);
        Assert.Contains("GroupGuard:OneBot:AccessToken", result.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A bot whose HTTP server wants a token, called with none set, is told apart from one that
    /// refused the token sent: the log says the setting is missing, not that a token is wrong.
    /// </summary>
    [Theory]
    [InlineData(null, "the implementation wants an access token, and GroupGuard:OneBot:AccessToken is not set")]
    [InlineData("a-token-the-bot-does-not-know", "the implementation refused the access token (GroupGuard:OneBot:AccessToken)")]
    public async Task Http_401_says_whether_a_token_was_set(string? token, string says)
    {
        _api.Default = FakeAnswer.Http(401, "Unauthorized");
        using var client = Create(Options(_api, o => o.AccessToken = token));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionErrorKind.NotConfigured, result.ErrorKind);
        Assert.Contains(says, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("a-token-the-bot-does-not-know", result.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// OneBot 12's standard retcodes: what the implementation has not implemented (an action, a
    /// parameter, a segment or its data) is platform_cannot; a bad request, a handler's error or
    /// an execution error stays a refusal, told by its words.
    /// </summary>
    [Theory]
    [InlineData(10001, "Bad Request", ActionErrorKind.Refused)]
    [InlineData(10002, "Unsupported Action", ActionErrorKind.PlatformCannot)]
    [InlineData(10003, "Bad Param", ActionErrorKind.Refused)]
    [InlineData(10004, "Unsupported Param", ActionErrorKind.PlatformCannot)]
    [InlineData(10005, "Unsupported Segment", ActionErrorKind.PlatformCannot)]
    [InlineData(10006, "Bad Segment Data", ActionErrorKind.Refused)]
    [InlineData(10007, "Unsupported Segment Data", ActionErrorKind.PlatformCannot)]
    [InlineData(20001, "Bad Handler", ActionErrorKind.Refused)]
    [InlineData(20002, "Internal Handler Error", ActionErrorKind.Refused)]
    [InlineData(35000, "Logic Error", ActionErrorKind.Refused)]
    [InlineData(34000, "权限不足", ActionErrorKind.NotPermitted)]
    public async Task A_v12_standard_retcode_carries_its_kind(int retcode, string message, ActionErrorKind kind)
    {
        _api.Default = FakeAnswer.Failed(retcode, message);
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall, protocol: OneBotV12, platform: "telegram"), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal(kind, result.ErrorKind);
        Assert.Single(_api.Requests);
    }

    /// <summary>
    /// v12's 10002 (Unsupported Action): the implementation lacks the action, which no retry or
    /// setting mends. It was recorded as refused, as if the platform might do it another time.
    /// </summary>
    [Fact]
    public async Task A_v12_unsupported_action_is_platform_cannot()
    {
        _api.Default = new FakeAnswer(200, System.Text.Encoding.UTF8.GetString(Samples.Bytes("V12/spec-answer-unsupported-action.json")));
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Kick, protocol: OneBotV12, platform: "wechat"), CancellationToken.None);

        Assert.Equal(
            ActionResult.Failed(ActionErrorKind.PlatformCannot, "wx.delete_groupmember failed: the implementation has no action wx.delete_groupmember: Unsupported Action (retcode 10002)"),
            result);
    }

    /// <summary>A v12 warning whose mention the implementation cannot send (10005, Unsupported Segment) is platform_cannot.</summary>
    [Fact]
    public async Task A_v12_warning_with_a_segment_the_implementation_lacks_is_platform_cannot()
    {
        _api.Default = new FakeAnswer(200, System.Text.Encoding.UTF8.GetString(Samples.Bytes("V12/spec-answer-unsupported-segment.json")));
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Warn, protocol: OneBotV12, platform: "wechat", user: "wxid_a", text: "广告"), CancellationToken.None);

        Assert.Equal(ActionErrorKind.PlatformCannot, result.ErrorKind);
        Assert.Equal("send_message failed: the implementation does not support what send_message asks: Unsupported Segment: mention (retcode 10005)", result.Error);
    }

    /// <summary>10002 is v12's: a v11 implementation's 10002 names nothing standard and stays a refusal.</summary>
    [Fact]
    public async Task A_v11_retcode_10002_stays_a_refusal()
    {
        _api.Default = FakeAnswer.Failed(10002, "Unsupported Action");
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionErrorKind.Refused, result.ErrorKind);
    }

    [Fact]
    public async Task With_one_attempt_allowed_a_server_error_is_tried_once()
    {
        _api.Default = Answers["HTTP 503"];
        using var client = Create(Options(_api, o => o.MaxAttempts = 1));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionErrorKind.Unreachable, result.ErrorKind);
        Assert.Contains("gave up after 1 attempt", result.Error, StringComparison.Ordinal);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task A_mute_of_no_length_is_an_invalid_decision()
    {
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute, muteSeconds: 0), CancellationToken.None);

        Assert.Equal(ActionErrorKind.Invalid, result.ErrorKind);
    }

    [Fact]
    public async Task Success_has_no_kind()
    {
        using var client = Create(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionResult.Done, result);
        Assert.Null(result.ErrorKind);
    }
}
