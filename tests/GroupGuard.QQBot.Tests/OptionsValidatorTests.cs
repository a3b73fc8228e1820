namespace GroupGuard.QQBot.Tests;

public sealed class OptionsValidatorTests
{
    private static IReadOnlyList<string> Failures(Action<QQBotOptions> configure)
    {
        var options = new QQBotOptions();
        configure(options);
        var result = new QQBotOptionsValidator().Validate(null, options);
        return result.Failed ? [.. result.Failures] : [];
    }

    [Fact]
    public void Nothing_set_is_valid_and_off()
    {
        Assert.Empty(Failures(_ => { }));
        Assert.False(new QQBotOptions().IsConfigured);
    }

    [Fact]
    public void Both_credentials_are_valid_and_on()
    {
        Assert.Empty(Failures(o => (o.AppId, o.AppSecret) = ("102056411", "naOC0ocQE3shWLAfffVLB1rhYPG7")));
    }

    [Fact]
    public void An_AppID_without_its_secret_stops_the_start_naming_both_keys()
    {
        var failure = Assert.Single(Failures(o => o.AppId = "102056411"));

        Assert.StartsWith("GroupGuard:QQBot:AppSecret is not set while GroupGuard:QQBot:AppId is", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_without_its_AppID_stops_the_start_naming_both_keys()
    {
        var failure = Assert.Single(Failures(o => o.AppSecret = "naOC0ocQE3shWLAfffVLB1rhYPG7"));

        Assert.StartsWith("GroupGuard:QQBot:AppId is not set while GroupGuard:QQBot:AppSecret is", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("naOC0ocQE3shWLAfffVLB1rhYPG7", "GroupGuard:QQBot:AppId must be the bot's AppID")]
    [InlineData("1020 56411", "GroupGuard:QQBot:AppId must be the bot's AppID")]
    public void An_AppID_that_is_not_digits_is_named(string appId, string expected) =>
        Assert.Contains(Failures(o => (o.AppId, o.AppSecret) = (appId, "secret-of-the-bot")), f => f.StartsWith(expected, StringComparison.Ordinal));

    [Theory]
    [InlineData("<your AppSecret>", "placeholder")]
    [InlineData(" naOC0ocQE3shWLAfffVLB1rhYPG7", "whitespace")]
    [InlineData("naOC0ocQE3shWLAfffVLB1rhYPG7\n", "whitespace")]
    public void A_secret_that_cannot_be_right_is_named_without_showing_it(string secret, string expected)
    {
        var failure = Assert.Single(Failures(o => (o.AppId, o.AppSecret) = ("102056411", secret)));

        Assert.StartsWith("GroupGuard:QQBot:AppSecret", failure, StringComparison.Ordinal);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("naOC0ocQE3", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ApiBaseUrl", "http://api.bot.qq.com", "must be https")]
    [InlineData("TokenUrl", "http://bots.qq.com/app/getAppAccessToken", "must be https")]
    [InlineData("ApiBaseUrl", "api.bot.qq.com", "absolute https URL")]
    [InlineData("TokenUrl", "ftp://bots.qq.com/", "absolute https URL")]
    [InlineData("ApiBaseUrl", "https://user:pw@api.bot.qq.com", "user name or password")]
    public void URLs_that_would_send_credentials_in_clear_or_nowhere_are_named(string key, string value, string expected)
    {
        var failure = Assert.Single(Failures(o =>
        {
            if (key == "ApiBaseUrl")
            {
                o.ApiBaseUrl = value;
            }
            else
            {
                o.TokenUrl = value;
            }
        }));

        Assert.StartsWith($"GroupGuard:QQBot:{key}", failure, StringComparison.Ordinal);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://localhost:8080/")]
    [InlineData("http://[::1]:8080")]
    [InlineData("https://sandbox.api.sgroup.qq.com")]
    public void Http_on_this_machine_and_https_anywhere_are_fine(string url) =>
        Assert.Empty(Failures(o => o.ApiBaseUrl = url));

    [Theory]
    [InlineData("qqbot")]
    [InlineData("/")]
    [InlineData("/healthz")]
    [InlineData("/onebot/v11")]
    [InlineData("/qq bot")]
    [InlineData("/qq//bot")]
    [InlineData("/{x}")]
    public void Paths_the_host_cannot_map_are_named(string path) =>
        Assert.StartsWith("GroupGuard:QQBot:Path", Assert.Single(Failures(o => o.Path = path)), StringComparison.Ordinal);

    [Theory]
    [InlineData("/qqbot")]
    [InlineData("/hooks/qq-official")]
    public void Usual_paths_are_fine(string path) => Assert.Empty(Failures(o => o.Path = path));

    [Fact]
    public void Numbers_out_of_range_are_each_named()
    {
        var failures = Failures(o =>
        {
            o.SignatureWindowSeconds = 5;
            o.MaxActionsPerSecond = 0;
            o.ActionTimeoutSeconds = double.NaN;
            o.ActionBudgetSeconds = -1;
            o.MaxAttempts = 0;
        });

        Assert.Contains(failures, f => f.StartsWith("GroupGuard:QQBot:SignatureWindowSeconds", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:QQBot:MaxActionsPerSecond", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:QQBot:ActionTimeoutSeconds", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:QQBot:ActionBudgetSeconds", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:QQBot:MaxAttempts", StringComparison.Ordinal));
    }

    [Fact]
    public void A_budget_shorter_than_one_attempt_is_named()
    {
        Assert.StartsWith("GroupGuard:QQBot:ActionBudgetSeconds (2) must be at least", Assert.Single(Failures(o => (o.ActionTimeoutSeconds, o.ActionBudgetSeconds) = (5, 2))), StringComparison.Ordinal);
    }
}
