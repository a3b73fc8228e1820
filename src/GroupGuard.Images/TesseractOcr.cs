using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using GroupGuard.Core.Images;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace GroupGuard.Images;

/// <summary>The text read off one picture, or why none was.</summary>
internal readonly record struct OcrReading(PictureTextOutcome Outcome, string? Text)
{
    public static OcrReading NotRun { get; } = new(PictureTextOutcome.NotRun, null);
}

/// <summary>
/// Reads the text in a picture with the <c>tesseract</c> command (<c>GroupGuard:Images:Ocr</c>
/// <c>tesseract</c>): the decoded picture, grey and brought to a size tesseract reads well, goes to
/// it as PNG on its standard input, and its text comes back on its standard output; nothing is
/// written to disk. One tesseract runs per picture being read, so at most
/// <see cref="ImagesOptions.Workers"/> at once, each on one thread. One that takes longer than
/// <see cref="ImagesOptions.OcrTimeoutSeconds"/> is killed with whatever it started. A failure or
/// a timeout is logged (never the picture's text) and leaves the picture without text: its QR codes
/// and hash are judged all the same.
/// </summary>
internal sealed partial class TesseractOcr(IOptionsMonitor<ImagesOptions> options, ILogger<TesseractOcr> logger, TimeProvider time)
{
    /// <summary>
    /// The most pixels handed to tesseract: a 1080×1920 phone screenshot whole; larger pictures are
    /// scaled down to it (its time grows with the pixels, and text a member can read on a phone
    /// stays readable).
    /// </summary>
    public const long MaxPixels = 1080L * 1920;

    /// <summary>A picture whose shorter side is under this is enlarged twice: a sticker's text is too small for tesseract as it is.</summary>
    public const int SmallSide = 400;

