using GroupGuard.Core;

namespace GroupGuard.Images;

/// <summary>
/// <c>GroupGuard:Images</c>: reading the pictures of messages (QR codes, the block list). Pictures
/// are fetched only from <see cref="AllowedHosts"/> over http(s), within <see cref="MaxBytes"/>,
/// <see cref="TimeoutSeconds"/> and <see cref="MaxPixels"/>, and kept in memory only.
/// </summary>
public sealed class ImagesOptions
{
    public const string Section = "GroupGuard:Images";

    /// <summary>The QQ CDN hosts pictures come from when <see cref="AllowedHosts"/> is not set.</summary>
    public static IReadOnlyList<string> DefaultHosts { get; } = ["gchat.qpic.cn", "multimedia.nt.qq.com.cn", "c2cpicdw.qpic.cn"];

    /// <summary>Read pictures at all. Off: messages' pictures are neither fetched nor checked.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A picture larger than this is refused (read up to one byte more, then dropped).</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>One picture's fetch, redirects and body included.</summary>
    public int TimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// Hosts pictures may be fetched from: <c>host</c> (any port), <c>host:port</c>, or
    /// <c>*.domain</c> (its subdomains). Unset: <see cref="DefaultHosts"/>. The bridges' own hosts
    /// (<c>GroupGuard:OneBot:ApiBaseUrl</c>, the Milky and OneBot connections) are allowed either way.
    /// </summary>
    public List<string>? AllowedHosts { get; set; }

    /// <summary>Messages with pictures waiting to be read; a message that finds the queue full is counted and its pictures skipped.</summary>
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>Pictures read at once.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>Pictures read of one message, at most; the rest are skipped.</summary>
    public int MaxPerMessage { get; set; } = 10;

    /// <summary>
    /// A picture declaring more pixels (width × height) than this is refused before it is decoded:
    /// the defence against a small file that unpacks to gigabytes. An animation's frames decoded
    /// (to look for a QR code past its first) count together against it.
    /// </summary>
    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>What the rule <c>images.blocked</c> does: log, warn, recall, mute or kick.</summary>
    public ModerationAction BlockedAction { get; set; } = ModerationAction.Recall;

    /// <summary>The mute length of <see cref="BlockedAction"/> <c>mute</c>.</summary>
    public int BlockedMuteMinutes { get; set; } = 10;

    /// <summary>The severity of <c>images.blocked</c> incidents.</summary>
    public Severity BlockedSeverity { get; set; } = Severity.High;

    /// <summary>
    /// Read the text in pictures: <see cref="OcrEngine.Off"/> (the default) or
    /// <see cref="OcrEngine.Tesseract"/>, Debian's <c>tesseract-ocr</c> run once a picture. The text
    /// goes through the rules as typed text does.
    /// </summary>
    public OcrEngine Ocr { get; set; } = OcrEngine.Off;

    /// <summary>Tesseract's languages, <c>+</c> between them (<c>tesseract --list-langs</c> must list each).</summary>
    public string OcrLanguages { get; set; } = "chi_sim+eng";

    /// <summary>One picture's OCR; a tesseract still running then is killed and the picture judged without its text.</summary>
    public int OcrTimeoutSeconds { get; set; } = 10;

    /// <summary>The tesseract program: a name looked up on <c>PATH</c>, or a full path.</summary>
    public string TesseractPath { get; set; } = "tesseract";

    /// <summary>The text kept of one picture, at most (the rest is not matched).</summary>
    public int OcrMaxChars { get; set; } = 2000;

    /// <summary>Hosts of the bridges' APIs, filled in from their settings; allowed whatever <see cref="AllowedHosts"/> says.</summary>
    internal List<string> BridgeHosts { get; } = [];

    /// <summary>What pictures may be fetched from, in effect: the allowed hosts and the bridges'.</summary>
    internal IEnumerable<string> EffectiveHosts => (AllowedHosts ?? [.. DefaultHosts]).Concat(BridgeHosts);
}

/// <summary>What reads the text in pictures (<c>GroupGuard:Images:Ocr</c>).</summary>
public enum OcrEngine
{
    /// <summary>Pictures' text is not read.</summary>
    Off,

    /// <summary>The <c>tesseract</c> command (Debian's <c>tesseract-ocr</c> and a language package such as <c>tesseract-ocr-chi-sim</c>).</summary>
    Tesseract,
}
