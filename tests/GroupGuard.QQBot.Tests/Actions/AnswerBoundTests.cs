using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.QQBot.Actions;
using GroupGuard.QQBot.Tests.Support;
using GroupGuard.Testing;

namespace GroupGuard.QQBot.Tests.Actions;

/// <summary>
/// OpenAPI and token endpoint answers are read within <see cref="QQBotLimits.MaxAnswerBytes"/>: a
/// longer one, or one that never ends, is refused unread and not asked again, as OneBot's and
/// Milky's are. Through the client the service uses (<see cref="QQBotServiceCollectionExtensions.CreateHttpClient"/>).
/// An answer past the bound failed the client's buffer and was taken for a lost answer or an
/// endpoint out of reach: asked again, and recorded as <c>unreachable</c>.
/// </summary>
public sealed class AnswerBoundTests : IAsyncLifetime
{
    private readonly FakeQQPlatform _platform = FakeQQPlatform.Start();
    private readonly LogCollector<QQBotActionClient> _logs = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _platform.DisposeAsync();

    [Fact]
    public async Task A_mute_whose_answer_never_ends_is_refused_once_a_mebibyte_has_come_and_not_asked_again()
    {
        // Chunked, without a length: only reading tells how long it is. The attempt's timeout (30 s)
        // is not what ends it: that would say "no answer within".
        _platform.ScriptApi(HttpAnswer.NeverEnding("{\"padding\":\""));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute), CancellationToken.None);

        Assert.Equal(ActionResult.Failed(ActionErrorKind.Refused, "mute answered more than 1048576 bytes, which are not read"), result);
        Assert.Single(_platform.ApiRequests);
        Assert.Contains(_logs.Entries, e => e.Message.Contains("mute answered more than 1048576 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_warning_answered_past_a_mebibyte_is_refused_unread_and_not_sent_again()
    {
        _platform.ScriptApi(HttpAnswer.Json($$"""{"id":"ROBOT1.0_reply","padding":"{{new string('x', 2 * 1024 * 1024)}}"}"""));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Warn), CancellationToken.None);

        Assert.Equal(ActionResult.Failed(ActionErrorKind.Refused, "warn answered more than 1048576 bytes, which are not read"), result);
        Assert.Single(_platform.ApiRequests);
    }

    [Fact]
    public async Task A_token_endpoint_whose_answer_never_ends_is_not_configured_naming_the_setting_and_asked_once()
    {
        _platform.ScriptToken(HttpAnswer.NeverEnding("{\"access_token\":\""));
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Mute), CancellationToken.None);

        Assert.Equal(
            ActionResult.Failed(ActionErrorKind.NotConfigured, "the token endpoint answered more than 1048576 bytes, which are not read; check GroupGuard:QQBot:TokenUrl"),
            result);
        Assert.Single(_platform.TokenRequests);
        Assert.Empty(_platform.ApiRequests);
    }

    private QQBotActionClient Client()
    {
        var monitor = new SettableOptions<QQBotOptions>(Receivers.Options(o =>
        {
            o.ApiBaseUrl = _platform.ApiBaseUrl;
            o.TokenUrl = _platform.TokenUrl;
            o.MaxActionsPerSecond = 1000;
            o.ActionTimeoutSeconds = 30;
            o.ActionBudgetSeconds = 60;
            o.MaxAttempts = 3;
        }));
        return new QQBotActionClient(
            QQBotServiceCollectionExtensions.CreateHttpClient(),
            monitor,
            TimeProvider.System,
            new QQBotStatus(monitor, TimeProvider.System),
            _logs,
            TimeSpan.FromMilliseconds(10));
    }

    private static PlatformAction Action(ModerationAction action) => new()
    {
        Protocol = Protocol.QQBot,
        Platform = "qq-official",
        BotId = Receivers.AppId,
        GroupId = "C9F778FE6ADF9D1D1DBE395BF744A33A",
        UserId = "5A8DD3E4C1CC4B1E2A7E3D66F10B2C93",
        MessageId = "ROBOT1.0_kZ3fJ0vY9mQ1nE7cL4pA6sT8uW2xB5dR0gH3jK6lM9nP2qS5tV8wY1zA4cE7fI0o",
        Action = action,
        MuteSeconds = action == ModerationAction.Mute ? 600 : 0,
        WarningText = action == ModerationAction.Warn ? "请勿发布广告" : null,
    };
}
