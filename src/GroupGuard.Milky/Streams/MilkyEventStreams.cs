using GroupGuard.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.Milky.Streams;

/// <summary>Runs one <see cref="MilkyEventStream"/> per configured connection that reads events, for as long as the service runs.</summary>
internal sealed class MilkyEventStreams(
    MilkyConnections connections,
    IEventSink sink,
    IOptionsMonitor<MilkyOptions> options,
    TimeProvider time,
    ILoggerFactory logs) : BackgroundService
{
    private readonly HttpClient _http = CreateHttpClient();

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logger = logs.CreateLogger<MilkyEventStream>();
        var streams = connections.All
            .Where(c => c.EventStream)
            .Select(c => Task.Run(() => new MilkyEventStream(c, sink, _http, options, time, logger).RunAsync(stoppingToken), CancellationToken.None));
        return Task.WhenAll(streams);
    }

    public override void Dispose()
    {
        base.Dispose();
        _http.Dispose();
    }

    private static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        // A redirect would send the token to a host nobody configured.
        AllowAutoRedirect = false,
    })
    {
        // A stream is open for as long as the service runs; the connect and header waits have their
        // own timeouts, and each read of an SSE body its idle deadline (SseIdleSeconds).
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
