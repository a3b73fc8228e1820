using System.Net;
using System.Text;
using System.Text.Json;
using GroupGuard.Host.Webhooks;
using GroupGuard.OneBot;
using Microsoft.Extensions.Configuration;

namespace GroupGuard.Host.Tests;

/// <summary>Nothing that can act on a group is reachable from the network without a secret.</summary>
public sealed class WebhookExposureTests
{
    [Fact]
    public async Task Listening_on_every_interface_without_secrets_stops_the_start_naming_both_settings()
    {
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        environment.Remove("GroupGuard__OneBot__Secret");
        var port = GroupGuardProcess.FreePort();
        environment["ASPNETCORE_URLS"] = $"http://0.0.0.0:{port}";

        var outcome = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("GroupGuard:OneBot:Secret is not set while the service listens on http://0.0.0.0:", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:OneBot:AccessToken is not set", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:OneBot:AllowUnsigned=true", outcome.Error, StringComparison.Ordinal);
        Assert.Contains($"listen on loopback only (--urls http://127.0.0.1:{port})", outcome.Error, StringComparison.Ordinal); // its port, not 5140
        Assert.DoesNotContain("   at ", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_v11_secret_alone_does_not_open_the_network_to_unsigned_v12_events()
    {
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        environment["ASPNETCORE_URLS"] = $"http://0.0.0.0:{GroupGuardProcess.FreePort()}";

        var outcome = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("GroupGuard:OneBot:AccessToken is not set", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("GroupGuard:OneBot:Secret is not set", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowUnsigned_starts_on_every_interface_with_a_warning_and_says_so_on_healthz()
    {
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        environment.Remove("GroupGuard__OneBot__Secret");
        var port = GroupGuardProcess.FreePort();
        environment["ASPNETCORE_URLS"] = $"http://0.0.0.0:{port}";
        environment["GroupGuard__OneBot__AllowUnsigned"] = "true";
        using var process = GroupGuardProcess.Start(service.Folder, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        try
        {
            await GroupGuardProcess.WaitHealthyAsync(http, process);

            using var health = JsonDocument.Parse(await http.GetStringAsync("/healthz"));
            var webhooks = health.RootElement.GetProperty("webhooks");
            Assert.True(webhooks.GetProperty("allow_unsigned").GetBoolean());
            Assert.True(webhooks.GetProperty("reachable_from_network").GetBoolean());
            Assert.Equal("unsigned", webhooks.GetProperty("v11").GetString());
            Assert.Equal("open", webhooks.GetProperty("v12").GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.Contains("AllowUnsigned is true", await stdout + await stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// On loopback a webhook without its secret or token is allowed, and only /healthz said so
    /// (v11 unsigned, v12 open): each one now has a line at start with the setting that would protect it.
    /// </summary>
    [Fact]
    public void On_loopback_each_webhook_without_its_secret_or_token_is_named_at_start_with_the_setting_that_would_protect_it()
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:OneBot:Secret"] = null,
            ["GroupGuard:OneBot:AccessToken"] = null,
        });
        _ = service.CreateClient();

        var lines = service.Logs.Entries
            .Where(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Information && e.Message.Contains(" on loopback; set ", StringComparison.Ordinal))
            .Select(e => e.Message)
            .ToList();

        Assert.Equal(
            [
                "OneBot v11 webhook /onebot/v11 accepts unsigned requests on loopback; set GroupGuard:OneBot:Secret to have them signed",
                "OneBot v12 webhook /onebot/v12 accepts requests without an access token on loopback; set GroupGuard:OneBot:AccessToken to require it",
                "OneBot v11 reverse WebSocket /onebot/v11/ws accepts requests without an access token on loopback; set GroupGuard:OneBot:AccessToken to require it",
                "Milky webhook /milky accepts requests without an access token on loopback; set GroupGuard:Milky:AccessToken to require it (GroupGuard:Milky:Webhook=false turns it off if nothing pushes to it)",
            ],
            lines);
    }

    [Fact]
    public void A_webhook_with_its_secret_or_token_set_has_no_such_line()
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?> { ["GroupGuard:Milky:Webhook"] = "false" });
        _ = service.CreateClient();

        Assert.DoesNotContain(service.Logs.Entries, e => e.Message.Contains(" on loopback; set ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5140", true)]
    [InlineData("http://localhost:5140", true)]
    [InlineData("http://[::1]:5140", true)]
    [InlineData("http://unix:/run/groupguard.sock", true)]
    [InlineData("http://0.0.0.0:5140", false)]
    [InlineData("http://[::]:5140", false)]
    [InlineData("http://*:5140", false)]
    [InlineData("http://+:5140", false)]
    [InlineData("http://192.168.1.20:5140", false)]
    [InlineData("http://groupguard.example.com:5140", false)]
    public void Only_loopback_and_unix_sockets_count_as_local(string url, bool local) =>
        Assert.Equal(local, ListenAddresses.IsLocal(url));

    /// <summary>A refusal to listen unprotected suggested --urls http://127.0.0.1:5140 whatever port the operator had chosen.</summary>
    [Theory]
    [InlineData("http://0.0.0.0:8080", "http://127.0.0.1:8080")]
    [InlineData("https://groupguard.example.com:8443/bot", "https://127.0.0.1:8443/bot")]
    [InlineData("http://[::]:9000", "http://127.0.0.1:9000")]
    [InlineData("http://*:7000", "http://127.0.0.1:7000")]
    [InlineData("http://+", "http://127.0.0.1")]
    [InlineData("notaurl", "http://127.0.0.1:5140")]
    public void The_loopback_address_a_refusal_suggests_keeps_the_port(string url, string loopback) =>
        Assert.Equal(loopback, ListenAddresses.OnLoopback(url));

    [Fact]
    public void Kestrel_endpoints_are_read_as_Kestrel_reads_them()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:5140",
            ["Kestrel:Endpoints:Public:Url"] = "http://0.0.0.0:8080",
        }).Build();

        var addresses = new ListenAddresses(configuration);

        Assert.Equal(["http://0.0.0.0:8080"], addresses.Reachable);
    }

    [Fact]
    public void The_example_production_settings_carry_no_usable_secret()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepoPaths.Root, "deploy", "appsettings.Production.example.json"))
            .Build();
        var options = configuration.GetSection(OneBotOptions.Section).Get<OneBotOptions>()!;

        var result = new OneBotOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("GroupGuard:OneBot:Secret is still the placeholder", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData(null)]
    public async Task Webhooks_take_application_json_only(string? contentType)
    {
        using var service = new GroupGuardFactory();
        var body = GroupGuardFactory.GroupEvent(1, "加微信");
        using var v11 = new HttpRequestMessage(HttpMethod.Post, "/onebot/v11") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        v11.Headers.Add("X-Signature", GroupGuardFactory.Sign(body));
        using var v12 = new HttpRequestMessage(HttpMethod.Post, "/onebot/v12") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(GroupGuardFactory.Sample("v12-wechat-group.json"))) };
        v12.Headers.Authorization = new("Bearer", GroupGuardFactory.AccessToken);
        if (contentType is not null)
        {
            v11.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            v12.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        var client = service.CreateClient();
        var first = await client.SendAsync(v11);
        var second = await client.SendAsync(v12);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, second.StatusCode);
        Assert.Contains("application/json", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_with_a_charset_is_taken()
    {
        using var service = new GroupGuardFactory();

        var response = await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "你好"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
