using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GroupGuard.Testing;

/// <summary>
/// A OneBot v11 implementation's end of one WebSocket (as NapCat's websocketClients or
/// websocketServers hold it): sends event frames the test gives it, records every action frame
/// <c>{"action","params","echo"}</c> that arrives, and answers each with a frame carrying the same
/// <c>echo</c>, from a script or a responder. An answer may be held until a task completes, so a test
/// can answer calls out of order. Nothing here sleeps: a test waits on <see cref="Calls"/> and
/// <see cref="Closed"/>.
/// </summary>
public sealed class FakeOneBotSocket : IAsyncDisposable
{
    private const int MaxMessageBytes = 8 * 1024 * 1024;

    private readonly WebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeSocketAnswer>> _scripts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _answering = [];
    private readonly Lock _gate = new();
    private readonly Action? _dropConnection;
    private readonly Task _loop;

    /// <param name="socket">This side of the socket.</param>
    /// <param name="dropConnection">Cuts the connection under the socket, where aborting the socket alone leaves it open (an HttpListener's).</param>
    public FakeOneBotSocket(WebSocket socket, Action? dropConnection = null)
    {
        _socket = socket;
        _dropConnection = dropConnection;
        _loop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Every action frame that arrived, in order.</summary>
    public Recording<SocketCall> Calls { get; } = new();

    /// <summary>Text frames that were no action (anything GroupGuard should never send), in order.</summary>
    public Recording<string> Other { get; } = new();

    /// <summary>The answer when no script entry is left for an action: ok with null data unless set.</summary>
    public FakeSocketAnswer Default { get; set; } = FakeSocketAnswer.Ok();

    /// <summary>When set, asked first for every call; null falls back to the script, then <see cref="Default"/>.</summary>
    public Func<SocketCall, FakeSocketAnswer?>? Responder { get; set; }

    /// <summary>
    /// Completes when the other side closed the socket (with its close status) or it broke (null);
    /// never when this side closes it.
    /// </summary>
    public Task<WebSocketCloseStatus?> Closed => _closed.Task;

    /// <summary>The answers for the next calls of <paramref name="action"/>, used in order.</summary>
    public void Script(string action, params FakeSocketAnswer[] answers)
    {
        var queue = _scripts.GetOrAdd(action, static _ => new ConcurrentQueue<FakeSocketAnswer>());
        foreach (var answer in answers)
        {
            queue.Enqueue(answer);
        }
    }

    /// <summary>One text frame, as given (an event, or anything a test wants GroupGuard to read).</summary>
    public Task SendAsync(string json) => SendAsync(Encoding.UTF8.GetBytes(json));

    /// <inheritdoc cref="SendAsync(string)"/>
    public Task SendAsync(JsonNode json) => SendAsync(json.ToJsonString());

    /// <summary>One frame of raw bytes, text unless told.</summary>
    public async Task SendAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        await _sendLock.WaitAsync(_stopping.Token);
        try
        {
            await _socket.SendAsync(bytes, type, endOfMessage: true, _stopping.Token);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes from this side, as an implementation that stops would (NapCat's reconnect begins then).</summary>
    public async Task CloseAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string description = "bye")
    {
        await _sendLock.WaitAsync();
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(status, description, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            // Gone already.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Drops the connection without a close frame, as a crash or a cut cable would.</summary>
    public void Abort()
    {
        _socket.Abort();
        _dropConnection?.Invoke();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket.Abort();
        await _loop;
        Task[] answering;
        lock (_gate)
        {
            answering = [.. _answering];
        }

        await Task.WhenAll(answering);
        _socket.Dispose();
        _stopping.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, _stopping.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult(result.CloseStatus);
                    await CloseAsync();
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (message.Length > MaxMessageBytes)
                {
                    throw new InvalidOperationException("GroupGuard sent a message over 8 MiB");
                }

                if (result.EndOfMessage)
                {
                    Received(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                    message.SetLength(0);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            _closed.TrySetResult(null);
        }
    }

    private void Received(string text)
    {
        JsonObject? frame = null;
        try
        {
            frame = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            // Recorded as other below.
        }

        if (frame?["action"] is not JsonValue action || !action.TryGetValue<string>(out var name))
        {
            Other.Add(text);
            return;
        }

        var call = new SocketCall(Calls.Count, name, frame["params"] as JsonObject ?? [], frame["echo"]?.DeepClone(), text);
        Calls.Add(call);
        var answer = Responder?.Invoke(call)
            ?? (_scripts.TryGetValue(name, out var queue) && queue.TryDequeue(out var scripted) ? scripted : Default);
        var answering = Task.Run(() => AnswerAsync(call, answer));
        lock (_gate)
        {
            _answering.RemoveAll(t => t.IsCompleted);
            _answering.Add(answering);
        }
    }

    private async Task AnswerAsync(SocketCall call, FakeSocketAnswer answer)
    {
        try
        {
            if (answer.Hold is { } hold)
            {
                await hold.WaitAsync(_stopping.Token);
            }

            if (answer.Frame is not { } frame)
            {
                return; // never answered
            }

            var reply = (JsonObject)frame.DeepClone();
            reply["echo"] = call.Echo?.DeepClone();
            await SendAsync(reply.ToJsonString());
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The socket went away before the answer could go.
        }
    }
}

/// <summary>One action frame as it arrived.</summary>
/// <param name="Index">Its place in the order of arrival, 0 first.</param>
public sealed record SocketCall(int Index, string Action, JsonObject Params, JsonNode? Echo, string Raw)
{
    public override string ToString() => $"#{Index} {Raw}";
}

/// <summary>
/// An answer frame without its <c>echo</c> (the fake copies the call's): NapCat's
/// <c>{status, retcode, data, message, wording, stream}</c>. A null <see cref="Frame"/> never answers.
/// </summary>
public sealed record FakeSocketAnswer(JsonObject? Frame)
{
    /// <summary>When set, the answer waits for this task.</summary>
    public Task? Hold { get; init; }

    public static FakeSocketAnswer Ok(JsonNode? data = null) => new(new JsonObject
    {
        ["status"] = "ok",
        ["retcode"] = 0,
        ["data"] = data?.DeepClone(),
        ["message"] = "",
        ["wording"] = "",
        ["stream"] = "normal-action",
    });

    /// <summary>A refusal as NapCat answers over a WebSocket: <c>status:"failed"</c>, its retcode and words.</summary>
    public static FakeSocketAnswer Failed(int retcode, string message) => new(new JsonObject
    {
        ["status"] = "failed",
        ["retcode"] = retcode,
        ["data"] = null,
        ["message"] = message,
        ["wording"] = message,
        ["stream"] = "normal-action",
    });

    /// <summary>An answer frame as a file holds it (its echo, if any, is replaced by the call's).</summary>
    public static FakeSocketAnswer Json(string json) => new(JsonNode.Parse(json)!.AsObject());

    /// <summary>Never answered: the caller's timeout has to end the call.</summary>
    public static FakeSocketAnswer Never() => new((JsonObject?)null);

    /// <summary>This answer, sent only once <paramref name="release"/> has completed.</summary>
    public FakeSocketAnswer After(Task release) => this with { Hold = release };
}
