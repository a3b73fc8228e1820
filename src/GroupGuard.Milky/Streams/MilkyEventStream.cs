using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using GroupGuard.Core;
using GroupGuard.Milky.Parsing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.Milky.Streams;

/// <summary>
/// Holds one implementation's event stream: <c>GET {Url}/event</c> as a WebSocket, or as
/// server-sent events when the implementation refuses the upgrade (and from then on SSE first),
/// with <c>Authorization: Bearer</c> and the <c>access_token</c> query. A WebSocket is checked by
/// its pings; an SSE stream on which nothing comes for <see cref="MilkyOptions.SseIdleSeconds"/> is
/// taken for dead and opened again. Each event is read within
/// <see cref="MilkyLimits"/> and handed to the <see cref="IEventSink"/>; a bad event is logged and
/// skipped. A stream that ends or fails is opened again after a jittered exponential backoff on the
/// injected clock, up to <see cref="MilkyOptions.ReconnectMaxSeconds"/>; a stream that carried events
/// or stayed open <see cref="HealthySession"/> starts it over.
/// </summary>
internal sealed partial class MilkyEventStream(
    MilkyConnection connection,
    IEventSink sink,
    HttpClient http,
    IOptionsMonitor<MilkyOptions> options,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>The first wait before reconnecting; it doubles with each failure in a row.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A stream open this long was a working one even without events (Milky has no heartbeat, and a
    /// quiet group says nothing for hours): when it ends, the next wait is <see cref="FirstBackoff"/> again.
    /// </summary>
    public static readonly TimeSpan HealthySession = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>How long an event the queue cannot take is retried before it is dropped: the stream cannot ask for it again.</summary>
    private static readonly TimeSpan[] DeliveryRetries = [TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];

    private readonly MilkyEventParser _parser = new(time);
    private bool _preferSse;

    // When the current attempt's stream came up, on the injected clock; null until it does.
    private DateTimeOffset? _upAt;

    public async Task RunAsync(CancellationToken stopping)
    {
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            Session session;
            _upAt = null;
            try
            {
                session = await OpenAndReadAsync(_preferSse, stopping).ConfigureAwait(false);
                if (session.WrongTransport)
                {
                    var other = await OpenAndReadAsync(!_preferSse, stopping).ConfigureAwait(false);
                    if (!other.WrongTransport)
                    {
                        // Remember what the implementation speaks: the next reconnect starts there.
                        _preferSse = !_preferSse;
                    }

                    session = other.WrongTransport ? session with { Error = $"{session.Error}; {other.Error}" } : other;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Whatever else goes wrong with one connection must not end the service: retry it.
                session = Session.Failed($"the event stream failed: {Reason(ex)}", null);
            }

            var now = time.GetUtcNow();
            connection.Down(now, session.Error, session.Kind);
            var worked = session.Events > 0 || (_upAt is { } up && now - up >= HealthySession);
            failures = worked ? 1 : failures + 1;
            var delay = Backoff(failures);
            if (session.Quiet)
            {
                // Over quiet groups, an implementation without SSE keep-alives gets here every SseIdleSeconds: not a fault by itself.
                LogQuiet(connection.BaseUrl, session.Error, delay.TotalSeconds);
            }
            else
            {
                LogDown(connection.BaseUrl, session.Error, delay.TotalSeconds);
            }
            try
            {
                await Task.Delay(delay, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        connection.Down(time.GetUtcNow(), "GroupGuard is stopping", ConnectionErrorKind.Stopping);
    }

    private TimeSpan Backoff(int failures)
    {
        var max = TimeSpan.FromSeconds(options.CurrentValue.ReconnectMaxSeconds);
        var plain = FirstBackoff * Math.Pow(2, Math.Min(failures - 1, 16));
        var jittered = plain * (0.8 + (0.4 * Random.Shared.NextDouble()));
        return jittered < max ? jittered : max;
    }

    private Task<Session> OpenAndReadAsync(bool sse, CancellationToken stopping) =>
        sse ? ServerSentEventsAsync(stopping) : WebSocketAsync(stopping);

    private async Task<Session> WebSocketAsync(CancellationToken stopping)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
        socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(20);
        if (connection.Token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + connection.Token);
        }

        try
        {
            using var linked = new Deadline(ConnectTimeout, time, stopping);
            await socket.ConnectAsync(connection.Events(webSocket: true), linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return Session.Failed($"no WebSocket answer from {connection.BaseUrl}/event within {ConnectTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", ConnectionErrorKind.Unreachable);
        }
        catch (WebSocketException ex) when (!stopping.IsCancellationRequested)
        {
            var status = socket.HttpStatusCode;
            if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return Session.Failed($"{connection.BaseUrl}/event refused the access token ({connection.TokenSetting}) with HTTP {(int)status}", ConnectionErrorKind.TokenRefused);
            }

            // Any other answer but 101 (an SSE stream's 200, a 400, 404 or 426) says: not a WebSocket here.
            return (int)status is >= 200 and < 500 and not 408 and not 429
                ? Session.Wrong($"{connection.BaseUrl}/event answered the WebSocket upgrade with HTTP {(int)status}")
                : Session.Failed($"WebSocket to {connection.BaseUrl}/event failed: {Reason(ex)}", ConnectionErrorKind.Unreachable);
        }

        Up();
        LogUp(connection.BaseUrl, "WebSocket");
        var events = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var message = new ArrayBufferWriter<byte>(64 * 1024);
        var oversized = false;
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), stopping).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    var why = socket.CloseStatus is { } code
                        ? $"{(int)code} {socket.CloseStatusDescription}".TrimEnd()
                        : "no close status";
                    return Session.Ended($"the implementation closed the WebSocket ({why})", events);
                }

                if (!oversized && message.WrittenCount + received.Count > MilkyLimits.MaxEventBytes)
                {
                    // Read to the end of the message and drop it: one oversized event must not cost the stream.
                    oversized = true;
                    message.ResetWrittenCount();
                }

                if (!oversized)
                {
                    message.Write(buffer.AsSpan(0, received.Count));
                }

                if (!received.EndOfMessage)
                {
                    continue;
                }

                if (oversized)
                {
                    LogRefused(connection.BaseUrl, 413, $"event over {MilkyLimits.MaxEventBytes} bytes");
                }
                else
                {
                    events += await HandleAsync(message.WrittenMemory, stopping).ConfigureAwait(false);
                }

                oversized = false;
                message.ResetWrittenCount();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException && !stopping.IsCancellationRequested)
        {
            return Session.Ended($"the WebSocket broke: {Reason(ex)}", events);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<Session> ServerSentEventsAsync(CancellationToken stopping)
    {
        HttpResponseMessage response;
        using var request = new HttpRequestMessage(HttpMethod.Get, connection.Events(webSocket: false));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (connection.Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", connection.Token);
        }

        try
        {
            using var linked = new Deadline(ConnectTimeout, time, stopping);
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return Session.Failed($"no SSE answer from {connection.BaseUrl}/event within {ConnectTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", ConnectionErrorKind.Unreachable);
        }
        catch (HttpRequestException ex) when (!stopping.IsCancellationRequested)
        {
            return Session.Failed($"SSE to {connection.BaseUrl}/event failed: {Reason(ex)}", ConnectionErrorKind.Unreachable);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return Session.Failed($"{connection.BaseUrl}/event refused the access token ({connection.TokenSetting}) with HTTP {status}", ConnectionErrorKind.TokenRefused);
            }

            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            {
                var what = response.IsSuccessStatusCode ? $"Content-Type {response.Content.Headers.ContentType?.MediaType ?? "none"}" : $"HTTP {status}";
                return status is >= 200 and < 500 and not 408 and not 429
                    ? Session.Wrong($"{connection.BaseUrl}/event answered the SSE request with {what}")
                    : Session.Failed($"{connection.BaseUrl}/event answered the SSE request with {what}", null);
            }

            Up();
            LogUp(connection.BaseUrl, "SSE");
            var events = 0;

            // Each read of the body may wait this long on the injected clock: a peer gone without a
            // FIN (a host that vanished, a NAT that forgot the connection) would otherwise leave the
            // stream "connected" and silent for good. Per read, so the time spent handing an event
            // on does not count.
            var idle = TimeSpan.FromSeconds(options.CurrentValue.SseIdleSeconds);
            try
            {
                using var body = await response.Content.ReadAsStreamAsync(stopping).ConfigureAwait(false);
                var reader = new SseReader(body, MilkyLimits.MaxEventBytes, idle, time);
                while (await reader.ReadAsync(stopping).ConfigureAwait(false) is { } next)
                {
                    if (next.Oversized)
                    {
                        LogRefused(connection.BaseUrl, 413, $"event over {MilkyLimits.MaxEventBytes} bytes");
                    }
                    else if (next.Name is "milky_event" or "message")
                    {
                        events += await HandleAsync(next.Data, stopping).ConfigureAwait(false);
                    }
                }

                return Session.Ended("the implementation ended the SSE stream", events);
            }
            catch (TimeoutException)
            {
                return Session.Ended($"nothing came on the SSE stream for {idle.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s ({MilkyOptions.Section}:{nameof(MilkyOptions.SseIdleSeconds)}): taken for dead", events) with { Quiet = true };
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !stopping.IsCancellationRequested)
            {
                return Session.Ended($"the SSE stream broke: {Reason(ex)}", events);
            }
        }
    }

    private void Up()
    {
        _upAt = time.GetUtcNow();
        connection.Up(_upAt.Value);
    }

    /// <summary>Reads one event and hands it on; 1 when it was an event, 0 when it was refused.</summary>
    private async Task<int> HandleAsync(ReadOnlyMemory<byte> bytes, CancellationToken stopping)
    {
        var result = _parser.Parse(bytes.Span);
        if (result.Event is not { } inbound)
        {
            LogRefused(connection.BaseUrl, result.StatusCode, result.Error ?? "refused");
            return 0;
        }

        if (result.BotOffline is { } reason)
        {
            connection.BotOffline(time.GetUtcNow(), inbound.BotId, reason);
            LogBotOffline(connection.BaseUrl, inbound.BotId ?? "(unknown)", reason);
        }
        else
        {
            connection.EventArrived(time.GetUtcNow(), inbound.BotId);
        }

        for (var attempt = 0; ; attempt++)
        {
            if (sink.Accept(inbound) != EventAcceptance.RetryLater)
            {
                return 1;
            }

            if (attempt == DeliveryRetries.Length)
            {
                LogDropped(connection.BaseUrl, inbound.Message?.DedupeKey ?? inbound.Detail);
                return 1;
            }

            // Holding the read holds the stream: the implementation waits rather than GroupGuard losing events.
            await Task.Delay(DeliveryRetries[attempt], time, stopping).ConfigureAwait(false);
        }
    }

    private static string Reason(Exception ex) => ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message;

    [LoggerMessage(Level = LogLevel.Information, Message = "Milky event stream {Url} connected ({Transport})")]
    private partial void LogUp(string url, string transport);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Milky event stream {Url} down: {Error}; reconnecting in {DelaySeconds:0.#} s")]
    private partial void LogDown(string url, string error, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Milky implementation {Url} says bot {BotId} is offline: {Reason}; no group events come until it logs in again")]
    private partial void LogBotOffline(string url, string botId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Milky event stream {Url} ended: {Error}; reopening in {DelaySeconds:0.#} s")]
    private partial void LogQuiet(string url, string error, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Milky event from {Url} skipped ({Status}): {Error}")]
    private partial void LogRefused(string url, int status, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Milky event {Key} from {Url} dropped: the moderation queue stayed full")]
    private partial void LogDropped(string url, string key);

    /// <summary>How one attempt at the stream ended.</summary>
    /// <param name="WrongTransport">The implementation does not speak this transport at <c>/event</c>: try the other.</param>
    /// <param name="Events">Events read before it ended; any at all resets the backoff (as a stream open <see cref="HealthySession"/> does).</param>
    private sealed record Session(string Error, bool WrongTransport, int Events)
    {
        /// <summary>An SSE stream on which nothing came for <see cref="MilkyOptions.SseIdleSeconds"/>: perhaps dead, perhaps only quiet.</summary>
        public bool Quiet { get; init; }

        /// <summary>What kind of trouble <see cref="Error"/> is, where known.</summary>
        public ConnectionErrorKind? Kind { get; init; }

        public static Session Failed(string error, ConnectionErrorKind? kind) => new(error, false, 0) { Kind = kind };

        public static Session Wrong(string error) => new(error, true, 0) { Kind = ConnectionErrorKind.WrongEndpoint };

        public static Session Ended(string error, int events) => new(error, false, events) { Kind = ConnectionErrorKind.Dropped };
    }
}
