using GroupGuard.Core;
using GroupGuard.Core.Images;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.Images.Tests;

/// <summary>
/// The text in pictures (<c>GroupGuard:Images:Ocr</c>): Debian's tesseract reading pictures drawn
/// here (dotnet test installs it when it can, tools/test-prerequisites.sh: these fail, not skip, without it), and fake tesseracts that answer,
/// fail, hang, or record that they were run. Pictures come from a loopback fake CDN.
/// </summary>
public sealed class PictureTextTests : IAsyncLifetime
{
    private readonly LoopbackHttpServer _cdn = LoopbackHttpServer.Start();
    private readonly Dictionary<string, byte[]> _pictures = new(StringComparer.Ordinal);
    private readonly LogCollector _logs = new();

    public Task InitializeAsync()
    {
        _cdn.Respond(request => _pictures.TryGetValue(request.Path, out var bytes) ? HttpAnswer.Binary(bytes, "image/jpeg") : new HttpAnswer(404, ""));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cdn.DisposeAsync();

    [Fact]
    public async Task Tesseract_reads_the_words_of_an_advert_on_a_busy_screenshot()
    {
        using (var advert = Pictures.Advert())
        {
            _pictures["/ad.jpg"] = Pictures.Jpeg(advert, 85);
        }

        await using var services = Services(("Ocr", "tesseract"));

        var reading = await ReadAsync(services, "/ad.jpg");

        Assert.Equal(PictureOutcome.Read, reading.Outcome);
        Assert.Equal(PictureTextOutcome.Read, reading.TextOutcome);
        Assert.Contains("加微信", reading.Text, StringComparison.Ordinal);
        Assert.Contains("abc12345", reading.Text, StringComparison.Ordinal);
        Assert.Contains("领福利", reading.Text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', reading.Text!);
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains("abc12345", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_picture_without_text_reads_no_text()
    {
        _pictures["/photo.jpg"] = Pictures.Jpeg(Pictures.Photo(800, 600, 2), 85);
        await using var services = Services(("Ocr", "tesseract"));

        var reading = await ReadAsync(services, "/photo.jpg");

        Assert.Equal((PictureOutcome.Read, PictureTextOutcome.Read, ""), (reading.Outcome, reading.TextOutcome, reading.Text));
    }

    [Fact]
    public async Task The_picture_goes_to_tesseract_as_png_on_standard_input_with_the_languages_and_its_text_is_tidied()
    {
        _pictures["/code.jpg"] = WithCode(Pictures.Blank(600, 600), Pictures.WeChatGroup);
        using var tesseract = FakeTesseract.Answering("扫 码 进 群\n\n|| — ;\n领 取 资料 abc12345\n\f");
        await using var services = Services(("Ocr", "tesseract"), ("TesseractPath", tesseract.Path), ("OcrLanguages", "chi_sim"));

        var reading = await ReadAsync(services, "/code.jpg");

        Assert.Equal("扫码进群领取资料 abc12345", reading.Text);
        Assert.Equal([Pictures.WeChatGroup], reading.Codes);
        Assert.Equal(["stdin stdout -l chi_sim --psm 3"], tesseract.Reads);
        Assert.Equal("89504e470d0a1a0a", tesseract.Signature); // PNG's signature
    }

    [Fact]
    public async Task Text_past_ocr_max_chars_is_cut()
    {
        _pictures["/long.jpg"] = Pictures.Jpeg(Pictures.Blank(100, 100));
        using var tesseract = FakeTesseract.Answering(string.Concat(Enumerable.Repeat("加微信 abc12345 ", 200)));
        await using var services = Services(("Ocr", "tesseract"), ("TesseractPath", tesseract.Path), ("OcrMaxChars", "100"));

        var reading = await ReadAsync(services, "/long.jpg");

        Assert.Equal(100, reading.Text!.Length);
        Assert.StartsWith("加微信 abc12345 加微信 abc12345", reading.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hung_tesseract_is_killed_at_the_timeout_with_its_child_and_the_picture_keeps_its_code()
    {
        // Large enough that tesseract's standard input fills up unread.
        _pictures["/code.jpg"] = WithCode(Pictures.Noise(1200, 1200, 4), Pictures.WeChatGroup);
        using var tesseract = FakeTesseract.Hanging();

        // Short, as the test waits it out, but long enough for the fake (a shell script) to start
        // its child and write both ids on a loaded machine: killed sooner, it had none to check.
        await using var services = Services(("Ocr", "tesseract"), ("TesseractPath", tesseract.Path), ("OcrTimeoutSeconds", "5"));

        var reading = await ReadAsync(services, "/code.jpg");

        Assert.Equal(PictureOutcome.Read, reading.Outcome);
        Assert.Equal((PictureTextOutcome.TimedOut, null), (reading.TextOutcome, reading.Text));
        Assert.Equal([Pictures.WeChatGroup], reading.Codes);
        Assert.NotNull(reading.Hash);
        Assert.NotEmpty(tesseract.Processes);
        Assert.All(tesseract.Processes, pid => Assert.True(FakeTesseract.IsGone(pid), $"process {pid} is still running"));
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("tesseract took more than 5 s (GroupGuard:Images:OcrTimeoutSeconds) and was killed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_tesseract_is_logged_and_the_picture_keeps_its_code()
    {
        _pictures["/code.jpg"] = WithCode(Pictures.Blank(600, 600), Pictures.WeChatGroup);
        using var tesseract = FakeTesseract.Failing();
        await using var services = Services(("Ocr", "tesseract"), ("TesseractPath", tesseract.Path));

        var reading = await ReadAsync(services, "/code.jpg");

        Assert.Equal((PictureTextOutcome.Failed, null), (reading.TextOutcome, reading.Text));
        Assert.Equal([Pictures.WeChatGroup], reading.Codes);
        Assert.Contains(_logs.Entries, e => e.Message.Contains("tesseract failed (exit code 1: Error in pixReadMem", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_ocr_off_tesseract_is_never_run()
    {
        _pictures["/code.jpg"] = WithCode(Pictures.Blank(600, 600), Pictures.WeChatGroup);
        using var tesseract = FakeTesseract.Answering("加微信");
        await using var services = Services(("TesseractPath", tesseract.Path));

        var reading = await ReadAsync(services, "/code.jpg");

        Assert.Equal((PictureTextOutcome.NotRun, null), (reading.TextOutcome, reading.Text));
        Assert.Equal([Pictures.WeChatGroup], reading.Codes);
        Assert.Empty(tesseract.Calls); // not even asked for its languages at start
    }

    [Fact]
    public void Tesseract_is_asked_for_its_languages_at_start()
    {
        using var tesseract = FakeTesseract.Answering("");
        using var services = Services(("Ocr", "tesseract"), ("TesseractPath", tesseract.Path));

        Assert.Equal(OcrEngine.Tesseract, services.GetRequiredService<IOptions<ImagesOptions>>().Value.Ocr);
        Assert.Equal(["--list-langs"], tesseract.Calls);
    }

    [Fact]
    public void A_missing_tesseract_stops_the_start_naming_the_settings_and_what_to_install()
    {
        using var services = Services(("Ocr", "tesseract"), ("TesseractPath", "/nonexistent/tesseract"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ImagesOptions>>().Value);

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("GroupGuard:Images:Ocr is tesseract but GroupGuard:Images:TesseractPath '/nonexistent/tesseract' cannot be run", failure, StringComparison.Ordinal);
        Assert.Contains("apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_language_tesseract_lacks_stops_the_start_naming_its_package()
    {
        using var services = Services(("Ocr", "tesseract"), ("OcrLanguages", "chi_sim+chi_tra"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ImagesOptions>>().Value);

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("GroupGuard:Images:OcrLanguages 'chi_sim+chi_tra': tesseract has no chi_tra (it has ", failure, StringComparison.Ordinal);
        Assert.EndsWith("): apt-get install tesseract-ocr-chi-tra", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ocr", "7", "GroupGuard:Images:Ocr must be off or tesseract, got 7")]
    [InlineData("OcrLanguages", "chi_sim;rm -rf", "GroupGuard:Images:OcrLanguages must be tesseract's language names joined by '+'")]
    [InlineData("OcrLanguages", "+", "GroupGuard:Images:OcrLanguages must be")]
    [InlineData("OcrTimeoutSeconds", "0", "GroupGuard:Images:OcrTimeoutSeconds must be between 1 and 120")]
    [InlineData("OcrMaxChars", "5", "GroupGuard:Images:OcrMaxChars must be between 100 and 10000")]
    [InlineData("TesseractPath", " ", "GroupGuard:Images:TesseractPath must be a program's name or path")]
    public void A_wrong_ocr_setting_is_named(string key, string value, string message)
    {
        using var tesseract = FakeTesseract.Answering("");
        using var services = Services(("Ocr", "tesseract"), ("TesseractPath", tesseract.Path), (key, value));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ImagesOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith(message, StringComparison.Ordinal));
        Assert.Empty(tesseract.Calls); // nothing is tried with settings that are wrong
    }

    [Theory]
    [InlineData("加 微 信\n领 福 利", "加微信领福利")]
    [InlineData("加微信 abc123\n\n| ; —\n\f", "加微信 abc123")]
    [InlineData("Add  me\ton\u0000WeChat", "Add me on WeChat")]
    [InlineData("，。 \n 「」", "")]
    [InlineData("", "")]
    public void Tesseracts_output_is_tidied_into_one_line(string raw, string text) =>
        Assert.Equal(text, OcrText.Tidy(raw, 2000));

    [Fact]
    public void A_cut_does_not_split_a_surrogate_pair() =>
        Assert.Equal("ab", OcrText.Tidy("ab\U0001F600cd", 3));

    private Task<PictureReading> ReadAsync(ServiceProvider services, string path) =>
        services.GetRequiredService<IPictureReader>().ReadAsync(new PictureSource(Protocol.OneBotV11, "10001", new ImageRef("x.jpg", _cdn.Url(path), null)), CancellationToken.None);

    private ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["GroupGuard:Images:AllowedHosts:0"] = "127.0.0.1",

            // Generous, unless a test sets its own: on a loaded machine a cold first fetch can take
            // seconds, and tesseract (one thread, chi_sim) more than its default 10 s on a screenshot.
            ["GroupGuard:Images:TimeoutSeconds"] = "30",
            ["GroupGuard:Images:OcrTimeoutSeconds"] = "120",
        };
        foreach (var (key, value) in settings)
        {
            all[$"{ImagesOptions.Section}:{key}"] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        return new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug))
            .AddGroupGuardImages(configuration)
            .BuildServiceProvider();
    }

    private static byte[] WithCode(SkiaSharp.SKBitmap background, string payload)
    {
        using (background)
        using (var code = Pictures.Qr(payload, 300))
        {
            return Pictures.Jpeg(Pictures.Place(background, code, background.Width / 2f, background.Height / 2f), 90);
        }
    }
}
