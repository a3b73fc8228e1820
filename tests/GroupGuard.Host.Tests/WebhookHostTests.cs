using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GroupGuard.Milky;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Tests;

/// <summary>
/// DNS rebinding: a page at <c>http://evil.attacker.example:5140</c> whose name is then pointed at
/// 127.0.0.1 posts to the loopback port from its own origin, so no CORS preflight stops its
/// <c>application/json</c>; its requests name it in <c>Host</c>. A webhook without its secret or
/// token takes only requests addressed to this machine (or to a name in
/// <c>GroupGuard:Webhooks:HostNames</c>), answering 421 otherwise; a protected one takes any Host,
/// as a bridge on another machine or a reverse proxy sends it.
/// </summary>
public sealed class WebhookHostTests
{
    private const string Foreign = "evil.attacker.example:5140";

    private static readonly Dictionary<string, string?> Unprotected = new()
    {
        ["GroupGuard:OneBot:Secret"] = "",
        ["GroupGuard:OneBot:AccessToken"] = "",
    };

    [Fact]
    public async Task An_unsigned_v11_event_addressed_to_a_foreign_host_is_refused_and_moderates_nothing()
    {
        using var service = new GroupGuardFactory(Unprotected);

        var rebound = await SendAsync(service, "/onebot/v11", GroupGuardFactory.GroupEvent(1, "加微信领资料"), Foreign);
        var local = await SendAsync(service, "/onebot/v11", GroupGuardFactory.GroupEvent(2, "加微信领资料"), "127.0.0.1:5140");

        Assert.Equal(HttpStatusCode.MisdirectedRequest, rebound.StatusCode);
        var error = await rebound.Content.ReadAsStringAsync();
        Assert.Contains($"Host '{Foreign}'", error, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:OneBot:Secret", error, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Webhooks:HostNames", error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, local.StatusCode);

        // The worker takes messages in order: had the first been taken, it would be finished first.
        await service.HandledAsync("2");
        Assert.Equal(["2"], service.Handled.Items.Select(m => m.MessageId));
        var stored = await service.IncidentsAsync();
        Assert.Equal(["2"], stored.Select(i => i.MessageId).Distinct());
    }

