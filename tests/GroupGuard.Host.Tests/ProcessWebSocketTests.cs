using System.Net;
using System.Net.WebSockets;
using System.Text.Json;

namespace GroupGuard.Host.Tests;

/// <summary>
/// The executable on Kestrel, reached as NapCat reaches it: a ClientWebSocket to
/// <c>/onebot/v11/ws</c> with the headers NapCat's websocketClients send.
/// </summary>
public sealed class ProcessWebSocketTests
{
    private static ClientWebSocket NapCat(string token)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("X-Self-ID", "10001");
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        socket.Options.SetRequestHeader("x-client-role", "Universal");
        socket.Options.SetRequestHeader("User-Agent", "OneBot/11");
        return socket;
    }

    [Fact]
    public async Task NapCat_is_refused_with_a_wrong_token_and_moderated_with_the_right_one_over_one_socket()
    {
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        environment["GroupGuard__OneBot__AccessToken"] = GroupGuardFactory.AccessToken;
        var baseUrl = new Uri(environment["ASPNETCORE_URLS"]);
        var socketUrl = new Uri($"ws://{baseUrl.Authority}/onebot/v11/ws");
        using var process = GroupGuardProcess.Start(service.Folder, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = baseUrl };
        try
        {
            await GroupGuardProcess.WaitHealthyAsync(http, process);

            using (var wrong = NapCat("a-wrong-token-of-some-length"))
            {
                await Assert.ThrowsAsync<WebSocketException>(() => wrong.ConnectAsync(socketUrl, CancellationToken.None));
                Assert.Equal(HttpStatusCode.Unauthorized, wrong.HttpStatusCode);
            }

            // The socket at /ws, where a bridge is often pointed: 404, and the log says where it goes.
            using (var misplaced = NapCat(GroupGuardFactory.AccessToken))
            {
                await Assert.ThrowsAsync<WebSocketException>(() => misplaced.ConnectAsync(new Uri($"ws://{baseUrl.Authority}/ws"), CancellationToken.None));
                Assert.Equal(HttpStatusCode.NotFound, misplaced.HttpStatusCode);
            }

            using var right = NapCat(GroupGuardFactory.AccessToken);
            await right.ConnectAsync(socketUrl, CancellationToken.None);
            await using var napcat = new FakeOneBotSocket(right);
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            await napcat.SendAsync(GroupGuardFactory.GroupEvent(31, "想要资料的加微信", time: now));

            var recall = await napcat.Calls.WaitForAsync(c => c.Action == "delete_msg", "the recall over the socket");
            Assert.Equal(31, recall.Params["message_id"]!.GetValue<long>());
            Assert.Equal(JsonValueKind.String, recall.Echo!.GetValueKind());

            var health = await GroupGuardProcess.HealthAsync(
                http,
                process,
                h => h.Body.GetProperty("connections").EnumerateArray().Any(c => c.GetProperty("bot_id").GetString() == "10001" && c.GetProperty("state").GetString() == "connected"),
                "the socket on /healthz");
            Assert.Equal(1, health.Body.GetProperty("rejected_webhooks").GetProperty("onebot.v11:401").GetInt64());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            Assert.DoesNotContain(GroupGuardFactory.AccessToken, await stderr, StringComparison.Ordinal);
        }

        // Where bridges should reach it, at the address Kestrel listens on, once it listens.
        var output = await stdout;
        Assert.Contains($"Waiting for bridges: OneBot v11 HTTP POST {baseUrl.GetLeftPart(UriPartial.Authority)}/onebot/v11, reverse WebSocket {socketUrl}", output, StringComparison.Ordinal);
        Assert.Contains($"Refused a WebSocket at /ws from 127.0.0.1: 404, a WebSocket was opened at /ws, where none is taken: the reverse WebSocket is at /onebot/v11/ws, so set the bridge's url to {socketUrl}", output, StringComparison.Ordinal);
        Assert.DoesNotContain(GroupGuardFactory.AccessToken, output, StringComparison.Ordinal);
    }
}
