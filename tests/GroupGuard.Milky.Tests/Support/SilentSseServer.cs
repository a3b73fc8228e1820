using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GroupGuard.Milky.Tests.Support;

/// <summary>One request as <see cref="SilentSseServer"/> read it.</summary>
/// <param name="WebSocket">It asked to upgrade to a WebSocket.</param>
internal sealed record SilentRequest(string RequestLine, bool WebSocket);

/// <summary>
/// An implementation gone silent without closing (a half-open peer): on 127.0.0.1, it answers every
/// request, a WebSocket upgrade too, with the headers of a server-sent event stream, then sends
/// nothing and keeps the connection open until it is disposed. Raw TCP, so that not even a first
/// chunk follows the headers.
/// </summary>
internal sealed class SilentSseServer : IAsyncDisposable
{
    private static readonly byte[] Headers = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n");

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<(TcpClient Client, Task Serving)> _clients = [];
    private readonly Task _loop;

    private SilentSseServer(TcpListener listener)
    {
        _listener = listener;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Every request, in order of arrival.</summary>
    public Recording<SilentRequest> Requests { get; } = new();

    public static SilentSseServer Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new SilentSseServer(listener);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _loop;
        (TcpClient Client, Task Serving)[] clients;
        lock (_gate)
        {
            clients = [.. _clients];
        }

        foreach (var (client, serving) in clients)
        {
            client.Dispose();
            await serving;
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_gate)
            {
                _clients.Add((client, Task.Run(() => ServeAsync(client))));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var head = new List<byte>();
            var buffer = new byte[4096];
            while (!EndsHead(head))
            {
                var read = await stream.ReadAsync(buffer, _stopping.Token);
                if (read == 0 || head.Count > 65536)
                {
                    return;
                }

                head.AddRange(buffer.AsSpan(0, read));
            }

            var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n");
            Requests.Add(new SilentRequest(lines[0], lines.Any(l => l.StartsWith("Upgrade:", StringComparison.OrdinalIgnoreCase) && l.Contains("websocket", StringComparison.OrdinalIgnoreCase))));
            await stream.WriteAsync(Headers, _stopping.Token);
            await stream.FlushAsync(_stopping.Token);
            await Task.Delay(Timeout.Infinite, _stopping.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The client went away, or the server is stopping.
        }
    }

    private static bool EndsHead(List<byte> head) =>
        head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n';
}
