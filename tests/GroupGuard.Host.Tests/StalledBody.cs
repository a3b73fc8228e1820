using System.Net;
using System.Text;

namespace GroupGuard.Host.Tests;

/// <summary>
/// A request body that sends its first <c>sent</c> bytes (JSON-looking padding) and then nothing
/// until the test lets it end, or the request is cancelled: a stalled or very slow sender. It says
/// when those bytes are out (<see cref="Written"/>), so a test waits for that rather than sleeping.
/// With a declared length it is sent with that <c>Content-Length</c>; without, chunked. Send it
/// with the test server's own client (<c>service.Server.CreateClient()</c>): the factory's client
/// reads a request body to its end before sending it, to send it again after a redirect.
/// </summary>
internal sealed class StalledBody : HttpContent
{
    private readonly byte[] _first;
    private readonly long? _declared;
    private readonly TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _end = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StalledBody(int sent, long? declaredLength)
    {
        _first = Encoding.ASCII.GetBytes("{\"pad\":\"" + new string('x', Math.Max(0, sent - 8)));
        _declared = declaredLength;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
    }

    /// <summary>Completes once the first bytes have been handed to the connection.</summary>
    public Task Written => _written.Task;

    /// <summary>Lets the body end where it stands (short of a declared length, an incomplete body).</summary>
    public void End() => _end.TrySetResult();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(_first, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        _written.TrySetResult();
        await _end.Task.WaitAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _declared ?? 0;
        return _declared is not null;
    }

    protected override void Dispose(bool disposing)
    {
        _end.TrySetResult();
        base.Dispose(disposing);
    }
}
