using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace GroupGuard.Host.Tests;

/// <summary>
/// The executable on Kestrel, where the test server has no connections, no request line and no
/// drain: what Kestrel refuses (a long request line, large headers, connections and WebSockets past
/// their limits) and a body that stalls are answered or closed, and logged as counts, never as a
/// line or a stack trace per request.
/// </summary>
public sealed class KestrelBoundsProcessTests
{
    [Fact]
    public async Task Kestrels_refusals_and_a_stalled_body_are_answered_and_logged_as_counts()
    {
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        environment["GroupGuard__OneBot__AccessToken"] = GroupGuardFactory.AccessToken;
        environment["GroupGuard__Webhooks__BodyTimeoutSeconds"] = "1";
        environment["Kestrel__Limits__MaxConcurrentConnections"] = "2";
        environment["Kestrel__Limits__MaxConcurrentUpgradedConnections"] = "1";
        var baseUrl = new Uri(environment["ASPNETCORE_URLS"]);
        using var http = new HttpClient { BaseAddress = baseUrl };
        http.DefaultRequestHeaders.ConnectionClose = true; // none kept open to count against the limit
        using var process = GroupGuardProcess.Start(service.Folder, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await GroupGuardProcess.WaitHealthyAsync(http, process);

            // Kestrel's own bounds, which GroupGuard keeps at their defaults: 8 KiB of request line, 32 KiB of headers.
            Assert.Equal(HttpStatusCode.RequestUriTooLong, (await http.GetAsync("/healthz?" + new string('a', 9000))).StatusCode);
            using (var large = new HttpRequestMessage(HttpMethod.Get, "/healthz"))
            {
                large.Headers.Add("X-Padding", new string('a', 40_000));
                Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, (await http.SendAsync(large)).StatusCode);
            }

            // A body that stalls is answered 408 once BodyTimeoutSeconds pass (on the real clock here).
            using (var stalled = await ConnectAsync(baseUrl))
            {
                await stalled.SendAsync(Encoding.ASCII.GetBytes(
                    "POST /onebot/v11 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"pad\":\""));
                Assert.StartsWith("HTTP/1.1 408", await AnswerAsync(stalled), StringComparison.Ordinal);
            }

            // WebSockets past MaxConcurrentUpgradedConnections: 503, not a 500 with a stack trace.
            using var first = NapCat();
            await first.ConnectAsync(new Uri($"ws://{baseUrl.Authority}/onebot/v11/ws"), CancellationToken.None);
            using (var second = NapCat())
            {
                await Assert.ThrowsAsync<WebSocketException>(() => second.ConnectAsync(new Uri($"ws://{baseUrl.Authority}/onebot/v11/ws"), CancellationToken.None));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, second.HttpStatusCode);
            }

            // Connections past MaxConcurrentConnections (the WebSocket no longer counts once upgraded)
            // are closed unanswered; once those held close, a new one is served.
            var held = new List<Socket>();
            var refused = 0;
            while (held.Count < 2)
            {
                // One that closed just before may not be given back yet: such a try is refused, and made again.
                var socket = await ConnectAsync(baseUrl);
                await socket.SendAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
                if ((await AnswerAsync(socket)).StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
                {
                    held.Add(socket);
                }
                else
                {
                    refused++;
                    socket.Dispose();
                }
            }

            for (var i = 0; i < 10; i++)
            {
                using var socket = await ConnectAsync(baseUrl);
                await socket.SendAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
                Assert.Equal("", await AnswerAsync(socket));
                refused++;
            }

            held.ForEach(s => s.Dispose());
            await GroupGuardProcess.WaitHealthyAsync(http, process);
            await first.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            await GroupGuardProcess.StopAsync(process);

            var output = await stdout + await stderr;
            Assert.DoesNotContain("fail:", output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
            Assert.Contains("Rejected OneBotV11 webhook from 127.0.0.1: 408 the body did not arrive within 1 s", output, StringComparison.Ordinal);
            Assert.Contains("Refused a OneBot v11 reverse WebSocket from 127.0.0.1: 503 too many WebSocket connections are open (Kestrel:Limits:MaxConcurrentUpgradedConnections)", output, StringComparison.Ordinal);
            Assert.DoesNotContain("rejected because the maximum number of concurrent connections", output, StringComparison.Ordinal); // Kestrel's line per connection
            var lines = output.Split('\n').Count(l => l.Contains("Closed a connection from", StringComparison.Ordinal));
            Assert.InRange(lines, 1, refused / 2); // the first, then counts every 10 s: not a line per connection
            Assert.Contains("connections are open already (Kestrel:Limits:MaxConcurrentConnections)", output, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }
    }

    private static ClientWebSocket NapCat()
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("X-Self-ID", "10001");
        socket.Options.SetRequestHeader("Authorization", "Bearer " + GroupGuardFactory.AccessToken);
        return socket;
    }

    private static async Task<Socket> ConnectAsync(Uri baseUrl)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, baseUrl.Port);
        return socket;
    }

    /// <summary>The first bytes of the answer, or "" when the service closed the connection without one.</summary>
    private static async Task<string> AnswerAsync(Socket socket)
    {
        var buffer = new byte[64];
        try
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None).Within("an answer or the connection closed");
            return Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (SocketException)
        {
            return ""; // reset: closed with bytes unread
        }
    }
}
