using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Milky.Actions;
using GroupGuard.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.Milky.Tests;

/// <summary>
/// API answers are read within <see cref="MilkyLimits.MaxAnswerBytes"/>: a longer one, or one that
/// never ends, is refused unread and not asked again, as OneBot's are. Through the client the service
/// uses (<see cref="MilkyServiceCollectionExtensions.CreateHttpClient"/>). An answer past the bound
/// failed the client's buffer and was taken for a lost answer: a recall was asked twice more, and
/// both ended as <c>unreachable</c>.
/// </summary>
public sealed class AnswerBoundTests : IAsyncLifetime
{
    // A well-formed ok answer: read whole, it would pass for a success.
    private const string OkStart = "{\"status\":\"ok\",\"retcode\":0,\"data\":{\"padding\":\"";

    private readonly FakeMilky _milky = FakeMilky.Start();
    private readonly LogCollector<MilkyActionClient> _logs = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _milky.DisposeAsync();

    [Fact]
    public async Task A_recall_answered_past_a_mebibyte_is_refused_unread_and_not_asked_again()
    {
        _milky.Default = new MilkyAnswer(200, OkStart + new string('x', 2 * 1024 * 1024) + "\"}}");
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Equal(ActionResult.Failed(ActionErrorKind.Refused, "recall_group_message answered more than 1048576 bytes, which are not read"), result);
        Assert.Single(_milky.Calls.Items);

        // At Debug here: the result's error is the action's one warning, the action worker's.
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains("answered more than 1048576 bytes", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Information);
    }

    [Fact]
    public async Task A_warning_whose_answer_never_ends_is_refused_once_a_mebibyte_has_come_and_not_sent_again()
    {
        // Chunked, without a length: only reading tells how long it is. The attempt's timeout (30 s)
        // is not what ends it: that would say "no answer within".
        _milky.Default = MilkyAnswer.NeverEnding(OkStart);
        using var client = Client();

        var result = await client.ExecuteAsync(Action(ModerationAction.Warn, warning: "请勿发布广告"), CancellationToken.None);

        Assert.Equal(ActionResult.Failed(ActionErrorKind.Refused, "send_group_message answered more than 1048576 bytes, which are not read"), result);
        Assert.Single(_milky.Calls.Items);
    }

    private MilkyActionClient Client()
    {
        var options = new MilkyOptions
        {
            Connections = [new MilkyConnectionOptions { Url = _milky.Url }],
            ActionTimeoutSeconds = 30,
            ActionBudgetSeconds = 60,
            MaxAttempts = 3,
            VerifyActions = false,
        };
        return new MilkyActionClient(
            MilkyServiceCollectionExtensions.CreateHttpClient(),
            new MilkyConnections(Options.Create(options)),
            new SettableOptions<MilkyOptions>(options),
            TimeProvider.System,
            _logs,
            retryBaseDelay: TimeSpan.FromMilliseconds(1),
            verifyPause: TimeSpan.Zero);
    }

    private static PlatformAction Action(ModerationAction action, string? warning = null) => new()
    {
        Protocol = Protocol.Milky,
        Platform = "qq",
        BotId = "10001",
        GroupId = "123456",
        UserId = "20002",
        MessageId = "23333",
        Action = action,
        WarningText = warning,
    };
}
