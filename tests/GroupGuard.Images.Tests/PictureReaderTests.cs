using GroupGuard.Core;
using GroupGuard.Core.Images;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace GroupGuard.Images.Tests;

/// <summary>Pictures fetched from a loopback fake CDN: what is read, what is refused, what fails.</summary>
public sealed class PictureReaderTests : IAsyncLifetime
{
    private readonly LoopbackHttpServer _cdn = LoopbackHttpServer.Start();
    private ServiceProvider _services = null!;

    public Task InitializeAsync()
    {
        _services = Services(new Dictionary<string, string?>
        {
            ["GroupGuard:Images:AllowedHosts:0"] = "127.0.0.1",

            // Generous: on a loaded machine a cold first read can take over a second. The test
            // of a CDN that never answers sets its own.
            ["GroupGuard:Images:TimeoutSeconds"] = "30",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _cdn.DisposeAsync();
    }

    [Fact]
    public async Task A_picture_with_a_wechat_group_code_is_read_with_its_code_and_hash()
    {
        using var photo = Pictures.Photo(800, 600, 1);
        using var code = Pictures.Qr(Pictures.WeChatGroup, 300);
        var jpeg = Pictures.Jpeg(Pictures.Place(photo, code, 400, 300, 17));
        _cdn.Respond(_ => HttpAnswer.Binary(jpeg, "image/jpeg"));

        var reading = await ReadAsync(_cdn.Url("/gchatpic_new/1/abc/0?term=2&rkey=SECRET"));

        Assert.Equal(PictureOutcome.Read, reading.Outcome);
        Assert.Equal([Pictures.WeChatGroup], reading.Codes);
        Assert.NotNull(reading.Hash);
        Assert.Equal((800, 600, jpeg.Length), (reading.Width, reading.Height, reading.Bytes));
        Assert.Equal("127.0.0.1/gchatpic_new/1/abc/0", reading.Where);
        Assert.DoesNotContain("SECRET", reading.Where, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a whole frame")]
    [InlineData("a patch over the blank one")]
    public async Task An_animated_sticker_whose_code_shows_after_its_blank_first_frame_is_read(string second)
    {
        using var blank = Pictures.Blank(400, 400);
        using var code = Pictures.Qr(Pictures.WeChatGroup, 240);
        using var whole = Pictures.Place(Pictures.Blank(400, 400), code, 200, 200);
        var gif = second == "a whole frame"
            ? Pictures.Gif(400, 400, [(blank, 0, 0), (whole, 0, 0)])
            : Pictures.Gif(400, 400, [(blank, 0, 0), (code, 80, 80)]);
        _cdn.Respond(_ => HttpAnswer.Binary(gif, "image/gif"));

        var reading = await ReadAsync(_cdn.Url("/sticker.gif"));

        Assert.Equal(PictureOutcome.Read, reading.Outcome);
        Assert.Equal([Pictures.WeChatGroup], reading.Codes);
        Assert.Equal((400, 400), (reading.Width, reading.Height));
    }

    [Fact]
    public async Task A_code_in_the_last_frame_of_a_long_animation_built_up_frame_on_frame_is_read()
    {
        // 20 frames, each a one-pixel patch over the one before, the last the code: to show it, a
        // viewer (and the reader) composes the frames before it.
        using var blank = Pictures.Blank(300, 300);
        using var dot = Pictures.Filled(1, 1, SKColors.Black);
        using var code = Pictures.Qr(Pictures.Alipay, 200);
        var frames = new List<(SKBitmap, int, int)> { (blank, 0, 0) };
        frames.AddRange(Enumerable.Range(1, 18).Select(i => (dot, 280 - i, 290)));
        frames.Add((code, 50, 50));
        var gif = Pictures.Gif(300, 300, frames);
        _cdn.Respond(_ => HttpAnswer.Binary(gif, "image/gif"));

        var reading = await ReadAsync(_cdn.Url("/long.gif"));

        Assert.Equal([Pictures.Alipay], reading.Codes);
    }

    [Fact]
    public async Task Decoys_are_searched_around_and_a_picture_of_nothing_but_decoys_says_its_qr_search_gave_up()
    {
        using var crowded = Pictures.Blank(800, 1100);
        using var strip = Pictures.FinderGrid(800, 120);
        using var code = Pictures.Qr(Pictures.WeChatGroup, 500);
        Pictures.Place(Pictures.Place(crowded, strip, 400, 60), code, 400, 700);
        var beside = Pictures.Png(crowded);
        using var grid = Pictures.FinderGrid(800, 800);
        var decoys = Pictures.Png(grid);
        _cdn.Respond(request => HttpAnswer.Binary(request.Path == "/beside.png" ? beside : decoys, "image/png"));

        var read = await ReadAsync(_cdn.Url("/beside.png"));
        var given = await ReadAsync(_cdn.Url("/decoys.png"));

        Assert.Equal([Pictures.WeChatGroup], read.Codes);
        Assert.Equal(PictureOutcome.Read, given.Outcome);
        Assert.True(given.QrGaveUp);
        Assert.Empty(given.Codes);
        Assert.NotNull(given.Hash);
    }

    [Fact]
    public async Task A_body_over_max_bytes_is_refused_whether_it_says_its_length_or_not()
    {
        var big = new byte[50 * 1024 * 1024];
        _cdn.Respond(request => HttpAnswer.Binary(big, "image/jpeg", chunked: request.Path == "/chunked"));

        var declared = await ReadAsync(_cdn.Url("/declared"));
        var chunked = await ReadAsync(_cdn.Url("/chunked"));

        Assert.Equal(PictureOutcome.Refused, declared.Outcome);
        Assert.Contains("more than 10485760", declared.Reason, StringComparison.Ordinal);
        Assert.Equal(PictureOutcome.Refused, chunked.Outcome);
        Assert.Equal("more than 10485760 bytes", chunked.Reason);
    }

    [Fact]
    public async Task A_picture_answer_that_never_ends_is_refused_at_max_bytes_not_read_on()
    {
        // Chunked, no Content-Length, never finished: only the cap (10 MiB, the pictures' own, not
        // the 1 MiB of the bridges' answers) ends the read; a timeout would say "no answer within".
        _cdn.Respond(_ => new HttpAnswer(200, "JFIF", "image/jpeg") { Endless = true });

        var reading = await ReadAsync(_cdn.Url("/endless.jpg"));

        Assert.Equal((PictureOutcome.Refused, "more than 10485760 bytes"), (reading.Outcome, reading.Reason));
    }

    [Theory]
    [InlineData("text/html; charset=utf-8", "<html><body>not found</body></html>", "not a picture (text/html)")]
    [InlineData("application/json", "{\"retcode\":1}", "not a picture (application/json)")]
    [InlineData("image/png", "<html>a page labelled as a picture</html>", "not a picture")]
    public async Task A_body_that_is_no_picture_is_refused(string contentType, string body, string reason)
    {
        _cdn.Respond(_ => new HttpAnswer(200, body, contentType));

        var reading = await ReadAsync(_cdn.Url("/x.png"));

        Assert.Equal(PictureOutcome.Refused, reading.Outcome);
        Assert.Equal(reason, reading.Reason);
    }

    [Fact]
    public async Task A_decompression_bomb_is_refused_unpacked()
    {
        _cdn.Respond(_ => HttpAnswer.Binary(Pictures.Bomb(60_000, 60_000)));

        var reading = await ReadAsync(_cdn.Url("/bomb.png"));

        Assert.Equal(PictureOutcome.Refused, reading.Outcome);
        Assert.Contains("more than 40000000 pixels", reading.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://gchat.qpic.cn.evil.example/x.jpg", "the host gchat.qpic.cn.evil.example is not in GroupGuard:Images:AllowedHosts")]
    [InlineData("ftp://127.0.0.1/x.jpg", "only http and https links are fetched")]
    [InlineData("file:///etc/passwd", "only http and https links are fetched")]
    public async Task Links_off_the_allowed_hosts_or_schemes_are_refused_unfetched(string link, string reason)
    {
        var reading = await ReadAsync(link);

        Assert.Equal(PictureOutcome.Refused, reading.Outcome);
        Assert.Equal(reason, reading.Reason);
        Assert.Empty(_cdn.Requests);
    }

    [Fact]
    public async Task Redirects_are_followed_twice_at_most_and_only_on_the_same_host()
    {
        using var blank = Pictures.Blank(64, 64);
        var png = Pictures.Png(blank);
        _cdn.Respond(request => request.Path switch
        {
            "/a" => new HttpAnswer(302, "", Location: "/b"),
            "/b" => new HttpAnswer(307, "", Location: _cdn.Url("/pic")),
            "/pic" => HttpAnswer.Binary(png),
            "/away" => new HttpAnswer(302, "", Location: $"http://localhost:{_cdn.Port}/pic"),
            "/1" => new HttpAnswer(302, "", Location: "/2"),
            "/2" => new HttpAnswer(302, "", Location: "/3"),
            "/3" => new HttpAnswer(302, "", Location: "/pic"),
            _ => new HttpAnswer(404, ""),
        });

        Assert.Equal(PictureOutcome.Read, (await ReadAsync(_cdn.Url("/a"))).Outcome);
        var away = await ReadAsync(_cdn.Url("/away"));
        Assert.Equal(PictureOutcome.Refused, away.Outcome);
        Assert.Equal("a redirect to another host (localhost)", away.Reason);
        var many = await ReadAsync(_cdn.Url("/1"));
        Assert.Equal(PictureOutcome.Refused, many.Outcome);
        Assert.Equal("more than 2 redirects", many.Reason);
        Assert.Single(_cdn.Requests, r => r.Path == "/pic"); // /3's redirect, the third, was not followed
    }

    [Fact]
    public async Task A_cdn_that_does_not_answer_or_answers_an_error_fails_the_picture()
    {
        _cdn.Handler = async (request, stopping) =>
        {
            if (request.Path == "/slow")
            {
                await Task.Delay(Timeout.Infinite, stopping);
            }

            return new HttpAnswer(404, "");
        };

        await using var impatient = Services(new Dictionary<string, string?>
        {
            ["GroupGuard:Images:AllowedHosts:0"] = "127.0.0.1",
            ["GroupGuard:Images:TimeoutSeconds"] = "1",
        });
        var slow = await ReadAsync(_cdn.Url("/slow"), impatient);
        var missing = await ReadAsync(_cdn.Url("/missing"));
        var refused = await ReadAsync($"http://127.0.0.1:{LoopbackHttpServer.FreePort()}/x.jpg");

        Assert.Equal((PictureOutcome.Failed, "no answer within 1 s"), (slow.Outcome, slow.Reason));
        Assert.Equal((PictureOutcome.Failed, "HTTP 404"), (missing.Outcome, missing.Reason));
        Assert.Equal(PictureOutcome.Failed, refused.Outcome);
    }

    [Fact]
    public async Task A_file_id_alone_is_looked_up_through_the_protocols_locator()
    {
        using var blank = Pictures.Blank(64, 64);
        _cdn.Respond(_ => HttpAnswer.Binary(Pictures.Png(blank)));
        var locator = new Locator(PictureLocation.At(_cdn.Url("/located.png")));
        await using var services = Services(new Dictionary<string, string?> { ["GroupGuard:Images:AllowedHosts:0"] = "127.0.0.1" }, locator);
        var reader = services.GetRequiredService<IPictureReader>();

        var located = await reader.ReadAsync(new PictureSource(Protocol.OneBotV11, "10001", new ImageRef("ABCDEF.jpg", null, null)), CancellationToken.None);
        var nowhere = await reader.ReadAsync(new PictureSource(Protocol.Milky, "10001", new ImageRef("resource-1", null, null)), CancellationToken.None);

        Assert.Equal(PictureOutcome.Read, located.Outcome);
        Assert.Equal(["ABCDEF.jpg"], locator.Asked);
        Assert.Equal(PictureOutcome.Failed, nowhere.Outcome);
        Assert.Equal("resource-1", nowhere.Where);
    }

    [Fact]
    public async Task A_located_link_is_fetched_with_the_headers_the_platform_asks_for_and_never_with_its_own_host()
    {
        using var blank = Pictures.Blank(64, 64);
        _cdn.Respond(_ => HttpAnswer.Binary(Pictures.Png(blank)));
        var locator = new Locator(PictureLocation.At(_cdn.Url("/get_file/e30f9684"), new Dictionary<string, string>
        {
            ["Authorization"] = "Bearer bridge-file-token",
            ["Host"] = "gchat.qpic.cn",
            ["X-Split"] = "a\r\nX-Injected: 1",
        }));
        await using var services = Services(new Dictionary<string, string?> { ["GroupGuard:Images:AllowedHosts:0"] = "127.0.0.1" }, locator);

        var read = await services.GetRequiredService<IPictureReader>().ReadAsync(V12Picture("e30f9684"), CancellationToken.None);

        Assert.Equal(PictureOutcome.Read, read.Outcome);
        Assert.Equal("127.0.0.1/get_file/e30f9684", read.Where);
        var fetch = Assert.Single(_cdn.Requests);
        Assert.Equal("Bearer bridge-file-token", fetch.Header("Authorization"));
        Assert.Equal($"127.0.0.1:{_cdn.Port}", fetch.Header("Host"));
        Assert.Null(fetch.Header("X-Split"));
        Assert.Null(fetch.Header("X-Injected"));
    }

    [Fact]
    public async Task Bytes_the_platforms_api_answers_are_read_within_max_bytes_and_a_refusal_or_failure_says_why()
    {
        using var code = Pictures.Qr(Pictures.WeChatGroup, 300);
        var png = Pictures.Png(code);
        var settings = new Dictionary<string, string?> { ["GroupGuard:Images:MaxBytes"] = png.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var handed = new Locator(PictureLocation.Of(png));
        var tooMany = new Locator(PictureLocation.Of(new byte[png.Length + 1]));
        var refused = new Locator(PictureLocation.Refuse("get_file answered data of 20000000 bytes, more than 10485760"));
        var failed = new Locator(PictureLocation.Fail("get_file failed: 未找到该文件 (retcode 32000)"));

        var read = await ReadWithAsync(handed, settings);
        var over = await ReadWithAsync(tooMany, settings);
        var notTaken = await ReadWithAsync(refused, settings);
        var notGiven = await ReadWithAsync(failed, settings);

        Assert.Equal(PictureOutcome.Read, read.Outcome);
        Assert.Equal([Pictures.WeChatGroup], read.Codes);
        Assert.Equal("onebot.v12 file e30f9684", read.Where);
        Assert.Equal([(long)png.Length], handed.Caps);
        Assert.Equal((PictureOutcome.Refused, $"more than {png.Length} bytes"), (over.Outcome, over.Reason));
        Assert.Equal((PictureOutcome.Refused, "get_file answered data of 20000000 bytes, more than 10485760"), (notTaken.Outcome, notTaken.Reason));
        Assert.Equal((PictureOutcome.Failed, "get_file failed: 未找到该文件 (retcode 32000)"), (notGiven.Outcome, notGiven.Reason));
        Assert.Empty(_cdn.Requests);
    }

    [Fact]
    public async Task A_platform_that_hands_over_the_bytes_by_file_id_is_read_within_the_same_cap()
    {
        using var code = Pictures.Qr(Pictures.WeChatGroup, 300);
        var png = Pictures.Png(code);
        var media = new Media(new Dictionary<string, byte[]> { ["sdkfile-qr"] = png, ["sdkfile-big"] = new byte[4096] });
        await using var services = Services(new Dictionary<string, string?> { ["GroupGuard:Images:MaxBytes"] = (png.Length + 100).ToString(System.Globalization.CultureInfo.InvariantCulture) }, media: media);
        var reader = services.GetRequiredService<IPictureReader>();

        var read = await reader.ReadAsync(new PictureSource(Protocol.WeComArchive, "wwcorp", new ImageRef("sdkfile-qr", null, "[图片]")), CancellationToken.None);
        var big = await reader.ReadAsync(new PictureSource(Protocol.WeComArchive, "wwcorp", new ImageRef("sdkfile-big", null, "[图片]")), CancellationToken.None);
        var gone = await reader.ReadAsync(new PictureSource(Protocol.WeComArchive, "wwcorp", new ImageRef("sdkfile-gone", null, "[图片]")), CancellationToken.None);

        Assert.Equal(PictureOutcome.Read, read.Outcome);
        Assert.Equal([Pictures.WeChatGroup], read.Codes);
        Assert.Equal("wecom.archive media sdkfile-qr", read.Where);
        Assert.Equal(PictureOutcome.Refused, big.Outcome);
        Assert.Equal(PictureOutcome.Failed, gone.Outcome);
        Assert.Equal([png.Length + 100L, png.Length + 100L, png.Length + 100L], media.Caps);
    }

    [Fact]
    public void The_bridges_hosts_are_allowed_beside_the_cdn_defaults()
    {
        using var services = Services(new Dictionary<string, string?>
        {
            ["GroupGuard:OneBot:ApiBaseUrl"] = "http://192.0.2.7:3000",
            ["GroupGuard:Milky:Connections:0:Url"] = "http://milky.lan:3010/",
            ["GroupGuard:OneBot:Connections:0:Url"] = "ws://127.0.0.1:3001",
        });

        var options = services.GetRequiredService<IOptions<ImagesOptions>>().Value;

        Assert.Equal(
            ["gchat.qpic.cn", "multimedia.nt.qq.com.cn", "c2cpicdw.qpic.cn", "192.0.2.7:3000", "127.0.0.1:3001", "milky.lan:3010"],
            options.EffectiveHosts);
    }

    [Theory]
    [InlineData("GroupGuard:Images:MaxBytes", "10", "GroupGuard:Images:MaxBytes must be between")]
    [InlineData("GroupGuard:Images:TimeoutSeconds", "0", "GroupGuard:Images:TimeoutSeconds must be between 1 and 60")]
    [InlineData("GroupGuard:Images:QueueCapacity", "0", "GroupGuard:Images:QueueCapacity must be between")]
    [InlineData("GroupGuard:Images:MaxPixels", "5", "GroupGuard:Images:MaxPixels must be between")]
    [InlineData("GroupGuard:Images:AllowedHosts:0", "https://gchat.qpic.cn/", "GroupGuard:Images:AllowedHosts:0 'https://gchat.qpic.cn/' must be a host name")]
    [InlineData("GroupGuard:Images:AllowedHosts:0", "cdn.example:99999", "GroupGuard:Images:AllowedHosts:0 'cdn.example:99999' has a port")]
    public void A_wrong_setting_is_named(string key, string value, string message)
    {
        using var services = Services(new Dictionary<string, string?> { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ImagesOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith(message, StringComparison.Ordinal));
    }

    /// <summary>
    /// A picture that could not be fetched was said only at Information. A CDN down fails every
    /// message's pictures alike: the first is now a warning naming the link (never its query) and
    /// why, and the same failure from that host within 10 s is counted into its next line.
    /// </summary>
    [Fact]
    public async Task A_fetch_that_failed_is_a_warning_and_the_same_failure_from_the_host_again_is_counted_into_the_next()
    {
        _cdn.Respond(_ => HttpAnswer.Json("{}", 502));
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new LogCollector();
        await using var services = Services(new Dictionary<string, string?> { ["GroupGuard:Images:AllowedHosts:0"] = "127.0.0.1" }, time: clock, logs: logs);

        var first = await ReadAsync(_cdn.Url("/a.jpg?rkey=SECRET"), services);
        await ReadAsync(_cdn.Url("/b.jpg"), services);
        clock.Advance(LogThrottle.Interval);
        await ReadAsync(_cdn.Url("/c.jpg"), services);

        Assert.Equal((PictureOutcome.Failed, "HTTP 502"), (first.Outcome, first.Reason));
        var lines = logs.Entries.Where(e => e.Message.Contains("could not be fetched", StringComparison.Ordinal)).ToList();
        Assert.All(lines, l => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, l.Level));
        Assert.Collection(
            lines,
            l => Assert.StartsWith("A picture at 127.0.0.1/a.jpg could not be fetched: HTTP 502 (1 fetches from 127.0.0.1 failed", l.Message, StringComparison.Ordinal),
            l => Assert.StartsWith("A picture at 127.0.0.1/c.jpg could not be fetched: HTTP 502 (2 fetches from 127.0.0.1 failed", l.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("SECRET", StringComparison.Ordinal));
    }

    /// <summary>
    /// A bridge whose picture lookup breaks fails every message's pictures alike: one warning for
    /// the first (its transport's own lines are at Debug, so this is the only trace), the same again
    /// within ten seconds counted into the next line, and the picture reads as failed.
    /// </summary>
    [Fact]
    public async Task A_picture_the_platform_could_not_give_is_a_warning_counted_when_the_same_comes_again()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new LogCollector();
        await using var services = Services([], new BrokenLocator(), time: clock, logs: logs);
        var reader = services.GetRequiredService<IPictureReader>();

        var first = await reader.ReadAsync(V12Picture("a1"), CancellationToken.None);
        await reader.ReadAsync(V12Picture("a2"), CancellationToken.None);
        clock.Advance(LogThrottle.Interval);
        await reader.ReadAsync(V12Picture("a3"), CancellationToken.None);

        Assert.NotEqual(PictureOutcome.Read, first.Outcome);
        var lines = logs.Entries.Where(e => e.Message.Contains("could not be had", StringComparison.Ordinal)).ToList();
        Assert.All(lines, l => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, l.Level));
        Assert.Collection(
            lines,
            l => Assert.StartsWith("A picture sent as a file id could not be had from onebot.v12: its pictures go unread (1 alike", l.Message, StringComparison.Ordinal),
            l => Assert.StartsWith("A picture sent as a file id could not be had from onebot.v12: its pictures go unread (2 alike", l.Message, StringComparison.Ordinal));
    }

    /// <summary>An adapter's lookup that breaks (a bug, a bridge's answer it cannot read).</summary>
    private sealed class BrokenLocator : IImageLocator
    {
        public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.OneBotV12];

        public Task<PictureLocation?> LocateAsync(PictureSource source, long maxBytes, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("get_file answered something unreadable");
    }

    [Theory]
    [InlineData("https://gchat.qpic.cn/gchatpic_new/1/0", true)]
    [InlineData("https://GCHAT.QPIC.CN/x", true)]
    [InlineData("https://evilgchat.qpic.cn.example/x", false)]
    [InlineData("https://evilqpic.cn/x", false)]
    [InlineData("https://a.qpic.cn/x", true)]
    [InlineData("https://qpic.cn/x", false)]
    [InlineData("http://127.0.0.1:3000/x", true)]
    [InlineData("http://127.0.0.1:3001/x", false)]
    public void Hosts_are_matched_by_name_subdomain_pattern_and_port(string link, bool allowed) =>
        Assert.Equal(allowed, HostAllowList.Allows(["gchat.qpic.cn", "*.qpic.cn", "127.0.0.1:3000"], new Uri(link)));

    private Task<PictureReading> ReadAsync(string link, ServiceProvider? services = null) =>
        (services ?? _services).GetRequiredService<IPictureReader>().ReadAsync(new PictureSource(Protocol.OneBotV11, "10001", new ImageRef("x.jpg", link, null)), CancellationToken.None);

    private static ServiceProvider Services(Dictionary<string, string?> settings, IImageLocator? locator = null, IImageBytes? media = null, TimeProvider? time = null, LogCollector? logs = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging(logging =>
        {
            if (logs is not null)
            {
                logging.AddProvider(logs);
            }
        });
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        if (locator is not null)
        {
            services.AddSingleton(locator);
        }

        if (media is not null)
        {
            services.AddSingleton(media);
        }

        return services.AddGroupGuardImages(configuration).BuildServiceProvider();
    }

    /// <summary>A platform's media by file id, as WeCom's archive gives them; over the cap is refused as the SDK binding refuses it.</summary>
    private sealed class Media(Dictionary<string, byte[]> files) : IImageBytes
    {
        public List<long> Caps { get; } = [];

        public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.WeComArchive];

        public Task<byte[]?> FetchAsync(Protocol protocol, string botId, string file, long maxBytes, CancellationToken cancellationToken)
        {
            Caps.Add(maxBytes);
            return !files.TryGetValue(file, out var bytes) ? Task.FromResult<byte[]?>(null)
                : bytes.Length > maxBytes ? throw new InvalidDataException($"media {file} is larger than the {maxBytes} bytes allowed")
                : Task.FromResult<byte[]?>(bytes);
        }
    }

    private static PictureSource V12Picture(string fileId) =>
        new(Protocol.OneBotV12, "wxid_bot", new ImageRef(fileId, null, null)) { Platform = "wechat" };

    private static async Task<PictureReading> ReadWithAsync(Locator locator, Dictionary<string, string?> settings)
    {
        await using var services = Services(settings, locator);
        return await services.GetRequiredService<IPictureReader>().ReadAsync(V12Picture("e30f9684"), CancellationToken.None);
    }

    /// <summary>An adapter's API that answers every file id with <paramref name="location"/> (OneBot v11 and v12).</summary>
    private sealed class Locator(PictureLocation location) : IImageLocator
    {
        public List<string> Asked { get; } = [];

        public List<long> Caps { get; } = [];

        public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.OneBotV11, Protocol.OneBotV12];

        public Task<PictureLocation?> LocateAsync(PictureSource source, long maxBytes, CancellationToken cancellationToken)
        {
            Asked.Add(source.Image.File);
            Caps.Add(maxBytes);
            return Task.FromResult<PictureLocation?>(location);
        }
    }
}