    [Fact]
    public async Task An_unsigned_webhook_takes_the_names_of_this_machine_only()
    {
        using var service = new GroupGuardFactory(Unprotected);
        string[] local = ["localhost", "LocalHost:5140", "127.0.0.1:5140", "127.8.9.10:5140", "[::1]:5140"];
        string[] foreign = [Foreign, "localhost.attacker.example", "127.0.0.1.nip.io:5140", "0.0.0.0:5140", "10.0.0.5:5140"];

        var id = 0;
        foreach (var host in local)
        {
            var response = await SendAsync(service, "/onebot/v11", GroupGuardFactory.GroupEvent(++id, "你好"), host);
            Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{host}: {response.StatusCode}");
        }

        foreach (var host in foreign)
        {
            var response = await SendAsync(service, "/onebot/v11", GroupGuardFactory.GroupEvent(++id, "你好"), host);
            Assert.True(response.StatusCode == HttpStatusCode.MisdirectedRequest, $"{host}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task V12_Milky_and_the_reverse_WebSocket_without_a_token_refuse_a_foreign_host_naming_their_setting()
    {
        using var service = new GroupGuardFactory(Unprotected);

        var v12 = await SendAsync(service, "/onebot/v12", GroupGuardFactory.Sample("v12-wechat-group.json"), Foreign, ("X-OneBot-Version", "12"));
        var milky = await SendAsync(service, "/milky", GroupGuardFactory.Sample("lagrange-group.json"), Foreign);
        using var upgrade = new HttpRequestMessage(HttpMethod.Get, "/onebot/v11/ws");
        upgrade.Headers.Host = Foreign;
        upgrade.Headers.Add("X-Self-ID", "10001");
        var socket = await service.CreateClient().SendAsync(upgrade);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, v12.StatusCode);
        Assert.Contains("GroupGuard:OneBot:AccessToken", await v12.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, milky.StatusCode);
        Assert.Contains("GroupGuard:Milky:AccessToken", await milky.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, socket.StatusCode);
        Assert.Contains("GroupGuard:OneBot:AccessToken", await socket.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, service.Handled.Count);
    }

    [Fact]
    public async Task HostNames_lets_an_unsigned_webhook_take_the_names_it_lists_and_no_others()
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?>(Unprotected)
        {
            ["GroupGuard:Webhooks:HostNames:0"] = "guard-box",
            ["GroupGuard:Webhooks:HostNames:1"] = "192.168.1.5",
        });

        var named = await SendAsync(service, "/onebot/v11", GroupGuardFactory.GroupEvent(1, "你好"), "Guard-Box:5140");
        var address = await SendAsync(service, "/onebot/v11", GroupGuardFactory.GroupEvent(2, "你好"), "192.168.1.5:5140");
        var other = await SendAsync(service, "/onebot/v11", GroupGuardFactory.GroupEvent(3, "你好"), Foreign);

        Assert.Equal(HttpStatusCode.NoContent, named.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, address.StatusCode);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, other.StatusCode);
    }

    [Fact]
    public async Task A_signed_webhook_takes_a_proxy_s_host_while_an_unsigned_one_beside_it_refuses_it()
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?> { ["GroupGuard:OneBot:AccessToken"] = "" });
        var body = GroupGuardFactory.GroupEvent(1, "你好");

        var signed = await SendAsync(service, "/onebot/v11", body, "guard.example.org", ("X-Signature", GroupGuardFactory.Sign(body)), ("X-Forwarded-For", "203.0.113.7"));
        var unsigned = await SendAsync(service, "/onebot/v12", GroupGuardFactory.Sample("v12-wechat-group.json"), "guard.example.org", ("X-OneBot-Version", "12"));

        Assert.Equal(HttpStatusCode.NoContent, signed.StatusCode);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, unsigned.StatusCode);
    }

    [Theory]
    [InlineData("guard-box", true)]
    [InlineData("192.168.1.5", true)]
    [InlineData("[fd00::5]", true)]
    [InlineData("http://guard-box", false)]
    [InlineData("guard-box:5140", false)]
    [InlineData("*", false)]
    [InlineData("*.example.org", false)]
    [InlineData("", false)]
    public void A_HostNames_entry_must_be_a_name_or_address_alone(string entry, bool valid)
    {
        var result = new GroupGuard.Host.Webhooks.WebhookOptionsValidator().Validate(null, new GroupGuard.Host.Webhooks.WebhookOptions { HostNames = ["localhost", entry] });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.StartsWith($"GroupGuard:Webhooks:HostNames:1 is '{entry}'", Assert.Single(result.Failures!), StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Listening where the network reaches it, every webhook is protected, so bridges on other
    /// machines and proxies name the service as they know it. (This guards against refusing too much,
    /// as a filter on every request by name would; nothing here is refused with or without the check.)
    /// </summary>
    [Fact]
    public async Task Listening_on_the_network_with_secrets_every_webhook_takes_the_host_it_is_reached_by()
    {
        GroupGuardFactory? factory = null;
        using var service = factory = new GroupGuardFactory(
            new Dictionary<string, string?>
            {
                ["urls"] = "http://0.0.0.0:5140",
                ["GroupGuard:Milky:AccessToken"] = MilkyToken,
            },
            services: services => services.Replace(ServiceDescriptor.Singleton<IMilkyWebhookReceiver>(provider =>
                new MilkyWebhookReceiver(provider.GetRequiredService<IOptionsMonitor<MilkyOptions>>(), factory!.WebhookClock))));
        var body = GroupGuardFactory.GroupEvent(1, "你好");

        var v11 = await SendAsync(service, "/onebot/v11", body, "10.0.0.5:5140", ("X-Signature", GroupGuardFactory.Sign(body)));
        var v12 = await SendAsync(service, "/onebot/v12", GroupGuardFactory.Sample("v12-wechat-group.json"), "10.0.0.5:5140", ("X-OneBot-Version", "12"), ("Authorization", $"Bearer {GroupGuardFactory.AccessToken}"));
        var milky = await SendAsync(service, "/milky", MilkyGroupMessage(2), "guard.example.org", ("Authorization", $"Bearer {MilkyToken}"), ("X-Forwarded-For", "203.0.113.7"));

        Assert.Equal(HttpStatusCode.NoContent, v11.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, v12.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, milky.StatusCode);
    }

    private const string MilkyToken = "milky-webhook-token-2026";

    /// <summary>A Milky group message stamped as <see cref="GroupGuardFactory.GroupEvent"/> is.</summary>
    private static string MilkyGroupMessage(long messageSeq) =>
        new JsonObject
        {
            ["time"] = 1764150000,
            ["self_id"] = 10001,
            ["event_type"] = "message_receive",
            ["data"] = new JsonObject
            {
                ["message_scene"] = "group",
                ["peer_id"] = 123456,
                ["message_seq"] = messageSeq,
                ["sender_id"] = 20002,
                ["time"] = 1764150000,
                ["segments"] = new JsonArray(new JsonObject { ["type"] = "text", ["data"] = new JsonObject { ["text"] = "你好" } }),
            },
        }.ToJsonString();

    private static async Task<HttpResponseMessage> SendAsync(GroupGuardFactory service, string path, string body, string host, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Host = host;
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await service.CreateClient().SendAsync(request);
    }
}
