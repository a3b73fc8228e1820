using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GroupGuard.Milky.Tests;

/// <summary>Settings of <c>GroupGuard:Milky</c>: bound from configuration, every bad one named by its key.</summary>
public sealed class OptionsTests
{
    private static IConfiguration Configuration(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, s.Value))).Build();

    private static ValidateOptionsResult Validate(MilkyOptions options) => new MilkyOptionsValidator().Validate(null, options);

    [Fact]
    public void The_connections_list_binds_from_configuration()
    {
        var configuration = Configuration(
            ("GroupGuard:Milky:Connections:0:Url", "http://127.0.0.1:3010"),
            ("GroupGuard:Milky:Connections:0:AccessToken", "llbot-token"),
            ("GroupGuard:Milky:Connections:1:Url", "http://127.0.0.1:3000/milky"),
            ("GroupGuard:Milky:Connections:1:EventStream", "false"),
            ("GroupGuard:Milky:VerifyActions", "false"));
        using var provider = new ServiceCollection().AddGroupGuardMilky(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<MilkyOptions>>().Value;

        Assert.Equal(2, options.Connections.Count);
        Assert.Equal("http://127.0.0.1:3010", options.Connections[0].Url);
        Assert.Equal("llbot-token", options.Connections[0].AccessToken);
        Assert.True(options.Connections[0].EventStream);
        Assert.False(options.Connections[1].EventStream);
        Assert.False(options.VerifyActions);
        Assert.Null(options.Webhook);
    }

    [Fact]
    public void The_defaults_are_valid_and_verify_actions()
    {
        var options = new MilkyOptions();

        Assert.True(Validate(options).Succeeded);
        Assert.True(options.VerifyActions);
        Assert.Empty(options.Connections);
    }

    [Fact]
    public void Waits_too_long_for_the_clock_are_refused_naming_the_key()
    {
        var failures = Validate(new MilkyOptions { ReconnectMaxSeconds = 1e12, ActionTimeoutSeconds = 301, ActionBudgetSeconds = 400, MaxAttempts = 1000 }).Failures!.ToList();

        Assert.Contains("GroupGuard:Milky:ReconnectMaxSeconds must be at most 3600 s, got 1000000000000", failures);
        Assert.Contains("GroupGuard:Milky:ActionTimeoutSeconds must be at most 300 s, got 301", failures);
        Assert.Contains("GroupGuard:Milky:MaxAttempts must be at most 100, got 1000", failures);
        Assert.Equal(3, failures.Count);
    }

    [Theory]
    [InlineData(29, "GroupGuard:Milky:SseIdleSeconds must be at least 30 s (a quiet stream is reopened after that long), got 29")]
    [InlineData(3601, "GroupGuard:Milky:SseIdleSeconds must be at most 3600 s, got 3601")]
    [InlineData(0, "GroupGuard:Milky:SseIdleSeconds must be a number greater than 0, got 0")]
    public void An_sse_idle_deadline_out_of_bounds_is_refused(double seconds, string failure)
    {
        Assert.Equal([failure], Validate(new MilkyOptions { SseIdleSeconds = seconds }).Failures!);
    }

    [Fact]
    public void The_sse_idle_deadline_binds_and_defaults_to_five_minutes()
    {
        using var provider = new ServiceCollection().AddGroupGuardMilky(Configuration(("GroupGuard:Milky:SseIdleSeconds", "600"))).BuildServiceProvider();

        Assert.Equal(600, provider.GetRequiredService<IOptions<MilkyOptions>>().Value.SseIdleSeconds);
        Assert.Equal(300, new MilkyOptions().SseIdleSeconds);
    }

    [Fact]
    public void Every_bad_setting_is_named_by_its_key()
    {
        var options = new MilkyOptions
        {
            Connections =
            [
                new MilkyConnectionOptions { Url = "ws://127.0.0.1:3010" },
                new MilkyConnectionOptions { Url = null },
                new MilkyConnectionOptions { Url = "http://user:secret@127.0.0.1:3010" },
                new MilkyConnectionOptions { Url = "http://127.0.0.1:3010/?access_token=abc" },
                new MilkyConnectionOptions { Url = "http://127.0.0.1:3020", AccessToken = "<the implementation's access token>" },
                new MilkyConnectionOptions { Url = "http://127.0.0.1:3020/", AccessToken = " padded" },
            ],
            AccessToken = "short",
            MaxActionsPerSecond = 0,
            ActionTimeoutSeconds = 10,
            ActionBudgetSeconds = 5,
            MaxAttempts = 0,
            ReconnectMaxSeconds = double.NaN,
        };

        var failures = Validate(options).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Milky:Connections:0:Url must be an absolute http or https URL", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Milky:Connections:1:Url is not set", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Milky:Connections:2:Url must not carry a user name or password", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Milky:Connections:3:Url must not have a query", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Milky:Connections:4:AccessToken is still the placeholder", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Milky:Connections:5:Url repeats an earlier entry", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Milky:Connections:5:AccessToken must not start or end with whitespace", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Milky:AccessToken is 5 characters long", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Milky:MaxActionsPerSecond must be a number greater than 0", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Milky:ActionBudgetSeconds (5) must be at least GroupGuard:Milky:ActionTimeoutSeconds (10)", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Milky:MaxAttempts must be at least 1", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Milky:ReconnectMaxSeconds must be a number greater than 0", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("secret@", StringComparison.Ordinal) || f.Contains("access_token=abc", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_setting_stops_the_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create<string, string?>("GroupGuard:Milky:Connections:0:Url", "not a url")]);
        builder.Services.AddSingleton<IEventSink, NullSink>();
        builder.Services.AddGroupGuardMilky(builder.Configuration);
        using var host = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("GroupGuard:Milky:Connections:0:Url must be an absolute http or https URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registering_twice_gives_one_action_client_one_status_and_one_stream_service()
    {
        var configuration = Configuration(("GroupGuard:Milky:Connections:0:Url", "http://127.0.0.1:3010"));
        var services = new ServiceCollection().AddGroupGuardMilky(configuration).AddGroupGuardMilky(configuration);

        Assert.Single(services, d => d.ServiceType == typeof(IProtocolActions));
        Assert.Single(services, d => d.ServiceType == typeof(IConnectionStatus));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        // Three checks (the settings' own, the connections' entries the binder would drop, and one
        // value where a list is taken), each once.
        var validators = services.Where(d => d.ServiceType == typeof(IValidateOptions<MilkyOptions>)).Select(d => d.ImplementationType ?? d.ImplementationInstance!.GetType()).ToList();
        Assert.Equal(3, validators.Count);
        Assert.Equal(validators.Count, validators.Distinct().Count());
    }

    private sealed class NullSink : IEventSink
    {
        public EventAcceptance Accept(InboundEvent inbound) => EventAcceptance.Accepted;
    }
}
