using System.Text;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Actions;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

/// <summary>
/// HTTP answers are read within a bound: a longer one is refused unread and not asked again, whether
/// it says its length or not. Through the client the service uses (<see cref="OneBotServiceCollectionExtensions.CreateHttpClient"/>).
/// </summary>
public sealed class AnswerBoundTests : IAsyncLifetime
{
    private readonly LoopbackHttpServer _api = LoopbackHttpServer.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task An_answer_past_a_mebibyte_is_refused_unread_and_not_asked_again()
    {
        // A well-formed ok answer of 2 MiB: read whole, it would pass for a success.
        var huge = Encoding.UTF8.GetBytes($$$"""{"status":"ok","retcode":0,"data":{"padding":"{{{new string('x', 2 * 1024 * 1024)}}}"}}""");
        _api.Respond(request => HttpAnswer.Binary(huge, "application/json", chunked: request.Path.Contains("chunked", StringComparison.Ordinal)));
        using var declared = Client(_api.BaseUrl);
        using var chunked = Client(_api.Url("/chunked"));

        var withLength = await declared.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);
        var withoutLength = await chunked.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        var refused = ActionResult.Failed(ActionErrorKind.Refused, "delete_msg answered more than 1048576 bytes, which are not read");
        Assert.Equal(refused, withLength);
        Assert.Equal(refused, withoutLength);
        Assert.Equal(2, _api.Requests.Count);
    }

    private static OneBotActionClient Client(string apiBaseUrl) =>
        new(
            OneBotServiceCollectionExtensions.CreateHttpClient(),
            new SettableOptions<OneBotOptions>(new OneBotOptions { ApiBaseUrl = apiBaseUrl, MaxActionsPerSecond = 1000, ActionTimeoutSeconds = 30, ActionBudgetSeconds = 60, MaxAttempts = 3, VerifyActions = false }),
            TimeProvider.System,
            new LogCollector<OneBotActionClient>(),
            TimeSpan.FromMilliseconds(50));
}
