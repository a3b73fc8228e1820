using System.Net;
using System.Text;

namespace GroupGuard.Host.Tests;

/// <summary>
/// A webhook without a secret or token is open to this machine only. A reverse proxy on the same
/// machine (nginx for TLS) passes the network's requests from loopback: they carry its header, and
/// an unprotected webhook refuses them, naming the setting to set; a protected one takes them.
/// </summary>
public sealed class ProxiedWebhookTests
{
    private static readonly Dictionary<string, string?> Unprotected = new()
    {
        ["GroupGuard:OneBot:Secret"] = "",
        ["GroupGuard:OneBot:AccessToken"] = "",
    };

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("Forwarded", "for=203.0.113.7;proto=https")]
    [InlineData("X-Real-IP", "203.0.113.7")]
    public async Task An_unsigned_v11_event_through_a_proxy_is_refused_naming_the_secret(string header, string value)
    {
        using var service = new GroupGuardFactory(Unprotected);
        var body = GroupGuardFactory.GroupEvent(1, "加微信领资料");

        var proxied = await SendAsync(service, "/onebot/v11", body, (header, value));
        var local = await SendAsync(service, "/onebot/v11", GroupGuardFactory.GroupEvent(2, "加微信领资料"));

        Assert.Equal(HttpStatusCode.Unauthorized, proxied.StatusCode);
        var error = await proxied.Content.ReadAsStringAsync();
        Assert.Contains("GroupGuard:OneBot:Secret", error, StringComparison.Ordinal);
        Assert.Contains(header, error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, local.StatusCode); // from this machine, unproxied: as before
        var stored = await service.IncidentsAfterAsync(1);
        Assert.Equal(["2"], stored.Select(i => i.MessageId).Distinct());
    }

    [Fact]
    public async Task A_signed_v11_event_through_a_proxy_is_taken()
    {
        using var service = new GroupGuardFactory();
        var body = GroupGuardFactory.GroupEvent(1, "你好");

        var response = await SendAsync(service, "/onebot/v11", body, ("X-Forwarded-For", "203.0.113.7"), ("X-Signature", GroupGuardFactory.Sign(body)));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task V12_and_Milky_without_a_token_refuse_proxied_events_and_AllowUnsigned_lets_them_through()
    {
        using (var service = new GroupGuardFactory(Unprotected))
        {
            var v12 = await SendAsync(service, "/onebot/v12", GroupGuardFactory.Sample("v12-wechat-group.json"), ("X-Forwarded-For", "203.0.113.7"), ("X-OneBot-Version", "12"));
            var milky = await SendAsync(service, "/milky", GroupGuardFactory.Sample("lagrange-group.json"), ("X-Real-IP", "203.0.113.7"));

            Assert.Equal(HttpStatusCode.Unauthorized, v12.StatusCode);
            Assert.Contains("GroupGuard:OneBot:AccessToken", await v12.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Unauthorized, milky.StatusCode);
            Assert.Contains("GroupGuard:Milky:AccessToken", await milky.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var allowing = new GroupGuardFactory(new Dictionary<string, string?>(Unprotected) { ["GroupGuard:OneBot:AllowUnsigned"] = "true" });
        var body = GroupGuardFactory.GroupEvent(3, "你好");
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(allowing, "/onebot/v11", body, ("X-Forwarded-For", "203.0.113.7"))).StatusCode);
    }

    [Fact]
    public async Task The_reverse_WebSocket_without_a_token_refuses_a_proxied_upgrade()
    {
        using var service = new GroupGuardFactory(Unprotected);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/onebot/v11/ws");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Self-ID", "10001");

        var response = await service.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("GroupGuard:OneBot:AccessToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendAsync(GroupGuardFactory service, string path, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await service.CreateClient().SendAsync(request);
    }
}
