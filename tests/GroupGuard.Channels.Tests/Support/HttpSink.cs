using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace GroupGuard.Channels.Tests.Support;

/// <summary>A robot endpoint on loopback: records every request and answers as told.</summary>
internal sealed class HttpSink : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();

    private HttpSink(HttpListener listener, int port)
    {
        _listener = listener;
        Port = port;
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public ConcurrentQueue<SinkRequest> Requests { get; } = new();

    /// <summary>The answer to each request; by default the WeCom/DingTalk success body.</summary>
    public Func<SinkRequest, SinkResponse> Respond { get; set; } = static _ => SinkResponse.Ok;

    public static HttpSink Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new HttpSink(listener, port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var request = new SinkRequest(
                context.Request.HttpMethod,
                context.Request.RawUrl ?? "",
                context.Request.ContentType ?? "",
                body,
                Encoding.UTF8.GetByteCount(body));
            Requests.Enqueue(request);
            var response = Respond(request);
            if (response.Delay > TimeSpan.Zero)
            {
                await Task.Delay(response.Delay, _stop.Token);
            }

            var bytes = Encoding.UTF8.GetBytes(response.Body);
            context.Response.StatusCode = response.Status;
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The client went away (a timeout test) or the sink is stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Close();
        await _loop;
        _stop.Dispose();
    }
}

internal sealed record SinkRequest(string Method, string RawUrl, string ContentType, string Body, int BodyBytes)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>A query value exactly as it was sent (still percent-encoded).</summary>
    public string? RawQuery(string name)
    {
        var query = RawUrl.Contains('?', StringComparison.Ordinal) ? RawUrl[(RawUrl.IndexOf('?', StringComparison.Ordinal) + 1)..] : "";
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts[0] == name)
            {
                return parts.Length == 2 ? parts[1] : "";
            }
        }

        return null;
    }
}

internal sealed record SinkResponse(int Status, string Body, TimeSpan Delay = default)
{
    public static SinkResponse Ok { get; } = new(200, """{"errcode":0,"errmsg":"ok"}""");

    public static SinkResponse Json(string body) => new(200, body);
}
