using System.Net;
using GroupGuard.Host.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace GroupGuard.Host.Tests;

/// <summary>
/// A bridge whose reverse WebSocket is pointed at a path that takes none (<c>/</c>, <c>/ws</c>,
/// <c>/onebot/ws</c>, v12's <c>/onebot/v12/ws</c>): it was a 404 that said nothing, and the bridge
/// retried for ever. Now the upgrade is answered 404 with a plain-text body naming the address to
/// write, and logged with the path tried and the peer; other requests there are as they were.
/// </summary>
public sealed class MisplacedSocketTests
{
    private static Microsoft.AspNetCore.TestHost.WebSocketClient NapCat(GroupGuardFactory service)
    {
        var client = service.Server.CreateWebSocketClient();
        client.ConfigureRequest = request =>
        {
            request.Headers.Authorization = "Bearer " + GroupGuardFactory.AccessToken;
            request.Headers["X-Self-ID"] = "10001";
            request.Headers["X-Client-Role"] = "Universal";
        };
        return client;
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/ws")]
    [InlineData("/ws/")]
    [InlineData("/onebot/ws")]
    [InlineData("/ONEBOT/WS")]
    public async Task A_websocket_at_a_path_that_takes_none_is_told_the_reverse_websocket_address(string path)
    {
        using var service = new GroupGuardFactory();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => NapCat(service).ConnectAsync(new Uri(service.Server.BaseAddress, path), CancellationToken.None));

        Assert.Contains("404", refused.Message, StringComparison.Ordinal);
        var line = Assert.Single(service.Logs.Entries, e => e.Message.StartsWith("Refused a WebSocket at ", StringComparison.Ordinal));
        Assert.StartsWith($"Refused a WebSocket at {path} from ", line.Message, StringComparison.Ordinal);
        Assert.Contains($"a WebSocket was opened at {path}, where none is taken: the reverse WebSocket is at /onebot/v11/ws, so set the bridge's url to ws://localhost/onebot/v11/ws", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(GroupGuardFactory.AccessToken, line.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/onebot/v12/ws")]
    [InlineData("/onebot/v12")]
    public async Task A_websocket_for_onebot_v12_is_told_that_v12_comes_by_http_post(string path)
    {
        using var service = new GroupGuardFactory();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => NapCat(service).ConnectAsync(new Uri(service.Server.BaseAddress, path), CancellationToken.None));

        Assert.Contains("404", refused.Message, StringComparison.Ordinal);
        var line = Assert.Single(service.Logs.Entries, e => e.Message.StartsWith($"Refused a WebSocket at {path} from ", StringComparison.Ordinal));
        Assert.Contains("OneBot v12 events come by HTTP POST only, to /onebot/v12: set the bridge's HTTP webhook to http://localhost/onebot/v12", line.Message, StringComparison.Ordinal);
    }

    /// <summary>The body a bridge's log or curl shows: plain text, the address to write.</summary>
    [Fact]
    public async Task The_answer_is_plain_text_naming_the_address()
    {
        using var service = new GroupGuardFactory();

        var context = await service.Server.SendAsync(http =>
        {
            http.Request.Method = HttpMethods.Get;
            http.Request.Path = "/ws";
            http.Request.Host = new HostString("192.168.1.5:5140");
            http.Features.Set<IHttpWebSocketFeature>(new Upgrade());
        });

        Assert.Equal(StatusCodes.Status404NotFound, context.Response.StatusCode);
        Assert.StartsWith("text/plain", context.Response.ContentType, StringComparison.Ordinal);
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.Equal("a WebSocket was opened at /ws, where none is taken: the reverse WebSocket is at /onebot/v11/ws, so set the bridge's url to ws://192.168.1.5:5140/onebot/v11/ws\n", body);
    }

    [Fact]
    public async Task Other_requests_there_are_answered_as_before_and_not_logged()
    {
        using var service = new GroupGuardFactory();
        var client = service.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/ws")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/onebot/ws")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.GetAsync("/onebot/v12")).StatusCode);

        Assert.DoesNotContain(service.Logs.Entries, e => e.Message.StartsWith("Refused a WebSocket", StringComparison.Ordinal));
    }

    /// <summary>The router takes a trailing slash as none: the socket is opened there as at /onebot/v11/ws.</summary>
    [Fact]
    public async Task The_reverse_websocket_with_a_trailing_slash_still_connects()
    {
        using var service = new GroupGuardFactory();

        using var socket = await NapCat(service).ConnectAsync(new Uri(service.Server.BaseAddress, OneBotWebSocketEndpoint.Path + "/"), CancellationToken.None);

        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
    }

    /// <summary>What a WebSocket upgrade request carries, as far as the service asks.</summary>
    private sealed class Upgrade : IHttpWebSocketFeature
    {
        public bool IsWebSocketRequest => true;

        public Task<System.Net.WebSockets.WebSocket> AcceptAsync(WebSocketAcceptContext context) => throw new InvalidOperationException("a misplaced socket is never accepted");
    }
}
