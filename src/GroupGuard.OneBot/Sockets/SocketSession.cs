using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using GroupGuard.Core;
using Microsoft.Extensions.Logging;

namespace GroupGuard.OneBot.Sockets;

internal enum SocketKind
{
    Forward,
    Reverse,
}

/// <summary>
/// The socket could not carry a call (it closed, or broke while sending): transient, so the
/// transport retries within the action's budget, on this bot's next socket or over HTTP.
/// </summary>
internal sealed class SocketUnavailableException(string message) : Exception(message);

/// <summary>
/// The call's frame went out and the socket closed before its answer came: the implementation may
/// have carried it out, as after an HTTP answer that was lost. The transport tries it again only
/// when that does no harm: a message posted twice would be seen twice.
/// </summary>
internal sealed class SocketAnswerLostException(string message) : Exception(message);

/// <summary>
/// One OneBot v11 WebSocket, reverse or forward alike (communication/ws.md, ws-reverse.md): reads
/// its messages (text only, else it is closed with 1003; one over <see cref="OneBotLimits.MaxFrameBytes"/>
/// is read to its end and skipped), hands events to the <see cref="IEventSink"/> after the same parsing and bounds
/// as an HTTP POST (a bad one is logged and skipped), and carries actions as
/// <c>{"action","params","echo"}</c> whose answers are matched by <c>echo</c>, in whatever order they
/// come. When it ends, calls still waiting fail: as <see cref="SocketAnswerLostException"/> once
/// their frame was written, else as <see cref="SocketUnavailableException"/>.
/// </summary>
internal sealed partial class SocketSession
{
    /// <summary>Calls waiting for an answer at most; the action worker runs far fewer at once.</summary>
    public const int MaxPendingCalls = 1024;

    private const int InitialBufferBytes = 16 * 1024;
    private const int MaxLoggedReason = 200;
    private const string EchoPrefix = "gg-";

    private static long _sessions;

    private readonly WebSocket _socket;
    private readonly OneBotWebhookReceiver _receiver;
    private readonly IEventSink _sink;
    private readonly SocketRegistry _registry;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<byte[]>> _pending = new(StringComparer.Ordinal);
    private long _nextEcho;
    private long _events;
    private string? _botId;
    private volatile bool _tokenRefused;
    private volatile string? _closedBecause;

    public SocketSession(
        WebSocket socket,
        SocketKind kind,
        string name,
        string? botId,
        OneBotClientRole role,
        OneBotWebhookReceiver receiver,
        IEventSink sink,
        SocketRegistry registry,
        ILogger logger)
    {
        _socket = socket;
        Kind = kind;
        Name = name;
        _botId = botId;
        Role = role;
        _receiver = receiver;
        _sink = sink;
        _registry = registry;
        _logger = logger;
        Number = Interlocked.Increment(ref _sessions);
    }

    public SocketKind Kind { get; }

    /// <summary>For <c>/healthz</c> and logs: the URL connected to, or the peer that connected; never a token.</summary>
    public string Name { get; }

    public OneBotClientRole Role { get; }

    /// <summary>Order of creation: the socket up longest has the lowest.</summary>
    public long Number { get; }

    public string? BotId => Volatile.Read(ref _botId);

    /// <summary>An <see cref="OneBotClientRole.Event"/> connection answers no calls.</summary>
    public bool CarriesActions => Role != OneBotClientRole.Event;

    public bool IsClosed => _closedBecause is not null;

    /// <summary>Events taken from this socket so far.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Reads the socket until it ends; returns why it ended, for <c>/healthz</c> and the log.</summary>
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        _registry.Opened(this);
        if (BotId is not null)
        {
            _registry.Identified(this);
        }

        string reason;
        var kind = ConnectionErrorKind.Dropped;
        try
        {
            reason = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reason = "GroupGuard is stopping";
            kind = ConnectionErrorKind.Stopping;
            await CloseAsync(WebSocketCloseStatus.EndpointUnavailable, reason).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // An OperationCanceledException here, not the caller's, is the socket aborted under the read.
            reason = $"the connection broke: {ex.Message}";
        }

