using System.Diagnostics;
using GroupGuard.Core;
using GroupGuard.Core.Images;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.Images;

/// <summary>
/// Reads one picture: its link (or, for a file id alone, the link or the bytes the adapter's API
/// gives), the bytes within the limits, the decoded pixels, the QR codes, the perceptual hash and, with OCR
/// on, the text in it. Nothing is written to disk.
/// </summary>
internal sealed partial class PictureReader(
    PictureFetcher fetcher,
    TesseractOcr ocr,
    IEnumerable<IImageLocator> locators,
    IOptionsMonitor<ImagesOptions> options,
    ILogger<PictureReader> logger,
    TimeProvider time,
    IEnumerable<IImageBytes>? byteSources = null) : IPictureReader
{
    private const int MaxWhere = 200;

    // A bridge that cannot give pictures fails every message's alike: one warning for the first of a
    // protocol and reason, the same again within LogThrottle.Interval counted into the next line.
    private readonly LogThrottle _notLocated = new(time);

    public async Task<PictureReading> ReadAsync(PictureSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var link = source.Image.Url;
        if (string.IsNullOrWhiteSpace(link) && byteSources?.FirstOrDefault(b => b.Protocols.Contains(source.Protocol)) is { } byteSource)
        {
            return await ReadFromPlatformAsync(byteSource, source, cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyDictionary<string, string>? headers = null;
        if (string.IsNullOrWhiteSpace(link))
        {
            var located = await LocateAsync(source, cancellationToken).ConfigureAwait(false);
            switch (located)
            {
                case null:
                    return PictureReading.Fail(Cut(source.Image.File), "only a file id, and no API to ask for its link");
                case { Bytes: { } handed }:
                    return await ReadHandedOverAsync(handed, source, cancellationToken).ConfigureAwait(false);
                case { Link: { } found }:
                    link = found;
                    headers = located.Headers;
                    break;
                default:
                    return located.Refused
                        ? PictureReading.Refuse(Cut(source.Image.File), located.Reason!)
                        : PictureReading.Fail(Cut(source.Image.File), located.Reason!);
            }
        }

        link = link.Trim();

        // The official platform writes some links without their scheme (gchat.qpic.cn/…).
        if (!link.Contains("://", StringComparison.Ordinal))
        {
            link = "https://" + link;
        }

        if (!Uri.TryCreate(link, UriKind.Absolute, out var uri))
        {
            return PictureReading.Refuse(Cut(source.Image.File), "not a link");
        }

        var where = Cut(PictureFetcher.Where(uri));
        var fetched = await fetcher.FetchAsync(uri, headers, cancellationToken).ConfigureAwait(false);
        if (fetched.Bytes is not { } bytes)
        {
            return fetched.Refused ? PictureReading.Refuse(where, fetched.Reason!) : PictureReading.Fail(where, fetched.Reason!);
        }

        return await ReadBytesAsync(bytes, where, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A picture the platform hands over itself (WeCom's archive), within the same byte cap as a fetch.</summary>
    private async Task<PictureReading> ReadFromPlatformAsync(IImageBytes byteSource, PictureSource source, CancellationToken cancellationToken)
    {
        var where = Cut(WireNames<Protocol>.ToText(source.Protocol) + " media " + source.Image.File);
        byte[]? bytes;
        try
        {
            bytes = await byteSource.FetchAsync(source.Protocol, source.BotId, source.Image.File, options.CurrentValue.MaxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            return PictureReading.Refuse(where, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            NotLocated(ex, WireNames<Protocol>.ToText(source.Protocol));
            return PictureReading.Fail(where, "the platform could not give the picture");
        }

        return bytes is null
            ? PictureReading.Fail(where, "the platform could not give the picture")
            : await ReadBytesAsync(bytes, where, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A picture whose bytes the platform's API answered (OneBot v12 <c>get_file</c> with
    /// <c>data</c>); the locator held them to <see cref="ImagesOptions.MaxBytes"/> before decoding
    /// them, and they are held to it here again.
    /// </summary>
    private async Task<PictureReading> ReadHandedOverAsync(byte[] bytes, PictureSource source, CancellationToken cancellationToken)
    {
        var where = Cut(WireNames<Protocol>.ToText(source.Protocol) + " file " + source.Image.File);
        var max = options.CurrentValue.MaxBytes;
        return bytes.Length > max
            ? PictureReading.Refuse(where, $"more than {max} bytes")
            : await ReadBytesAsync(bytes, where, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PictureReading> ReadBytesAsync(byte[] bytes, string where, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var started = Stopwatch.GetTimestamp();
            var decoded = PictureDecoder.Decode(bytes, options.CurrentValue.MaxPixels);
            if (decoded.Plane is not { } plane)
            {
                LogNotDecoded(where, bytes.Length, decoded.Reason!);
                return (decoded.Refused ? PictureReading.Refuse(where, decoded.Reason!) : PictureReading.Fail(where, decoded.Reason!))
                    with { Width = decoded.Width, Height = decoded.Height, Bytes = bytes.Length };
            }

            // An animation (a GIF or WebP sticker) is read frame by frame when its first holds no code.
            var scan = QrScanner.Read(
                decoded.Frames > 1 ? PictureDecoder.LaterFrames(bytes, options.CurrentValue.MaxPixels).Prepend(plane) : [plane],
                cancellationToken);
            var codes = scan.Codes;
            if (scan.GaveUp)
            {
                LogQrGaveUp(where, bytes.Length, decoded.Width, decoded.Height, QrScanner.MaxFinderCandidates, codes.Count);
            }

            var hash = DctHash.Of(plane);
            LogRead(where, bytes.Length, decoded.Width, decoded.Height, codes.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            // Never throws for tesseract's fault: a failure or timeout is a reading without text.
            var text = await ocr.ReadAsync(plane, where, cancellationToken).ConfigureAwait(false);
            return new PictureReading(PictureOutcome.Read, where)
            {
                Codes = codes,
                QrGaveUp = scan.GaveUp,
                Hash = hash,
                Text = text.Text,
                TextOutcome = text.Outcome,
                Width = decoded.Width,
                Height = decoded.Height,
                Bytes = bytes.Length,
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // A decoder's or reader's bug on one hostile picture must not stop the others.
            LogDecodeFailed(ex, where);
            return PictureReading.Fail(where, "the picture could not be read") with { Bytes = bytes.Length };
        }
    }

    private async Task<PictureLocation?> LocateAsync(PictureSource source, CancellationToken cancellationToken)
    {
        foreach (var locator in locators)
        {
            if (!locator.Protocols.Contains(source.Protocol))
            {
                continue;
            }

            try
            {
                return await locator.LocateAsync(source, options.CurrentValue.MaxBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                NotLocated(ex, WireNames<Protocol>.ToText(source.Protocol));
                return null;
            }
        }

        return null;
    }

    /// <summary>The one line of a picture the platform could not give (the adapters' own lines about their tries are at Debug), throttled by protocol and reason.</summary>
    private void NotLocated(Exception ex, string protocol)
    {
        if (_notLocated.Occurred(protocol, ex.GetType().Name + ": " + ex.Message) is > 0 and var count)
        {
            LogNotLocated(ex, protocol, count);
        }
    }

    private static string Cut(string text) => text.Length <= MaxWhere ? text : text[..MaxWhere];

    [LoggerMessage(Level = LogLevel.Debug, Message = "Picture {Where}: {Bytes} bytes, {Width}x{Height}, {Codes} QR codes, {Milliseconds:0} ms")]
    private partial void LogRead(string where, long bytes, int width, int height, int codes, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Picture {Where} ({Bytes} bytes, {Width}x{Height}): gave up reading its QR codes, too complex (more than {Candidates} finder-like shapes even in parts); {Codes} codes read in the rest")]
    private partial void LogQrGaveUp(string where, long bytes, int width, int height, int candidates, int codes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Picture {Where} ({Bytes} bytes) not decoded: {Why}")]
    private partial void LogNotDecoded(string where, long bytes, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Picture {Where} could not be read")]
    private partial void LogDecodeFailed(Exception ex, string where);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A picture sent as a file id could not be had from {Protocol}: its pictures go unread ({Count} alike since the last such line; the same again within 10 s is counted, not logged)")]
    private partial void LogNotLocated(Exception ex, string protocol, long count);
}
