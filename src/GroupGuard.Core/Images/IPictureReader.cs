namespace GroupGuard.Core.Images;

/// <summary>A picture of a message to read: where it came from and what the platform said of it.</summary>
/// <param name="Protocol">What the message came in on (a file id without a link is looked up through that protocol's API).</param>
/// <param name="BotId">The bot that received it.</param>
/// <param name="Image">The segment as the adapter read it.</param>
public sealed record PictureSource(Protocol Protocol, string BotId, ImageRef Image);

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
/// Where a picture that came as a file id only can be fetched: OneBot v11 <c>get_image</c>. An
/// adapter that can say implements it for its protocols.
/// </summary>
public interface IImageLocator
{
    IReadOnlyCollection<Protocol> Protocols { get; }

    /// <summary>The picture's link, or null when the platform does not say (or cannot be asked).</summary>
    Task<string?> LocateAsync(Protocol protocol, string botId, string file, CancellationToken cancellationToken);
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
