using BenchmarkDotNet.Attributes;
using GroupGuard.Images;
using GroupGuard.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupGuard.Benchmarks;

/// <summary>
/// What reading the text in a picture (<c>GroupGuard:Images:Ocr=tesseract</c>, Debian's tesseract
/// with <c>chi_sim+eng</c>) adds to reading it: the baseline is what every picture costs with OCR
/// off (decode, QR codes, hash), the other the same and tesseract on it. Pictures are drawn here:
/// a 1080×1920 screenshot of an advert over a busy background, and a 240×240 sticker.
/// </summary>
[Config(typeof(BenchConfig))]
public class PictureTextBenchmarks
{
    private byte[] _jpeg = [];
    private TesseractOcr _ocr = null!;

    [Params("screenshot 1080x1920", "sticker 240x240")]
    public string Picture { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        using var bitmap = Picture.StartsWith("screenshot", StringComparison.Ordinal) ? Pictures.Advert() : Pictures.Sticker();
        _jpeg = Pictures.Jpeg(bitmap, 85);
        var options = new ImagesOptions { Ocr = OcrEngine.Tesseract };
        if (TesseractOcr.Problem(options) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        _ocr = new TesseractOcr(new SettableOptions<ImagesOptions>(options), NullLogger<TesseractOcr>.Instance, TimeProvider.System);
    }

    [Benchmark(Baseline = true, Description = "OCR off: decode, QR codes, hash")]
    public int WithoutOcr()
    {
        var plane = PictureDecoder.Decode(_jpeg, 40_000_000).Plane!;
        return QrScanner.Scan(plane).Count + (int)(DctHash.Of(plane) & 1);
    }

    [Benchmark(Description = "OCR on: the same, then tesseract")]
    public async Task<int> WithOcr()
    {
        var plane = PictureDecoder.Decode(_jpeg, 40_000_000).Plane!;
        var count = QrScanner.Scan(plane).Count + (int)(DctHash.Of(plane) & 1);
        var text = await _ocr.ReadAsync(plane, "bench", CancellationToken.None);
        return count + (text.Text?.Length ?? throw new InvalidOperationException($"tesseract: {text.Outcome}"));
    }
}