    /// <summary>How long <c>tesseract --list-langs</c> may take at start.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Each tesseract on one thread: the picture workers already run several side by side.</summary>
    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal) { ["OMP_THREAD_LIMIT"] = "1" };

    public async Task<OcrReading> ReadAsync(LuminancePlane plane, string where, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (settings.Ocr != OcrEngine.Tesseract)
        {
            return OcrReading.NotRun;
        }

        var started = Stopwatch.GetTimestamp();
        byte[] png;
        ChildResult run;
        try
        {
            png = Png(plane);
            run = await ChildProcess.RunAsync(
                settings.TesseractPath,
                Arguments(settings.OcrLanguages),
                png,
                Environment,
                TimeSpan.FromSeconds(settings.OcrTimeoutSeconds),
                time,
                (settings.OcrMaxChars * 4) + 1024,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // The picture's codes and hash are read already: this costs only its text.
            LogBroke(ex, where);
            return new OcrReading(PictureTextOutcome.Failed, null);
        }

        if (run.TimedOut)
        {
            LogTimedOut(where, settings.OcrTimeoutSeconds);
            return new OcrReading(PictureTextOutcome.TimedOut, null);
        }

        if (!run.Succeeded)
        {
            LogFailed(where, run.StartFailure ?? $"exit code {run.ExitCode}", Complaint(run.Error) ?? "nothing on standard error");
            return new OcrReading(PictureTextOutcome.Failed, null);
        }

        var text = OcrText.Tidy(run.Output, settings.OcrMaxChars);
        LogRead(where, png.Length, text.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new OcrReading(PictureTextOutcome.Read, text);
    }

    /// <summary>tesseract's command line: the picture from standard input, the text to standard output, automatic page layout.</summary>
    internal static IReadOnlyList<string> Arguments(string languages) => ["stdin", "stdout", "-l", languages, "--psm", "3"];

    /// <summary>
    /// The picture as tesseract gets it: grey PNG (quickly compressed: it only crosses a pipe), at
    /// most <see cref="MaxPixels"/>, a small one enlarged twice.
    /// </summary>
    internal static byte[] Png(LuminancePlane plane)
    {
        var pixels = (long)plane.Width * plane.Height;
        if (pixels > MaxPixels)
        {
            plane = PictureDecoder.Shrink(plane, (float)Math.Sqrt((double)MaxPixels / pixels));
        }
        else if (Math.Min(plane.Width, plane.Height) < SmallSide && pixels * 4 <= MaxPixels)
        {
            plane = PictureDecoder.Shrink(plane, 2);
        }

        using var bitmap = new SKBitmap(new SKImageInfo(plane.Width, plane.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        Marshal.Copy(plane.Pixels, 0, bitmap.GetPixels(), plane.Pixels.Length);
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 1))
            ?? throw new InvalidOperationException("Skia could not encode a grey picture as PNG");
        return data.ToArray();
    }

    /// <summary>
    /// Why OCR as <paramref name="settings"/> asks cannot work on this machine, naming the setting
    /// and what to install; null when it can (or OCR is off). Runs <c>tesseract --list-langs</c>.
    /// </summary>
    internal static string? Problem(ImagesOptions settings)
    {
        const string S = ImagesOptions.Section;
        if (!settings.Enabled || settings.Ocr != OcrEngine.Tesseract)
        {
            return null;
        }

        var install = $"apt-get install tesseract-ocr {string.Join(' ', Languages(settings.OcrLanguages).Select(PackageOf))}";
        var run = ChildProcess.RunAsync(settings.TesseractPath, ["--list-langs"], ReadOnlyMemory<byte>.Empty, Environment, ProbeTimeout, TimeProvider.System, 64 * 1024, CancellationToken.None)
            .GetAwaiter().GetResult();
        if (run.StartFailure is { } failure)
        {
            return $"{S}:Ocr is tesseract but {S}:TesseractPath '{settings.TesseractPath}' cannot be run ({failure}): {install}, or set {S}:TesseractPath to the program";
        }

        if (!run.Succeeded)
        {
            var why = run.TimedOut ? $"no answer within {ProbeTimeout.TotalSeconds:0} s" : $"exit code {run.ExitCode}";
            return $"{S}:Ocr is tesseract but '{settings.TesseractPath} --list-langs' failed ({why}{(Complaint(run.Error) is { } said ? ": " + said : "")}): check {S}:TesseractPath, or {install}";
        }

        // tesseract 5 lists them on standard output, 4 on standard error, after a heading line.
        var listed = (run.Output + "\n" + run.Error).Split('\n')
            .Select(line => line.Trim())
            .Where(line => LanguageName().IsMatch(line))
            .ToHashSet(StringComparer.Ordinal);
        var missing = Languages(settings.OcrLanguages).Where(language => !listed.Contains(language)).ToList();
        if (missing.Count > 0)
        {
            var has = listed.Count == 0 ? "none" : string.Join(", ", listed.Order(StringComparer.Ordinal));
            return $"{S}:OcrLanguages '{settings.OcrLanguages}': tesseract has no {string.Join(", ", missing)} (it has {has}): apt-get install {string.Join(' ', missing.Select(PackageOf))}";
        }

        return null;
    }

    /// <summary>The languages of <paramref name="languages"/> (<c>chi_sim+eng</c>).</summary>
    internal static IEnumerable<string> Languages(string languages) =>
        languages.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Debian's package for a language's data: <c>chi_sim</c> → <c>tesseract-ocr-chi-sim</c>.</summary>
    internal static string PackageOf(string language) =>
        "tesseract-ocr-" + language.ToLowerInvariant().Replace('_', '-').Replace('/', '-');

    /// <summary>A language name as tesseract lists and takes them: <c>chi_sim</c>, <c>eng</c>, <c>script/HanS</c>.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?$")]
    internal static partial Regex LanguageName();

    /// <summary>What tesseract said went wrong: its first line of standard error that is not a note on the picture's resolution, cut short.</summary>
    private static string? Complaint(string? error)
    {
        foreach (var line in (error ?? "").Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0 && !trimmed.StartsWith("Estimating resolution", StringComparison.Ordinal))
            {
                return trimmed.Length <= 200 ? trimmed : trimmed[..200];
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Picture {Where}: OCR read {Chars} characters off {PngBytes} bytes of PNG in {Milliseconds:0} ms")]
    private partial void LogRead(string where, int pngBytes, int chars, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Picture {Where}: tesseract took more than {Seconds} s (GroupGuard:Images:OcrTimeoutSeconds) and was killed; the picture is judged without its text")]
    private partial void LogTimedOut(string where, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Picture {Where}: OCR broke; the picture is judged without its text")]
    private partial void LogBroke(Exception ex, string where);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Picture {Where}: tesseract failed ({Why}: {Said}); the picture is judged without its text")]
    private partial void LogFailed(string where, string why, string said);
}
