namespace GroupGuard.Host.Tests.Console;

/// <summary>
/// The published service behind a TLS proxy on the same machine (deploy/nginx.md): the proxy's
/// X-Forwarded-Proto: https makes the console's cookies Secure, so a browser never sends them over
/// plain HTTP; without it they are as the request (plain HTTP on loopback, as before).
/// </summary>
public sealed class ConsoleBehindProxyTests
{
    [Fact]
    public async Task Behind_a_TLS_proxy_the_consoles_cookies_are_marked_secure()
    {
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        var added = await GroupGuardProcess.RunWithInputAsync(service.Folder, environment, TimeSpan.FromSeconds(60), "a long admin password\n", "users", "add", "admin", "--role", "admin");
        Assert.True(added.ExitCode == 0, added.Error);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(environment["ASPNETCORE_URLS"]) };
        using var process = GroupGuardProcess.Start(service.Folder, environment);
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            await GroupGuardProcess.WaitHealthyAsync(http, process);

            using var proxied = new HttpRequestMessage(HttpMethod.Get, "/console/login");
            proxied.Headers.Add("X-Forwarded-Proto", "https");
            using var viaProxy = await http.SendAsync(proxied);
            using var direct = await http.GetAsync("/console/login");

            var proxiedCookies = viaProxy.Headers.GetValues("Set-Cookie").ToList();
            Assert.NotEmpty(proxiedCookies);
            Assert.All(proxiedCookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
            Assert.All(direct.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
