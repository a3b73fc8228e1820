using System.Globalization;

namespace GroupGuard.Core;

/// <summary>
/// Reads an HTTP answer's body up to a bound, for every client that calls a bridge or a robot (the
/// OneBot, Milky and QQ bot action clients, the digest channels' robots) and for the picture fetcher,
/// each with its own bound (1 MiB for most answers, <c>GroupGuard:Images:MaxBytes</c> for a picture):
/// an endpoint that answers with a huge or an endless body costs at most that many bytes, and the
/// call fails saying so (<see cref="TooLong"/>; the picture fetcher keeps its own words) rather than
/// as a connection that broke. Send with
/// <c>HttpCompletionOption.ResponseHeadersRead</c>, so that the client's own buffer is not filled
/// first, and give a token that ends the wait (a <see cref="Deadline"/>): a body that trickles in
/// slowly is bounded by that, not by its length. It takes the body's stream and its
/// <c>Content-Length</c>, not the <c>HttpContent</c>: Core holds no HTTP client.
/// </summary>
public static class BoundedBody
{
    private const int ChunkBytes = 16 * 1024;

    /// <summary>
    /// The body, or null when it is longer than <paramref name="max"/>: said by its
    /// <paramref name="declaredLength"/> (nothing is read), or found reading one byte past it.
    /// </summary>
    public static async Task<byte[]?> ReadAsync(Stream body, long? declaredLength, long max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (declaredLength > max)
        {
            return null;
        }

        using var buffer = new MemoryStream(declaredLength is { } length ? (int)length : 4096);
        var chunk = new byte[ChunkBytes];
        while (true)
        {
            var want = (int)Math.Min(chunk.Length, max + 1 - buffer.Length);
            var read = await body.ReadAsync(chunk.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.ToArray();
            }

            buffer.Write(chunk, 0, read);
            if (buffer.Length > max)
            {
                return null;
            }
        }
    }

    /// <summary>How a failure names the bound: <c>more than 1048576 bytes, which are not read</c>.</summary>
    public static string TooLong(long max) =>
        $"more than {max.ToString(CultureInfo.InvariantCulture)} bytes, which are not read";
}
