using System.Buffers;
using System.IO.Pipelines;
using System.Numerics;
using GroupGuard.Core;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Webhooks;

/// <summary>
/// Reads webhook bodies, which must be read whole before anything is known of them (a signature
/// covers every byte), so they are read before the sender is known. Each is held in a pooled
/// buffer that grows with what arrives, never sized from <c>Content-Length</c> up front, and every
/// webhook's buffers together are held to <see cref="WebhookOptions.BodyBufferBytes"/>: a body that
/// would pass it is refused at once with 503 and <c>Retry-After</c> rather than read, so that
/// senders that stall halfway cannot grow the memory without bound. A body must have arrived within
/// <see cref="WebhookOptions.BodyTimeoutSeconds"/> of the first wait for it, on the injected clock,
/// else it is answered 408 and its buffer given back (Kestrel's own minimum data rate is an average
/// over the whole body: a sender that sent most of 1 MiB at once could then stall for an hour). One
/// instance serves every request; the count is one interlocked add per buffer taken or given back,
/// and the deadline is armed only once a read has to wait, so a body that came with its headers
/// costs no timer.
/// </summary>
internal sealed class BodyReader(IOptionsMonitor<WebhookOptions> options, TimeProvider time)
{
    /// <summary>The largest webhook body accepted; OneBot events are a few KiB.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>What a body refused for the buffer asks the sender to wait: bodies in flight are read in milliseconds.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>The first buffer when <c>Content-Length</c> does not say less: most events fit.</summary>
    private const int InitialBytes = 16 * 1024;

    private const int SmallestBytes = 1024;

    private long _held;

