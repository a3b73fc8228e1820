using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Actions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GroupGuard.OneBot.Tests;

public sealed class OneBotOptionsTests
{
    private static ValidateOptionsResult Validate(OneBotOptions options) =>
        new OneBotOptionsValidator().Validate(Options.DefaultName, options);

    [Theory]
    [InlineData("x")]
    [InlineData("localhost:3000")]
    [InlineData("/onebot")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("ws://127.0.0.1:3001")]
    public void A_bad_api_base_url_fails_naming_the_key_and_the_value(string url)
    {
        var result = Validate(new OneBotOptions { ApiBaseUrl = url });

        Assert.True(result.Failed);
        Assert.Equal(
            [$"GroupGuard:OneBot:ApiBaseUrl must be an absolute http or https URL, got '{url}'"],
            result.Failures);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("http://127.0.0.1:3000")]
    [InlineData("https://napcat.internal/api/")]
    public void Good_or_absent_settings_pass(string? url)
    {
        var result = Validate(new OneBotOptions { ApiBaseUrl = url, Secret = "sixteen-chars-ok", AccessToken = "a-long-enough-token" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Every_failure_is_reported_at_once()
    {
        var result = Validate(new OneBotOptions { ApiBaseUrl = "nope", AccessToken = "token ", Secret = "   " });

        Assert.True(result.Failed);
        Assert.Collection(
            result.Failures,
            f => Assert.StartsWith("GroupGuard:OneBot:ApiBaseUrl ", f),
            f => Assert.StartsWith("GroupGuard:OneBot:AccessToken ", f),
            f => Assert.StartsWith("GroupGuard:OneBot:Secret ", f));
    }

    [Theory]
    [InlineData(" leading")]
    [InlineData("trailing\t")]
    [InlineData("line\nbreak")]
    public void An_access_token_that_no_header_could_carry_fails(string token)
    {
        var result = Validate(new OneBotOptions { AccessToken = token });

        Assert.Contains(result.Failures!, f => f.StartsWith("GroupGuard:OneBot:AccessToken", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Secret", "napcat-token")]
    [InlineData("AccessToken", "v12-token")]
    [InlineData("Secret", "123456789012345")]
    public void A_secret_or_token_shorter_than_16_characters_fails(string key, string value)
    {
        var options = key == "Secret" ? new OneBotOptions { Secret = value } : new OneBotOptions { AccessToken = value };

        var result = Validate(options);

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith($"GroupGuard:OneBot:{key} is {value.Length} characters long", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(value, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_placeholder_left_from_the_example_settings_fails()
    {
        var result = Validate(new OneBotOptions { Secret = "<16+ random characters, the same as NapCat's token>" });

        Assert.Contains(result.Failures!, f => f.StartsWith("GroupGuard:OneBot:Secret is still the placeholder", StringComparison.Ordinal));
    }

    [Fact]
    public void Failures_never_reveal_the_token()
    {
        var result = Validate(new OneBotOptions { AccessToken = "secret-token " });

        Assert.DoesNotContain("secret-token", result.FailureMessage);
    }

    [Fact]
    public void AddGroupGuardOneBot_binds_the_section_and_registers_one_receiver()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["GroupGuard:OneBot:Secret"] = "s3cret-s3cret-s3cret",
                ["GroupGuard:OneBot:AccessToken"] = "t0ken-t0ken-t0ken",
                ["GroupGuard:OneBot:ApiBaseUrl"] = "http://127.0.0.1:3000",
            })
            .Build();
        using var provider = new ServiceCollection().AddGroupGuardOneBot(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<OneBotOptions>>().Value;
        Assert.Equal("s3cret-s3cret-s3cret", options.Secret);
        Assert.Equal("t0ken-t0ken-t0ken", options.AccessToken);
        Assert.Equal("http://127.0.0.1:3000", options.ApiBaseUrl);
        Assert.Same(provider.GetRequiredService<OneBotWebhookReceiver>(), provider.GetRequiredService<OneBotWebhookReceiver>());
        Assert.Equal(401, provider.GetRequiredService<OneBotWebhookReceiver>().ReceiveV11("{}"u8, null).StatusCode);
    }

    [Fact]
    public async Task A_bad_setting_stops_the_host_at_start_naming_the_key()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GroupGuard:OneBot:ApiBaseUrl"] = "127.0.0.1:3000",
        });
        builder.Services.AddGroupGuardOneBot(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("GroupGuard:OneBot:ApiBaseUrl must be an absolute http or https URL, got '127.0.0.1:3000'", error.Message);
    }

    [Fact]
    public void The_action_settings_have_their_documented_defaults()
    {
        var options = new OneBotOptions();

        Assert.Equal(2, options.MaxActionsPerSecond);
        Assert.Equal(5, options.ActionTimeoutSeconds);
        Assert.Equal(20, options.ActionBudgetSeconds);
        Assert.Equal(3, options.MaxAttempts);
        Assert.Equal(10, options.WarningCoalesceSeconds);
        Assert.True(options.VerifyActions);
        Assert.Empty(options.Connections);
        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void Bad_action_settings_fail_all_at_once_naming_each_key_and_value()
    {
        var result = Validate(new OneBotOptions
        {
            V12ApiBaseUrl = "127.0.0.1:8000",
            MaxActionsPerSecond = 0,
            ActionTimeoutSeconds = -1,
            ActionBudgetSeconds = double.NaN,
            MaxAttempts = 0,
            WarningCoalesceSeconds = -5,
        });

        Assert.True(result.Failed);
        Assert.Equal(
            [
                "GroupGuard:OneBot:V12ApiBaseUrl must be an absolute http or https URL, got '127.0.0.1:8000'",
                "GroupGuard:OneBot:MaxActionsPerSecond must be a number greater than 0, got 0",
                "GroupGuard:OneBot:ActionTimeoutSeconds must be a number greater than 0, got -1",
                "GroupGuard:OneBot:ActionBudgetSeconds must be a number greater than 0, got NaN",
                "GroupGuard:OneBot:MaxAttempts must be at least 1, got 0",
                "GroupGuard:OneBot:WarningCoalesceSeconds must be 0 or more (0 sends every warning at once), got -5",
            ],
            result.Failures);
    }

    [Fact]
    public void A_budget_shorter_than_one_timeout_fails_naming_both_keys()
    {
        var result = Validate(new OneBotOptions { ActionTimeoutSeconds = 5, ActionBudgetSeconds = 2 });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("GroupGuard:OneBot:ActionBudgetSeconds (2) must be at least GroupGuard:OneBot:ActionTimeoutSeconds (5)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Fractional_rates_and_timeouts_and_no_coalescing_are_accepted()
    {
        var result = Validate(new OneBotOptions
        {
            V12ApiBaseUrl = "http://127.0.0.1:8000/",
            MaxActionsPerSecond = 0.5,
            ActionTimeoutSeconds = 0.3,
            ActionBudgetSeconds = 1,
            MaxAttempts = 1,
            WarningCoalesceSeconds = 0,
        });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public async Task A_bad_action_setting_from_configuration_stops_the_host_at_start_naming_the_key()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GroupGuard:OneBot:MaxActionsPerSecond"] = "0",
        });
        builder.Services.AddGroupGuardOneBot(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("GroupGuard:OneBot:MaxActionsPerSecond must be a number greater than 0, got 0", error.Message);
    }

    [Fact]
    public async Task A_timeout_too_long_for_the_clock_stops_the_host_at_start_instead_of_failing_every_action()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GroupGuard:OneBot:ActionTimeoutSeconds"] = "1e12",
            ["GroupGuard:OneBot:ActionBudgetSeconds"] = "1e12",
            ["GroupGuard:OneBot:WarningCoalesceSeconds"] = "86400",
        });
        builder.Services.AddGroupGuardOneBot(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("GroupGuard:OneBot:ActionTimeoutSeconds must be at most 300 s, got 1000000000000", error.Message);
        Assert.Contains("GroupGuard:OneBot:ActionBudgetSeconds must be at most 3600 s, got 1000000000000", error.Message);
        Assert.Contains("GroupGuard:OneBot:WarningCoalesceSeconds must be at most 3600 s", error.Message);
    }

    [Fact]
    public void AddGroupGuardOneBot_registers_the_action_client_as_one_platform_actions_singleton()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["GroupGuard:OneBot:ApiBaseUrl"] = "http://127.0.0.1:3000",
                ["GroupGuard:OneBot:V12ApiBaseUrl"] = "http://127.0.0.1:8000/",
                ["GroupGuard:OneBot:MaxActionsPerSecond"] = "1.5",
                ["GroupGuard:OneBot:WarningCoalesceSeconds"] = "0",
            })
            .Build();
        var services = new ServiceCollection().AddGroupGuardOneBot(configuration).AddGroupGuardOneBot(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(IProtocolActions));
        var actions = provider.GetRequiredService<IProtocolActions>();
        Assert.IsType<OneBotActionClient>(actions);
        Assert.Same(actions, provider.GetRequiredService<IProtocolActions>());
        Assert.Equal([GroupGuard.Core.Protocol.OneBotV11, GroupGuard.Core.Protocol.OneBotV12], actions.Protocols);
        Assert.True(actions.CanDo(GroupGuard.Core.Protocol.OneBotV11, "qq", ModerationAction.Mute));
        var options = provider.GetRequiredService<IOptions<OneBotOptions>>().Value;
        Assert.Equal("http://127.0.0.1:8000/", options.V12ApiBaseUrl);
        Assert.Equal(1.5, options.MaxActionsPerSecond);
        Assert.Equal(0, options.WarningCoalesceSeconds);
    }

    [Fact]
    public void Calling_AddGroupGuardOneBot_twice_registers_the_validator_once()
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection().AddGroupGuardOneBot(configuration).AddGroupGuardOneBot(configuration);

        // Three checks (the settings' own, the connections' entries the binder would drop, and one
        // value where a list is taken), each once.
        var validators = services.Where(d => d.ServiceType == typeof(IValidateOptions<OneBotOptions>)).Select(d => d.ImplementationType ?? d.ImplementationInstance!.GetType()).ToList();
        Assert.Equal(3, validators.Count);
        Assert.Equal(validators.Count, validators.Distinct().Count());
        Assert.Single(services, d => d.ServiceType == typeof(OneBotWebhookReceiver));
    }

    [Theory]
    [InlineData("http://127.0.0.1:3001", "must be an absolute ws or wss URL, got 'http://127.0.0.1:3001'")]
    [InlineData("127.0.0.1:3001", "must be an absolute ws or wss URL, got '127.0.0.1:3001'")]
    [InlineData("ws://napcat:secret-password@127.0.0.1:3001", "carries a credential; put the token in GroupGuard:OneBot:Connections:0:AccessToken instead")]
    [InlineData("ws://127.0.0.1:3001/?access_token=secret-password", "carries a credential; put the token in GroupGuard:OneBot:Connections:0:AccessToken instead")]
    [InlineData("", "is missing: the implementation's WebSocket server, e.g. ws://127.0.0.1:3001")]
    public void A_bad_connection_url_fails_naming_its_index(string url, string expected)
    {
        var result = Validate(new OneBotOptions { Connections = [new OneBotConnectionOptions { Url = url }] });

        var failure = Assert.Single(result.Failures!);
        Assert.Equal("GroupGuard:OneBot:Connections:0:Url " + expected, failure);
        Assert.DoesNotContain("secret-password", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_tokens_are_held_to_the_same_rules_and_every_connection_is_checked()
    {
        var result = Validate(new OneBotOptions
        {
            Connections =
            [
                new OneBotConnectionOptions { Url = "ws://127.0.0.1:3001", AccessToken = "short" },
                new OneBotConnectionOptions { Url = "wss://napcat.internal/onebot", AccessToken = "long-enough-token-2026" },
                new OneBotConnectionOptions { Url = "ws://127.0.0.1:3001/", AccessToken = " padded-token-2026 " },
            ],
        });

        Assert.Equal(
            [
                "GroupGuard:OneBot:Connections:0:AccessToken is 5 characters long; use 16 or more random characters, a short one can be guessed",
                "GroupGuard:OneBot:Connections:2:Url 'ws://127.0.0.1:3001/' is listed twice; one connection per server is enough",
                "GroupGuard:OneBot:Connections:2:AccessToken must not start or end with whitespace or contain control characters",
            ],
            result.Failures);
    }

    [Fact]
    public void At_most_32_connections()
    {
        var options = new OneBotOptions
        {
            Connections = [.. Enumerable.Range(0, 33).Select(i => new OneBotConnectionOptions { Url = $"ws://127.0.0.1:{3001 + i}" })],
        };

        Assert.Equal(["GroupGuard:OneBot:Connections lists 33 connections; at most 32 are allowed"], Validate(options).Failures);
        options.Connections.RemoveAt(0);
        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void Connections_bind_from_configuration_as_a_list()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["GroupGuard:OneBot:Connections:0:Url"] = "ws://127.0.0.1:3001",
                ["GroupGuard:OneBot:Connections:0:AccessToken"] = "napcat-ws-token-2026",
                ["GroupGuard:OneBot:Connections:1:Url"] = "ws://127.0.0.1:3002",
                ["GroupGuard:OneBot:VerifyActions"] = "false",
            })
            .Build();
        using var provider = new ServiceCollection().AddGroupGuardOneBot(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<OneBotOptions>>().Value;
        Assert.Equal(["ws://127.0.0.1:3001", "ws://127.0.0.1:3002"], options.Connections.Select(c => c.Url));
        Assert.Equal("napcat-ws-token-2026", options.Connections[0].AccessToken);
        Assert.False(options.VerifyActions);
        Assert.IsAssignableFrom<GroupGuard.Core.IConnectionStatus>(provider.GetRequiredService<GroupGuard.Core.IConnectionStatus>());
    }
}
