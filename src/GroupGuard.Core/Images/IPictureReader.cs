namespace GroupGuard.Core.Images;

/// <summary>A picture of a message to read: where it came from and what the platform said of it.</summary>
/// <param name="Protocol">What the message came in on (a file id without a link is looked up through that protocol's API).</param>
/// <param name="BotId">The bot that received it.</param>
/// <param name="Image">The segment as the adapter read it.</param>
public sealed record PictureSource(Protocol Protocol, string BotId, ImageRef Image)
{
    /// <summary>
    /// The bot's platform (<c>qq</c>, <c>wechat</c>, …), as the message said: a OneBot v12
    /// implementation is asked for a file as that bot (<c>self</c>). Null when not known.
    /// </summary>
    public string? Platform { get; init; }
}

/// <summary>What became of reading one picture.</summary>
public enum PictureOutcome
{
    /// <summary>Fetched and decoded: its codes and hash are known.</summary>
    Read,

    /// <summary>Not taken, by a limit: too large, too many pixels, not a picture, a host not allowed, a scheme other than http(s), a redirect elsewhere.</summary>
    Refused,

    /// <summary>Could not be had: a timeout, a connection error, an HTTP error, no link for its file id, a picture that breaks off.</summary>
    Failed,
}

/// <summary>What became of reading the text in one picture (OCR).</summary>
public enum PictureTextOutcome
{
    /// <summary>Not tried: OCR is off, or the picture was not read.</summary>
    NotRun,

    /// <summary>Read: <see cref="PictureReading.Text"/> holds what was read (empty when nothing was).</summary>
    Read,

    /// <summary>The OCR program failed (could not start, exited with an error); the picture is judged without text.</summary>
    Failed,

    /// <summary>The OCR program took longer than allowed and was killed; the picture is judged without text.</summary>
    TimedOut,
}

/// <summary>
/// One picture read: its QR codes' payloads (in the order found), its perceptual hash, the text
/// read off it when OCR is on, and what it was. <see cref="Where"/> names it without the query of its link (which carries tokens).
/// </summary>
public sealed record PictureReading(PictureOutcome Outcome, string Where)
{
    /// <summary>Why it was refused or failed, in a few words; null when read.</summary>
    public string? Reason { get; init; }

    /// <summary>The 64-bit perceptual hash (<see cref="PerceptualHash"/>), when read.</summary>
    public ulong? Hash { get; init; }

    /// <summary>The payload of every QR code found, each once.</summary>
    public IReadOnlyList<string> Codes { get; init; } = [];

    /// <summary>
    /// Whether the QR search gave up on some of the picture: parts of it so crowded with
    /// finder-like squares (decoys, or more codes than a reader pass may pair up) that they were
    /// not read within the search's bound. <see cref="Codes"/> holds what was read elsewhere; a
    /// code may still hide in what was not.
    /// </summary>
    public bool QrGaveUp { get; init; }

    /// <summary>
    /// The text read off the picture (OCR, <see cref="TextOutcome"/> <see cref="PictureTextOutcome.Read"/>):
    /// lines joined by spaces, cut to <c>OcrMaxChars</c>; empty when none was read; null when OCR
    /// did not run or failed.
    /// </summary>
    public string? Text { get; init; }

    /// <summary>Whether the picture's text was read, and if not, why.</summary>
    public PictureTextOutcome TextOutcome { get; init; }

    public int Width { get; init; }

    public int Height { get; init; }

    /// <summary>How many bytes were fetched.</summary>
    public long Bytes { get; init; }

    public static PictureReading Refuse(string where, string reason) => new(PictureOutcome.Refused, where) { Reason = reason };

    public static PictureReading Fail(string where, string reason) => new(PictureOutcome.Failed, where) { Reason = reason };
}

/// <summary>
/// Fetches a picture within the limits of <c>GroupGuard:Images</c>, decodes it, finds its QR
/// codes, hashes it and, when OCR is on, reads its text. Failure contract: never throws for the picture's fault or the network's
/// (that is a <see cref="PictureOutcome.Refused"/> or <see cref="PictureOutcome.Failed"/>
/// reading); throws only <see cref="OperationCanceledException"/> when cancelled.
/// </summary>
public interface IPictureReader
{
    Task<PictureReading> ReadAsync(PictureSource source, CancellationToken cancellationToken);
}

/// <summary>
/// Where a picture that came as a file id only can be had: OneBot v11 <c>get_image</c> (a link),
/// OneBot v12 <c>get_file</c> (a link, perhaps with headers to send, or the bytes). An adapter that
/// can say implements it for its protocols.
/// </summary>
public interface IImageLocator
{
    IReadOnlyCollection<Protocol> Protocols { get; }

    /// <summary>
    /// Where the picture of <paramref name="source"/> is, or null when the platform cannot be asked
    /// (no API set up). Bytes handed over are at most <paramref name="maxBytes"/>: more is
    /// <see cref="PictureLocation.Refuse"/>d, before it is decoded. Never throws for the
    /// platform's fault (that is a <see cref="PictureLocation.Fail"/>); throws only
    /// <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    Task<PictureLocation?> LocateAsync(PictureSource source, long maxBytes, CancellationToken cancellationToken);
}

/// <summary>
/// What a platform said of a picture known by its file id: a <see cref="Link"/> to fetch (within the
/// picture limits and hosts, with <see cref="Headers"/> the platform asks to be sent), its
/// <see cref="Bytes"/>, or why not (<see cref="Reason"/>; <see cref="Refused"/> when a limit said no).
/// </summary>
public sealed record PictureLocation
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    private PictureLocation()
    {
    }

    public string? Link { get; private init; }

    /// <summary>HTTP headers to send with the fetch of <see cref="Link"/> (OneBot v12 <c>get_file</c>'s <c>headers</c>); they may carry tokens and are never logged.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; private init; } = NoHeaders;

    public byte[]? Bytes { get; private init; }

    /// <summary>Why there is neither link nor bytes; null when there is one.</summary>
    public string? Reason { get; private init; }

    /// <summary>Whether a limit refused the picture (more than the bytes allowed), rather than the platform failing to give it.</summary>
    public bool Refused { get; private init; }

    public static PictureLocation At(string link, IReadOnlyDictionary<string, string>? headers = null) =>
        new() { Link = link, Headers = headers ?? NoHeaders };

    public static PictureLocation Of(byte[] bytes) => new() { Bytes = bytes };

    public static PictureLocation Fail(string reason) => new() { Reason = reason };

    public static PictureLocation Refuse(string reason) => new() { Reason = reason, Refused = true };
}

/// <summary>
/// A platform that hands over a picture's bytes itself, by the file id its message carried (WeCom's
/// chat archive: the SDK's <c>GetMediaData</c>), where there is no link to fetch.
/// </summary>
public interface IImageBytes
{
    IReadOnlyCollection<Protocol> Protocols { get; }

    /// <summary>
    /// The picture's bytes, or null when the platform cannot give them now. Throws
    /// <see cref="InvalidDataException"/> when the picture is over <paramref name="maxBytes"/>.
    /// </summary>
    Task<byte[]?> FetchAsync(Protocol protocol, string botId, string file, long maxBytes, CancellationToken cancellationToken);
}
