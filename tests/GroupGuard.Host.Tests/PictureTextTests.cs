using System.Net;
using System.Text.Json;
using GroupGuard.Core;

namespace GroupGuard.Host.Tests;

/// <summary>
/// The text in pictures end to end (<c>GroupGuard:Images:Ocr=tesseract</c>): a OneBot v11 message
/// whose picture is on a loopback fake CDN, its text read by Debian's tesseract (installed by
/// .ci/run: these fail without it) or by a fake one, judged by the rules as typed text is.
/// </summary>
public sealed class PictureTextTests : IAsyncLifetime
{
    private readonly LoopbackHttpServer _cdn = LoopbackHttpServer.Start();
    private readonly Dictionary<string, byte[]> _pictures = new(StringComparer.Ordinal);
    private FakeOneBotApi _api = null!;

    public Task InitializeAsync()
    {
        _api = FakeOneBotApi.Start();
        _cdn.Respond(request => _pictures.TryGetValue(request.Path, out var bytes) ? HttpAnswer.Binary(bytes, "image/jpeg") : new HttpAnswer(404, ""));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _cdn.DisposeAsync();
    }

    [Fact]
    public async Task The_words_of_an_advert_picture_make_an_incident_of_the_rule_they_match_and_a_photo_makes_none()
    {
        using (var advert = Pictures.Advert())
        {
            _pictures["/ad.jpg"] = Pictures.Jpeg(advert, 85);
        }

        _pictures["/photo.jpg"] = Pictures.Jpeg(Pictures.Photo(800, 600, 2), 85);
        await using var service = Service(("Ocr", "tesseract"));

        await service.PostV11Async(PictureTests.ImageEvent(_cdn.Url("/photo.jpg"), 901, "周末去爬山"));
        await service.PostV11Async(PictureTests.ImageEvent(_cdn.Url("/ad.jpg?rkey=TOKEN123"), 902, "看看这个"));

        var incident = await service.SettledAsync(2, i => i.MessageId == "902");
        Assert.Equal("ads.contact", incident.Rule);
        Assert.Equal("加微信", incident.MatchedTerm);
        Assert.Equal(ActionStatus.Done, incident.ActionStatus);
        Assert.StartsWith("看看这个\n[图片1 127.0.0.1/ad.jpg] 图中文字: ", incident.MessageText, StringComparison.Ordinal);
        Assert.Contains("abc12345", incident.MessageText, StringComparison.Ordinal);
        var span = Assert.Single(incident.Spans);
        Assert.Equal("加微信", incident.MessageText.Substring(span.Start, span.Length));
        Assert.Contains(_api.RequestsFor("delete_msg"), r => r.Params["message_id"]!.GetValue<long>() == 902);
        Assert.DoesNotContain(await service.IncidentsAsync(), i => i.MessageId == "901");
        var images = await ImagesHealthAsync(service);
        Assert.Equal((2, 0, 0), (images.GetProperty("ocr_runs").GetInt64(), images.GetProperty("ocr_failed").GetInt64(), images.GetProperty("ocr_timeouts").GetInt64()));
        Assert.DoesNotContain(service.Logs.Entries, e => e.Message.Contains("abc12345", StringComparison.Ordinal) || e.Message.Contains("TOKEN123", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Text_read_off_a_picture_meets_the_rules_but_never_fires_the_qr_rule()
    {
        _pictures["/poster.jpg"] = Pictures.Jpeg(Pictures.Photo(600, 400, 3));
        _pictures["/code.jpg"] = WithCode(Pictures.WeChatGroup);
        using var tesseract = FakeTesseract.Answering($"扫 码 进 群\n{Pictures.WeChatGroup}\n详 情 http://evil.xyz/a\n");
        await using var service = Service(("Ocr", "tesseract"), ("TesseractPath", tesseract.Path));

        await service.PostV11Async(PictureTests.ImageEvent(_cdn.Url("/poster.jpg"), 911, "海报"));
        await service.PostV11Async(PictureTests.ImageEvent(_cdn.Url("/code.jpg"), 912, "二维码"));

        // The second message's code fires the qr rule: by then the first message's pictures are judged.
        var code = await service.SettledAsync(2, i => i.MessageId == "912" && i.Rule == "ads.qr-wechat-group");
        Assert.Contains($"\n[图片1 127.0.0.1/code.jpg] 二维码(wechat_group): {Pictures.WeChatGroup}", code.MessageText, StringComparison.Ordinal);
        var poster = Assert.Single(await service.IncidentsAsync(), i => i.MessageId == "911");
        Assert.Equal("ads.site", poster.Rule);
        Assert.Equal($"海报\n[图片1 127.0.0.1/poster.jpg] 图中文字: 扫码进群 {Pictures.WeChatGroup} 详情 http://evil.xyz/a", poster.MessageText);
        var span = Assert.Single(poster.Spans);
        Assert.Equal("http://evil.xyz", poster.MessageText.Substring(span.Start, span.Length));
    }

    [Fact]
    public async Task A_hung_tesseract_is_killed_counted_and_the_picture_is_still_judged_by_its_code()
    {
        _pictures["/code.jpg"] = WithCode(Pictures.WeChatGroup);
        using var tesseract = FakeTesseract.Hanging();
        // Short, as the test waits it out, but long enough for the fake (a shell script) to start
        // its child on a loaded machine, so the kill has both to kill.
        await using var service = Service(("Ocr", "tesseract"), ("TesseractPath", tesseract.Path), ("OcrTimeoutSeconds", "5"));

        await service.PostV11Async(PictureTests.ImageEvent(_cdn.Url("/code.jpg"), 921, "进群"));

        var incident = await service.SettledAsync(1, i => i.MessageId == "921");
        Assert.Equal("ads.qr-wechat-group", incident.Rule);
        Assert.DoesNotContain("图中文字", incident.MessageText, StringComparison.Ordinal);
        Assert.All(tesseract.Processes, pid => Assert.True(FakeTesseract.IsGone(pid), $"process {pid} is still running"));
        var images = await ImagesHealthAsync(service);
        Assert.Equal((1, 0, 1), (images.GetProperty("ocr_runs").GetInt64(), images.GetProperty("ocr_failed").GetInt64(), images.GetProperty("ocr_timeouts").GetInt64()));

        // Text moderation goes on.
        await service.PostV11Async(GroupGuardFactory.GroupEvent(922, "想要资料的加微信"));
        Assert.Contains(await service.IncidentsAfterAsync(2), i => i.MessageId == "922" && i.Rule == "ads.contact");
    }

    private GroupGuardFactory Service(params (string Key, string Value)[] images)
    {
        var settings = GroupGuardFactory.OneBotApi(
            _api.BaseUrl,
            ("GroupGuard:Images:AllowedHosts:0", "127.0.0.1"),
            ("GroupGuard:Images:Workers", "1"), // pictures are judged in the order their messages came

            // Generous, unless a test sets its own: on a loaded machine a cold first fetch can take
            // seconds, and tesseract (one thread, chi_sim) more than its default 10 s on a screenshot,
            // which would judge the advert without its text.
            ("GroupGuard:Images:TimeoutSeconds", "30"),
            ("GroupGuard:Images:OcrTimeoutSeconds", "120"));
        foreach (var (key, value) in images)
        {
            settings[$"GroupGuard:Images:{key}"] = value;
        }

        return new GroupGuardFactory(settings, PictureTests.Pack);
    }

    private static byte[] WithCode(string payload)
    {
        using var background = Pictures.Blank(600, 600);
        using var code = Pictures.Qr(payload, 300);
        return Pictures.Jpeg(Pictures.Place(background, code, 300, 300), 90);
    }

    private static async Task<JsonElement> ImagesHealthAsync(GroupGuardFactory service)
    {
        var response = await service.CreateClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("images").Clone();
    }
}
