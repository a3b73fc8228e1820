using GroupGuard.Core.Digests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GroupGuard.Channels.Tests;

public sealed class OptionsTests
{
    private const string RobotKey = "wecom-robot-key-42";
    private const string DingSecret = "SECding-secret-99";
    private const string MailPassword = "mail-password-77";

    internal static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? more = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddGroupGuardChannels(configuration);
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private static IReadOnlyList<string> Failures(Dictionary<string, string?> settings)
    {
        using var provider = Build(settings);
        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DigestChannelsOptions>>().Value);
        return failure.Failures.ToList();
    }

    [Fact]
    public void A_correct_configuration_builds_one_channel_per_name()
    {
        using var provider = Build(new()
        {
            ["GroupGuard:Channels:office-robot:Type"] = "wecom",
            ["GroupGuard:Channels:office-robot:Url"] = $"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={RobotKey}",
            ["GroupGuard:Channels:ding:Type"] = "DingTalk",
            ["GroupGuard:Channels:ding:Url"] = "https://oapi.dingtalk.com/robot/send?access_token=tok",
            ["GroupGuard:Channels:ding:Secret"] = DingSecret,
            ["GroupGuard:Channels:lark:Type"] = "feishu",
            ["GroupGuard:Channels:lark:Url"] = "https://open.feishu.cn/open-apis/bot/v2/hook/abc",
            ["GroupGuard:Channels:lark:Secret"] = "s",
            ["GroupGuard:Channels:wang-mail:Type"] = "email",
            ["GroupGuard:Channels:wang-mail:Host"] = "smtp.example.com",
            ["GroupGuard:Channels:wang-mail:Port"] = "465",
            ["GroupGuard:Channels:wang-mail:UseTls"] = "true",
            ["GroupGuard:Channels:wang-mail:User"] = "bot@example.com",
            ["GroupGuard:Channels:wang-mail:Password"] = MailPassword,
            ["GroupGuard:Channels:wang-mail:From"] = "bot@example.com",
            ["GroupGuard:Channels:wang-mail:To:0"] = "wang@example.com",
            ["GroupGuard:Channels:wang-qq:Type"] = "onebot",
            ["GroupGuard:Channels:wang-qq:UserId"] = "10001",
            ["GroupGuard:Channels:archive:Type"] = "file",
            ["GroupGuard:Channels:archive:Path"] = "data/digests",
        });

        var channels = provider.GetRequiredService<IDigestChannels>();

        // Configuration hands sections over sorted by key.
        Assert.Equal(["archive", "ding", "lark", "office-robot", "wang-mail", "wang-qq"], channels.Names);
        Assert.Equal(
            ["file", "dingtalk", "feishu", "wecom", "email", "onebot"],
            channels.Names.Select(name => channels.Get(name)!.Type));
        Assert.Equal("ding", channels.Get("DING")!.Name);
        Assert.Null(channels.Get("nobody"));
    }

    [Fact]
    public void Every_mistake_is_reported_at_once_naming_its_key()
    {
        var failures = Failures(new()
        {
            ["GroupGuard:Channels:office-robot:Type"] = "wecom",
            ["GroupGuard:Channels:office-robot:Url"] = $"qyapi.weixin.qq.com/cgi-bin/webhook/send?key={RobotKey}",
            ["GroupGuard:Channels:ding:Type"] = "dingtalk",
            ["GroupGuard:Channels:ding:Url"] = "https://oapi.dingtalk.com/robot/send?access_token=tok",
            ["GroupGuard:Channels:slack:Type"] = "slack",
            ["GroupGuard:Channels:untyped:Url"] = "https://example.com/",
            ["GroupGuard:Channels:wang-mail:Type"] = "email",
            ["GroupGuard:Channels:wang-mail:Port"] = "70000",
            ["GroupGuard:Channels:wang-qq:Type"] = "onebot",
            ["GroupGuard:Channels:archive:Type"] = "file",
        });

        Assert.Contains("GroupGuard:Channels:ding:Secret is required for dingtalk", failures);
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Channels:office-robot:Url must be an absolute http or https URL", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Channels:slack:Type 'slack' is not a channel type", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Channels:untyped:Type is required", StringComparison.Ordinal));
        Assert.Contains("GroupGuard:Channels:wang-mail:Host is required for email", failures);
        Assert.Contains("GroupGuard:Channels:wang-mail:From is required for email", failures);
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Channels:wang-mail:To is required for email", StringComparison.Ordinal));
        Assert.Contains("GroupGuard:Channels:wang-mail:Port must be between 1 and 65535, got 70000", failures);
        Assert.Contains("GroupGuard:Channels:wang-qq:UserId is required for onebot", failures);
        Assert.Contains("GroupGuard:Channels:archive:Path is required for file", failures);
        Assert.Equal(10, failures.Count);
        Assert.All(failures, f => Assert.DoesNotContain(RobotKey, f, StringComparison.Ordinal));
    }

    [Fact]
    public void A_misspelt_setting_is_named_rather_than_ignored()
    {
        var failures = Failures(new()
        {
            ["GroupGuard:Channels:ding:Type"] = "dingtalk",
            ["GroupGuard:Channels:ding:Url"] = "https://oapi.dingtalk.com/robot/send?access_token=tok",
            ["GroupGuard:Channels:ding:Scret"] = DingSecret,
        });

        Assert.Contains("GroupGuard:Channels:ding:Secret is required for dingtalk", failures);
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Channels:ding:Scret is not a dingtalk setting", StringComparison.Ordinal));
        Assert.All(failures, f => Assert.DoesNotContain(DingSecret, f, StringComparison.Ordinal));
    }

    [Fact]
    public void Robot_addresses_without_their_key_and_bad_email_values_are_named()
    {
        var failures = Failures(new()
        {
            ["GroupGuard:Channels:office-robot:Type"] = "wecom",
            ["GroupGuard:Channels:office-robot:Url"] = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
            ["GroupGuard:Channels:ding:Type"] = "dingtalk",
            ["GroupGuard:Channels:ding:Url"] = "ftp://oapi.dingtalk.com/robot/send?access_token=tok",
            ["GroupGuard:Channels:ding:Secret"] = DingSecret,
            ["GroupGuard:Channels:wang-mail:Type"] = "email",
            ["GroupGuard:Channels:wang-mail:Host"] = "smtp.example.com",
            ["GroupGuard:Channels:wang-mail:Port"] = "smtps",
            ["GroupGuard:Channels:wang-mail:UseTls"] = "yes",
            ["GroupGuard:Channels:wang-mail:User"] = "bot",
            ["GroupGuard:Channels:wang-mail:From"] = "not an address",
            ["GroupGuard:Channels:wang-mail:To:0"] = "wang@example.com",
            ["GroupGuard:Channels:wang-mail:To:1"] = "@@",
        });

        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Channels:office-robot:Url has no key= value", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Channels:ding:Url must be an absolute http or https URL", StringComparison.Ordinal));
        Assert.Contains("GroupGuard:Channels:wang-mail:Port must be a whole number, got 'smtps'", failures);
        Assert.Contains("GroupGuard:Channels:wang-mail:UseTls must be true or false, got 'yes'", failures);
        Assert.Contains("GroupGuard:Channels:wang-mail:Password is required when User is set", failures);
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Channels:wang-mail:From is not an email address", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:Channels:wang-mail:To:1 is not an email address", StringComparison.Ordinal));
    }

    [Fact]
    public void An_email_address_without_a_domain_is_refused_at_start_naming_its_setting()
    {
        // MimeKit reads "wang" as an address; no server delivers to it.
        var failures = Failures(new()
        {
            ["GroupGuard:Channels:wang-mail:Type"] = "email",
            ["GroupGuard:Channels:wang-mail:Host"] = "smtp.example.com",
            ["GroupGuard:Channels:wang-mail:From"] = "GroupGuard <bot>",
            ["GroupGuard:Channels:wang-mail:To:0"] = "wang",
            ["GroupGuard:Channels:wang-mail:To:1"] = "王主任 <wang>",
            ["GroupGuard:Channels:wang-mail:To:2"] = "王主任 <wang@example.com>",
            ["GroupGuard:Channels:wang-mail:To:3"] = "li@localhost",
        });

        Assert.Equal(
            [
                "GroupGuard:Channels:wang-mail:From has no domain: 'GroupGuard <bot>' (an address is user@domain)",
                "GroupGuard:Channels:wang-mail:To:0 has no domain: 'wang' (an address is user@domain)",
                "GroupGuard:Channels:wang-mail:To:1 has no domain: '王主任 <wang>' (an address is user@domain)",
            ],
            failures);
    }

    [Fact]
    public void A_robot_address_still_holding_an_example_placeholder_is_refused_naming_its_setting()
    {
        var failures = Failures(new()
        {
            // As deploy/appsettings.Production.example.json has it, and as a settings editor may escape it.
            ["GroupGuard:Channels:office-robot:Type"] = "wecom",
            ["GroupGuard:Channels:office-robot:Url"] = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<the robot's key>",
            ["GroupGuard:Channels:escaped:Type"] = "wecom",
            ["GroupGuard:Channels:escaped:Url"] = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=%3Cthe%20robot%27s%20key%3E",
            ["GroupGuard:Channels:ding:Type"] = "dingtalk",
            ["GroupGuard:Channels:ding:Url"] = "https://oapi.dingtalk.com/robot/send?access_token=<access_token>",
            ["GroupGuard:Channels:ding:Secret"] = DingSecret,
            ["GroupGuard:Channels:lark:Type"] = "feishu",
            ["GroupGuard:Channels:lark:Url"] = "https://open.feishu.cn/open-apis/bot/v2/hook/<hook id>",

            // The robots' real addresses, and one through a relay on this machine, pass.
            ["GroupGuard:Channels:real-wecom:Type"] = "wecom",
            ["GroupGuard:Channels:real-wecom:Url"] = $"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={RobotKey}",
            ["GroupGuard:Channels:real-ding:Type"] = "dingtalk",
            ["GroupGuard:Channels:real-ding:Url"] = "https://oapi.dingtalk.com/robot/send?access_token=0a1b2c3d4e5f",
            ["GroupGuard:Channels:real-ding:Secret"] = DingSecret,
            ["GroupGuard:Channels:real-lark:Type"] = "feishu",
            ["GroupGuard:Channels:real-lark:Url"] = "https://open.feishu.cn/open-apis/bot/v2/hook/2f6c1e4a-88b0-4c5e-9d1a-7e3b5a9c0d12",
            ["GroupGuard:Channels:relay:Type"] = "wecom",
            ["GroupGuard:Channels:relay:Url"] = $"http://127.0.0.1:8080/cgi-bin/webhook/send?key={RobotKey}&to=a%3Eb",
        });

        Assert.Equal(
            [
                "GroupGuard:Channels:ding:Url is still the placeholder of the example settings: copy the whole webhook address from the robot's settings, its access_token in place of <…>",
                "GroupGuard:Channels:escaped:Url is still the placeholder of the example settings: copy the whole webhook address from the robot's settings, its key in place of <…>",
                "GroupGuard:Channels:lark:Url is still the placeholder of the example settings: copy the whole webhook address from the robot's settings, its hook id in place of <…>",
                "GroupGuard:Channels:office-robot:Url is still the placeholder of the example settings: copy the whole webhook address from the robot's settings, its key in place of <…>",
            ],
            failures.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_robot_address_over_plain_http_across_a_network_is_refused_at_start_without_its_key()
    {
        var failures = Failures(new()
        {
            ["GroupGuard:Channels:office-robot:Type"] = "wecom",
            ["GroupGuard:Channels:office-robot:Url"] = $"http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={RobotKey}",
            ["GroupGuard:Channels:ding:Type"] = "dingtalk",
            ["GroupGuard:Channels:ding:Url"] = "http://oapi.dingtalk.com/robot/send?access_token=ding-token-5",
            ["GroupGuard:Channels:ding:Secret"] = DingSecret,
            ["GroupGuard:Channels:lark:Type"] = "feishu",
            ["GroupGuard:Channels:lark:Url"] = "HTTP://open.feishu.cn/open-apis/bot/v2/hook/lark-hook-3",
            ["GroupGuard:Channels:proxy:Type"] = "wecom",
            ["GroupGuard:Channels:proxy:Url"] = $"http://10.0.0.5:8080/cgi-bin/webhook/send?key={RobotKey}",

            // A relay or a sink on this machine: the key never crosses a network.
            ["GroupGuard:Channels:local-v4:Type"] = "wecom",
            ["GroupGuard:Channels:local-v4:Url"] = $"http://127.0.0.1:8080/cgi-bin/webhook/send?key={RobotKey}",
            ["GroupGuard:Channels:local-name:Type"] = "feishu",
            ["GroupGuard:Channels:local-name:Url"] = "http://localhost:8080/open-apis/bot/v2/hook/x",
            ["GroupGuard:Channels:local-v6:Type"] = "dingtalk",
            ["GroupGuard:Channels:local-v6:Url"] = "http://[::1]:8080/robot/send?access_token=t",
            ["GroupGuard:Channels:local-v6:Secret"] = DingSecret,
        });

        Assert.Equal(
            [
                "GroupGuard:Channels:ding:Url must be https: over http the robot's access_token crosses the network unencrypted (http is for a relay on this machine only)",
                "GroupGuard:Channels:lark:Url must be https: over http the robot's hook id crosses the network unencrypted (http is for a relay on this machine only)",
                "GroupGuard:Channels:office-robot:Url must be https: over http the robot's key crosses the network unencrypted (http is for a relay on this machine only)",
                "GroupGuard:Channels:proxy:Url must be https: over http the robot's key crosses the network unencrypted (http is for a relay on this machine only)",
            ],
            failures.Order(StringComparer.Ordinal));
        Assert.All(failures, f => Assert.DoesNotContain(RobotKey, f, StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_configuration_stops_the_service_at_start()
    {
        using var provider = Build(new() { ["GroupGuard:Channels:ding:Type"] = "dingtalk" });

        var failure = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("GroupGuard:Channels:ding:Url is required for dingtalk", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_recipient_may_be_written_as_a_plain_value()
    {
        using var provider = Build(new()
        {
            ["GroupGuard:Channels:wang-mail:Type"] = "email",
            ["GroupGuard:Channels:wang-mail:Host"] = "smtp.example.com",
            ["GroupGuard:Channels:wang-mail:From"] = "bot@example.com",
            ["GroupGuard:Channels:wang-mail:To"] = "wang@example.com",
        });

        var options = provider.GetRequiredService<IOptions<DigestChannelsOptions>>().Value;

        var email = Assert.IsType<EmailChannelOptions>(options.Channels["wang-mail"]);
        Assert.Equal(["wang@example.com"], email.To);
        Assert.Equal(465, email.EffectivePort(email.IsLoopback));
    }

    [Fact]
    public void No_channels_configured_is_valid_and_empty()
    {
        using var provider = Build([]);

        Assert.Empty(provider.GetRequiredService<IDigestChannels>().Names);
    }
}