    /// <summary>Bytes of body buffers held now, by requests being read or handled.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>
    /// The whole body, up to <paramref name="limit"/> bytes, or why it was not read: 413 past the
    /// limit, 503 when holding it would pass <see cref="WebhookOptions.BodyBufferBytes"/>, 408 when
    /// it did not arrive within <see cref="WebhookOptions.BodyTimeoutSeconds"/>, Kestrel's status
    /// when it refused the body (408 below its minimum data rate, 400 cut short). Dispose
    /// the result once the body is handled: that gives its buffer back.
    /// </summary>
    public async ValueTask<WebhookBody> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return TooLarge(request, limit);
        }

        // Content-Length is taken as a hint only as far as the first buffer goes: a sender may say
        // 1 MiB and send a few bytes, and past the first buffer it grows with what has arrived.
        var first = request.ContentLength is { } declared ? (int)Math.Clamp(declared, SmallestBytes, InitialBytes) : InitialBytes;
        var reader = request.BodyReader;
        byte[]? buffer = null;
        var held = 0;
        var length = 0;
        Deadline? deadline = null;
        CancellationTokenRegistration stop = default;
        try
        {
            while (true)
            {
                if (!TryReadArrived(reader, out var result))
                {
                    if (deadline is null)
                    {
                        // The read is stopped by cancelling it, not by a token: a read that throws
                        // leaves Kestrel's body reader "in progress", and its drain after the answer
                        // then fails with an error line of its own.
                        deadline = new Deadline(TimeSpan.FromSeconds(options.CurrentValue.BodyTimeoutSeconds), time, cancellationToken);
                        stop = deadline.Value.Token.UnsafeRegister(static r => ((PipeReader)r!).CancelPendingRead(), reader);
                    }

                    result = await reader.ReadAsync(CancellationToken.None);
                }

                var data = result.Buffer;
                if (length + data.Length > limit)
                {
                    reader.AdvanceTo(data.End);
                    return TooLarge(request, limit);
                }

                var needed = length + (int)data.Length;
                if (needed > held)
                {
                    var size = (int)Math.Min(
                        BitOperations.RoundUpToPowerOf2((uint)Math.Max(needed, held == 0 ? first : held * 2)),
                        BitOperations.RoundUpToPowerOf2((uint)limit));
                    if (!TryHold(size - held))
                    {
                        reader.AdvanceTo(data.End);
                        return BufferFull(request);
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(size);
                    if (buffer is not null)
                    {
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                    }

                    (buffer, held) = (larger, size);
                }

                data.CopyTo(buffer.AsSpan(length));
                length = needed;
                reader.AdvanceTo(data.End);
                if (result.IsCompleted)
                {
                    break;
                }

                if (result.IsCanceled)
                {
                    return cancellationToken.IsCancellationRequested ? WebhookBody.ClientGone : TimedOut(request);
                }
            }

            var body = new WebhookBody(this, buffer, length, held);
            (buffer, held) = (null, 0);
            return body;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return WebhookBody.ClientGone;
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own bounds on a body: its minimum data rate (408), a body cut short (400).
            // Escaped, each was a request failure logged with its stack trace; answered, it is a
            // rejection like any other, logged as counts.
            Unread(request);
            return new WebhookBody(ex.StatusCode, ex.Message);
        }
        catch (IOException)
        {
            // The connection reset under the read (Kestrel's ConnectionResetException).
            return WebhookBody.ClientGone;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            Release(held);
            stop.Dispose();
            deadline?.Dispose();
        }
    }

    /// <summary>What has arrived of the body without waiting, or false when a read would wait.</summary>
    private static bool TryReadArrived(PipeReader reader, out ReadResult result)
    {
        if (!reader.TryRead(out result))
        {
            return false;
        }

        if (!result.Buffer.IsEmpty || result.IsCompleted || result.IsCanceled)
        {
            return true;
        }

        reader.AdvanceTo(result.Buffer.Start);
        return false;
    }

    internal void Release(int bytes)
    {
        if (bytes > 0)
        {
            Interlocked.Add(ref _held, -bytes);
        }
    }

    private bool TryHold(int bytes)
    {
        if (Interlocked.Add(ref _held, bytes) <= options.CurrentValue.BodyBufferBytes)
        {
            return true;
        }

        Interlocked.Add(ref _held, -bytes);
        return false;
    }

    private static WebhookBody TooLarge(HttpRequest request, int limit)
    {
        Unread(request);
        return new WebhookBody(StatusCodes.Status413PayloadTooLarge, $"body over {limit} bytes");
    }

    private static WebhookBody BufferFull(HttpRequest request)
    {
        Unread(request);
        request.HttpContext.Response.Headers.RetryAfter = WebhookBody.RetryAfter;
        return new WebhookBody(
            StatusCodes.Status503ServiceUnavailable,
            $"webhook bodies being received fill {WebhookOptions.Section}:{nameof(WebhookOptions.BodyBufferBytes)}; retry in {RetryAfterSeconds} s");
    }

    private WebhookBody TimedOut(HttpRequest request)
    {
        Unread(request);
        return new WebhookBody(
            StatusCodes.Status408RequestTimeout,
            $"the body did not arrive within {options.CurrentValue.BodyTimeoutSeconds} s ({WebhookOptions.Section}:{nameof(WebhookOptions.BodyTimeoutSeconds)})");
    }

    /// <summary>The rest of the body is not read: the connection is not kept for another request.</summary>
    private static void Unread(HttpRequest request) => request.HttpContext.Response.Headers.Connection = "close";
}

/// <summary>
/// A body read whole (<see cref="StatusCode"/> 0; <see cref="Span"/> holds it until disposed), or
/// what to answer instead: <see cref="StatusCode"/> and <see cref="Error"/>, or nothing at all
/// when the sender went away (<see cref="Gone"/>).
/// </summary>
internal sealed class WebhookBody : IDisposable
{
    public static readonly WebhookBody ClientGone = new(0, null) { Gone = true };

    internal static readonly Microsoft.Extensions.Primitives.StringValues RetryAfter = BodyReader.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private BodyReader? _owner;
    private byte[]? _buffer;
    private readonly int _length;
    private int _held;

    public WebhookBody(int statusCode, string? error)
    {
        StatusCode = statusCode;
        Error = error;
    }

    internal WebhookBody(BodyReader owner, byte[]? buffer, int length, int held)
    {
        _owner = owner;
        _buffer = buffer;
        _length = length;
        _held = held;
    }

    /// <summary>0 when the body was read; else the status to answer.</summary>
    public int StatusCode { get; }

    public string? Error { get; }

    /// <summary>The sender went away before its body was read: there is no one to answer.</summary>
    public bool Gone { get; private init; }

    public ReadOnlySpan<byte> Span => _buffer is null ? default : _buffer.AsSpan(0, _length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Interlocked.Exchange(ref _owner, null)?.Release(Interlocked.Exchange(ref _held, 0));
    }
}