        if (_tokenRefused)
        {
            reason = $"the implementation refused the access token (retcode 1403); then {reason}";
            kind = ConnectionErrorKind.TokenRefused;
        }

        _closedBecause = reason;
        foreach (var (_, waiter) in _pending)
        {
            waiter.TrySetException(new SocketUnavailableException($"the WebSocket {Name} closed before the answer came ({reason})"));
        }

        _registry.Closed(this, reason, kind);
        return reason;
    }

    /// <summary>
    /// Sends <c>{"action","params","echo"}</c> and returns the answer frame with the same echo.
    /// Throws <see cref="SocketUnavailableException"/> when the socket cannot carry it (the frame was
    /// not written), <see cref="SocketAnswerLostException"/> when it closes after the frame was
    /// written and before the answer came, and <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> ends the wait.
    /// </summary>
    public async Task<byte[]> CallAsync(string action, ReadOnlyMemory<byte> parameters, CancellationToken cancellationToken)
    {
        if (_closedBecause is { } closed)
        {
            throw new SocketUnavailableException($"the WebSocket {Name} is closed ({closed})");
        }

        if (_pending.Count >= MaxPendingCalls)
        {
            throw new SocketUnavailableException($"the WebSocket {Name} has {MaxPendingCalls} calls waiting for an answer");
        }

        var echo = EchoPrefix + Interlocked.Increment(ref _nextEcho).ToString(CultureInfo.InvariantCulture);
        var answer = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[echo] = answer;
        try
        {
            // Checked again once registered: a close between the first check and here fails no waiter of ours.
            if (_closedBecause is { } gone)
            {
                throw new SocketUnavailableException($"the WebSocket {Name} is closed ({gone})");
            }

            await SendAsync(ActionFrame(action, parameters.Span, echo), cancellationToken).ConfigureAwait(false);
            try
            {
                return await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SocketUnavailableException ex)
            {
                // The frame is out: the implementation may have done it before the socket closed.
                throw new SocketAnswerLostException(ex.Message);
            }
        }
        finally
        {
            _pending.TryRemove(echo, out _);
        }
    }

    /// <remarks>
    /// A message over <see cref="OneBotLimits.MaxFrameBytes"/> (a member's forwarded bundle that
    /// NapCat sends inline can be) is read to its end into the same buffer, over and over, and
    /// dropped: the events after it, and the answers calls wait for, come over the same socket. Its
    /// length is not bounded further: it costs no memory, and a peer that sent one without end would
    /// hold up only its own socket, which the authenticated peer can do anyway by sending nothing.
    /// </remarks>
    private async Task<string> ReceiveAsync(CancellationToken cancellationToken)
    {
        // Grows to one byte past the limit, so a longer message is seen before it is all held.
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        try
        {
            var length = 0;

            // Bytes of an oversized message read so far while it is skipped (length stays 0), else 0.
            long skipped = 0;
            while (true)
            {
                var capacity = Math.Min(buffer.Length, OneBotLimits.MaxFrameBytes + 1);
                if (length == capacity)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, OneBotLimits.MaxFrameBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                    capacity = Math.Min(buffer.Length, OneBotLimits.MaxFrameBytes + 1);
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(length, capacity - length), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    var status = _socket.CloseStatus is { } code ? ((int)code).ToString(CultureInfo.InvariantCulture) : "no status";
                    var description = _socket.CloseStatusDescription;
                    await CloseAsync(WebSocketCloseStatus.NormalClosure, "").ConfigureAwait(false);
                    return $"closed by the peer ({status}{(string.IsNullOrEmpty(description) ? "" : " " + Short(description))})";
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    LogBinary(Name);
                    await CloseAsync(WebSocketCloseStatus.InvalidMessageType, "text frames only").ConfigureAwait(false);
                    return "closed by GroupGuard: a binary message (OneBot sends JSON text)";
                }

                if (skipped > 0)
                {
                    // Read into the start of the buffer again and again, kept nowhere.
                    skipped += result.Count;
                }
                else if ((length += result.Count) > OneBotLimits.MaxFrameBytes)
                {
                    skipped = length;
                    length = 0;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (skipped > 0)
                {
                    Skipped(skipped);
                }
                else
                {
                    Handle(buffer.AsMemory(0, length));
                }

                length = 0;
                skipped = 0;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>An oversized message was read to its end and dropped: counted, and logged at most every few seconds.</summary>
    private void Skipped(long bytes)
    {
        if (_registry.Oversized(this) is > 0 and var count)
        {
            LogTooBig(Name, BotId ?? "not known yet", bytes, OneBotLimits.MaxFrameBytes, count, SocketRegistry.OversizedLogInterval.TotalSeconds);
        }
    }

    private void Handle(ReadOnlyMemory<byte> frame)
    {
        var span = frame.Span;
        if (span.StartsWith("\uFEFF"u8))
        {
            span = span[3..];
        }

        var (kind, echo) = Classify(span);
        switch (kind)
        {
            case FrameKind.Event:
                HandleEvent(span);
                break;
            case FrameKind.Answer when echo is not null && _pending.TryRemove(echo, out var waiter):
                waiter.TrySetResult(span.ToArray());
                break;
            case FrameKind.Answer:
                LogUnmatchedAnswer(Name, Short(echo ?? ""));
                break;
            case FrameKind.Refusal:
                // NapCat and LuckyLilliaBot send {"status":"failed","retcode":1403} and close on a wrong token.
                _tokenRefused = true;
                if (_registry.LineDue("refused", this) is > 0 and var refusals)
                {
                    LogRefused(Name, refusals);
                }

                break;
            default:
                Skip("not an event", "not a JSON object with post_type (an event) or echo (an answer)");
                break;
        }
    }

    private void HandleEvent(ReadOnlySpan<byte> frame)
    {
        var result = _receiver.ReceiveV11Frame(frame);
        if (result.Event is not { } inbound || result.StatusCode >= 300)
        {
            // Told apart by status, and malformed JSON from the rest, not by the words: those name
            // where a parse stopped, and would make each frame of a flood a kind of its own.
            var status = result.StatusCode.ToString(CultureInfo.InvariantCulture);
            Skip(result.Error?.StartsWith("malformed JSON", StringComparison.Ordinal) == true ? status + " malformed" : status, $"{status} {result.Error}");
            return;
        }

        if (BotId is not { } botId)
        {
            if (inbound.BotId is null)
            {
                Skip("no self_id", "an event without self_id before the bot is known");
                return;
            }

            Volatile.Write(ref _botId, inbound.BotId);
            _registry.Identified(this);
            LogIdentified(Name, inbound.BotId);
        }
        else if (inbound.BotId is { } other && !string.Equals(other, botId, StringComparison.Ordinal))
        {
            // Its actions would go to another bot's socket; such an event is no event of this bot.
            Skip("another bot", $"self_id {Short(other)} is not this connection's bot {botId}");
            return;
        }

        Interlocked.Increment(ref _events);
        _registry.EventSeen(this);
        switch (_sink.Accept(inbound))
        {
            case EventAcceptance.RetryLater:
                // A socket has no redelivery: the implementation sends each event once.
                if (_registry.LineDue("lost", this) is > 0 and var lost)
                {
                    LogLost(Name, inbound.Message?.DedupeKey ?? inbound.Detail, lost);
                }

                break;
            case EventAcceptance.Duplicate:
                LogDuplicate(Name, inbound.Message?.DedupeKey);
                break;
        }
    }

    /// <summary>
    /// A message skipped: a peer can send thousands a second, so the first of a kind is logged and
    /// then one line every 10 s at most with how many (<see cref="SocketRegistry.LineDue"/>).
    /// </summary>
    private void Skip(string kind, string reason)
    {
        if (_registry.LineDue(kind, this) is > 0 and var count)
        {
            LogSkipped(Name, reason, count);
        }
    }

    /// <summary>What a frame is, from its top-level fields, without building a document.</summary>
    private static (FrameKind Kind, string? Echo) Classify(ReadOnlySpan<byte> frame)
    {
        try
        {
            var reader = new Utf8JsonReader(frame, new JsonReaderOptions { MaxDepth = JsonBody.MaxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (FrameKind.Other, null);
            }

            var isEvent = false;
            var hasEcho = false;
            string? echo = null;
            string? status = null;
            long? retcode = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "post_type":
                        isEvent = true;
                        break;
                    case "echo":
                        hasEcho = reader.TokenType != JsonTokenType.Null;
                        echo = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        break;
                    case "status" when reader.TokenType == JsonTokenType.String:
                        status = reader.GetString();
                        break;
                    case "retcode" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var code):
                        retcode = code;
                        break;
                }

                reader.Skip();
            }

            if (isEvent)
            {
                return (FrameKind.Event, null);
            }

            if (hasEcho && echo is { Length: > 0 })
            {
                return (FrameKind.Answer, echo);
            }

            return status == "failed" && retcode is 1401 or 1403 ? (FrameKind.Refusal, null) : (FrameKind.Other, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // An event among the bytes is for the receiver to call malformed; anything else is skipped.
            return (frame.IndexOf("\"post_type\""u8) >= 0 ? FrameKind.Event : FrameKind.Other, null);
        }
    }

    private static byte[] ActionFrame(string action, ReadOnlySpan<byte> parameters, string echo)
    {
        var buffer = new ArrayBufferWriter<byte>(parameters.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("action", action);
            writer.WritePropertyName("params");
            writer.WriteRawValue(parameters, skipInputValidation: true);
            writer.WriteString("echo", echo);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private async Task SendAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            throw new SocketUnavailableException($"the WebSocket {Name} could not send: {ex.Message}");
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends a close frame without waiting for the peer's: a peer that never answers must not hold the session.</summary>
    private async Task CloseAsync(WebSocketCloseStatus status, string description)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(status, description, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // Gone already: nothing to tell it.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private static string Short(string text)
    {
        var clean = new StringBuilder(Math.Min(text.Length, MaxLoggedReason));
        foreach (var c in text.AsSpan(0, Math.Min(text.Length, MaxLoggedReason)))
        {
            clean.Append(char.IsControl(c) ? ' ' : c);
        }

        return text.Length > MaxLoggedReason ? clean + "…" : clean.ToString();
    }

    private enum FrameKind
    {
        Other,
        Event,
        Answer,
        Refusal,
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "OneBot WebSocket {Name}: skipped a message: {Reason} ({Count} so since the last such line; one line every 10 s at most)")]
    private partial void LogSkipped(string name, string reason, long count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "OneBot WebSocket {Name}: an answer with echo {Echo} that no call waits for (it timed out, or is not ours)")]
    private partial void LogUnmatchedAnswer(string name, string echo);

    [LoggerMessage(Level = LogLevel.Error, Message = "OneBot WebSocket {Name}: the implementation refused the access token (retcode 1401/1403); check the token on both sides ({Count} so since the last such line; one line every 10 s at most)")]
    private partial void LogRefused(string name, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OneBot WebSocket {Name}: a binary message; closing with 1003 (OneBot sends JSON text)")]
    private partial void LogBinary(string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OneBot WebSocket {Name} of bot {BotId}: skipped a message of {Bytes} bytes, over the {Limit} bytes one may have ({Count} so since the last such line; one line every {IntervalSeconds} s at most)")]
    private partial void LogTooBig(string name, string botId, long bytes, int limit, long count, double intervalSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "OneBot WebSocket {Name} is bot {BotId}")]
    private partial void LogIdentified(string name, string botId);

    [LoggerMessage(Level = LogLevel.Error, Message = "OneBot WebSocket {Name}: event {Key} lost: the moderation queue is full or the journal cannot be written, and a WebSocket has no redelivery ({Count} lost so since the last such line; one line every 10 s at most)")]
    private partial void LogLost(string name, string key, long count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "OneBot WebSocket {Name}: duplicate event {Key} ignored")]
    private partial void LogDuplicate(string name, string? key);
}
