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
        var result = Validate(new OneBotOptions { ApiBaseUrl = url, Secret = "s", AccessToken = "t" });

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
                ["GroupGuard:OneBot:Secret"] = "s3cret",
                ["GroupGuard:OneBot:AccessToken"] = "t0ken",
                ["GroupGuard:OneBot:ApiBaseUrl"] = "http://127.0.0.1:3000",
            })
            .Build();
        using var provider = new ServiceCollection().AddGroupGuardOneBot(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<OneBotOptions>>().Value;
        Assert.Equal("s3cret", options.Secret);
        Assert.Equal("t0ken", options.AccessToken);
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
    public void Calling_AddGroupGuardOneBot_twice_registers_the_validator_once()
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection().AddGroupGuardOneBot(configuration).AddGroupGuardOneBot(configuration);

        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<OneBotOptions>));
        Assert.Single(services, d => d.ServiceType == typeof(OneBotWebhookReceiver));
    }
}
