using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Actions;
using GroupGuard.OneBot.Tests.Support;
using GroupGuard.Testing;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

/// <summary>Through the HttpClient production uses: a test client of its own would prove nothing here.</summary>
public sealed class RedirectTests : IAsyncLifetime
{
    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();
    private readonly FakeOneBotApi _elsewhere = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _elsewhere.DisposeAsync();
    }

    private static OneBotActionClient ProductionClient(OneBotOptions options) =>
        new(OneBotServiceCollectionExtensions.CreateHttpClient(), new SettableOptions<OneBotOptions>(options), TimeProvider.System, new LogCollector<OneBotActionClient>());

    [Theory]
    [InlineData(307, "Temporary Redirect")]
    [InlineData(308, "Permanent Redirect")]
    [InlineData(302, "Found")]
    [InlineData(301, "Moved Permanently")]
    public async Task A_redirect_is_refused_and_nothing_reaches_where_it_points(int status, string phrase)
    {
        _api.Default = FakeAnswer.Redirect(_elsewhere.Url("/delete_msg"), status);
        using var client = ProductionClient(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall), CancellationToken.None);

        Assert.Empty(_elsewhere.Requests);
        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal($"delete_msg answered HTTP {status} {phrase}: redirects are not followed; check GroupGuard:OneBot:ApiBaseUrl", result.Error);
        Assert.Single(_api.Requests); // a refusal, not retried
    }

    [Fact]
    public async Task A_v12_redirect_names_the_v12_setting()
    {
        _api.Default = FakeAnswer.Redirect(_elsewhere.Url("/v12/"));
        using var client = ProductionClient(Options(_api));

        var result = await client.ExecuteAsync(Action(ModerationAction.Recall, protocol: OneBotV12), CancellationToken.None);

        Assert.Empty(_elsewhere.Requests);
        Assert.Equal("delete_message answered HTTP 307 Temporary Redirect: redirects are not followed; check GroupGuard:OneBot:V12ApiBaseUrl", result.Error);
    }
}
