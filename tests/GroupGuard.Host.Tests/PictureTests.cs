using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using GroupGuard.Core;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests;

/// <summary>
/// Pictures end to end: a OneBot v11 message whose image segment points at a loopback fake CDN,
/// read by the picture worker, judged by the rules, acted on through the fake OneBot API.
/// </summary>
public sealed class PictureTests : IAsyncLifetime
{
    internal const string Pack = GroupGuardFactory.RulePack + """

          - id: ads.qr-wechat-group
            detector: qr
            kinds: [wechat_group, wechat_contact]
          - id: ads.qr-payment
            detector: qr
            kinds: [payment]
            action: log
          - id: ads.qr-newcomer-link
            detector: qr
            kinds: [url]
            newcomer_hours: 24
        """;

    private readonly LoopbackHttpServer _cdn = LoopbackHttpServer.Start();
    private readonly Dictionary<string, byte[]> _pictures = new(StringComparer.Ordinal);
    private readonly Recording<ObservedCall> _blockCalls = new();
    private FakeOneBotApi _api = null!;
    private GroupGuardFactory _service = null!;

    public Task InitializeAsync()
    {
        _api = FakeOneBotApi.Start();
        _cdn.Respond(request => request.Path switch
        {
            "/huge.jpg" => HttpAnswer.Binary(new byte[50 * 1024 * 1024], "image/jpeg", chunked: true),
            "/login.html" => new HttpAnswer(200, "<!DOCTYPE html><html><body>请登录</body></html>", "text/html; charset=utf-8"),
            _ => _pictures.TryGetValue(request.Path, out var bytes) ? HttpAnswer.Binary(bytes, "image/jpeg") : new HttpAnswer(404, ""),
        });
        _service = new GroupGuardFactory(
            GroupGuardFactory.OneBotApi(
                _api.BaseUrl,
                ("GroupGuard:OneBot:V12ApiBaseUrl", _api.Url("/v12/")),
                ("GroupGuard:Images:AllowedHosts:0", "127.0.0.1"),
                ("GroupGuard:Images:Workers", "1"), // pictures are judged in the order their messages came

                // Generous: on a loaded machine a cold first fetch from the fake CDN can take seconds,
                // and a fetch that timed out would fail the picture (or name the timeout, not the size).
                ("GroupGuard:Images:TimeoutSeconds", "30")),
            Pack,
            services =>
            {
                // The block list's calls as signals: "the picture worker has kept an incident's pictures".
                var registered = services.Last(d => d.ServiceType == typeof(Core.Images.IImageBlocks));
                services.Remove(registered);
                services.AddSingleton(provider => Observed.Wrap(
                    (Core.Images.IImageBlocks)ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!),
                    _blockCalls));
            });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _api.DisposeAsync();
        await _cdn.DisposeAsync();
    }

    [Fact]
    public async Task A_wechat_group_code_in_a_picture_becomes_an_incident_of_the_qr_rule_and_the_message_is_recalled()
    {
        Serve("/qr/group.jpg", WithCode(Pictures.Photo(900, 700, 1), Pictures.WeChatGroup, 280, 17));
        using var measured = new Health.Measurements(_service.Services);

        await _service.PostV11Async(ImageEvent(-2147001240, "/qr/group.jpg?rkey=TOKEN123"));

        var incident = await _service.SettledAsync(1, i => i.Rule == "ads.qr-wechat-group");
        Assert.Equal(ActionStatus.Done, incident.ActionStatus);
        Assert.Equal(1, measured.Sum("groupguard.incidents", ("category", incident.Category))); // counted as the text's are
        Assert.Equal(ModerationAction.Recall, incident.DecidedAction);
        Assert.Equal("-2147001240", incident.MessageId);
        Assert.Equal(Pictures.WeChatGroup, incident.MatchedTerm);
        Assert.Contains($"进群领资料\n[图片1 127.0.0.1/qr/group.jpg] 二维码(wechat_group): {Pictures.WeChatGroup}", incident.MessageText, StringComparison.Ordinal);
        Assert.DoesNotContain("TOKEN123", incident.MessageText, StringComparison.Ordinal);
        var span = Assert.Single(incident.Spans);
        Assert.Equal(Pictures.WeChatGroup, incident.MessageText.Substring(span.Start, span.Length));
        var recall = Assert.Single(_api.RequestsFor("delete_msg"));
        Assert.Equal(-2147001240, recall.Params["message_id"]!.GetValue<long>());
        Assert.DoesNotContain(_service.Logs.Entries, e => e.Message.Contains("TOKEN123", StringComparison.Ordinal));
    }

    /// <summary>
    /// The service stops while pictures are still being read or wait their turn: the next start
    /// reads them (the journal's checkpoint stays before their messages until they are read). Their
    /// messages' text was moderated and marked done at once, so the stop lost every picture still
    /// queued, without a word: a restart in a raid of QR-code adverts left them in the group.
    /// </summary>
    [Fact]
    public async Task Pictures_still_to_read_when_the_service_stops_are_read_after_the_next_start()
    {
        Serve("/qr/slow.jpg", WithCode(Pictures.Photo(900, 700, 5), Pictures.WeChatGroup, 280, 7));
        Serve("/qr/next.jpg", WithCode(Pictures.Photo(900, 700, 6), Pictures.WeChatGroup, 280, 13));
        var answered = _cdn.Handler;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cdn.Handler = async (request, cancellationToken) =>
        {
            if (request.Path == "/qr/slow.jpg")
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            return await answered(request, cancellationToken);
        };

        using var shared = new TempFolder();
        var settings = GroupGuardFactory.OneBotApi(
            _api.BaseUrl,
            ("GroupGuard:Images:AllowedHosts:0", "127.0.0.1"),
            ("GroupGuard:Images:Workers", "1"),
            ("GroupGuard:Images:TimeoutSeconds", "30"),
            ("GroupGuard:Storage:ConnectionString", $"Data Source={Path.Combine(shared.Path, "groupguard.db")}"),
            ("GroupGuard:Pipeline:InboxPath", Path.Combine(shared.Path, "inbox")));
        await using (var first = new GroupGuardFactory(settings, Pack))
        {
            await first.PostV11Async(ImageEvent(901, "/qr/slow.jpg", text: "看看"));
            await first.PostV11Async(ImageEvent(902, "/qr/next.jpg", text: "看看"));
            await first.Handled.WaitForCountAsync(2, "both messages' text to be moderated");
            await _cdn.WaitForRequestAsync(r => r.Path == "/qr/slow.jpg", "the first picture to be asked for");
            Assert.Empty(await first.IncidentsAsync());
        }

        gate.SetResult();
        await using var second = new GroupGuardFactory(settings, Pack);
        _ = second.CreateClient();

        var slow = await second.SettledAsync(2, i => i.MessageId == "901" && i.Rule == "ads.qr-wechat-group");
        var next = await second.SettledAsync(2, i => i.MessageId == "902" && i.Rule == "ads.qr-wechat-group");
        Assert.Equal(ActionStatus.Done, slow.ActionStatus);
        Assert.Equal(ActionStatus.Done, next.ActionStatus);
        Assert.Equal([901L, 902L], _api.RequestsFor("delete_msg").Select(r => r.Params["message_id"]!.GetValue<long>()).Order());
    }

    /// <summary>
    /// A message whose id the platform reused (OneBot implementations do after a restart) is not
    /// taken for the older message of that id: its picture's advert is recalled, its picture kept
    /// on its own incident. Before, the older message's recall counted as this one's ("asked for
    /// the recall already", the advert stayed up) and the new picture went onto the older incident.
    /// </summary>
    [Fact]
    public async Task A_picture_in_a_message_whose_id_was_used_before_is_judged_as_its_own()
    {
        const long at = 1764150000;
        Serve("/qr/reused.jpg", WithCode(Pictures.Photo(900, 700, 8), Pictures.WeChatGroup, 280, 9));
        await _service.PostV11Async(GroupGuardFactory.GroupEvent(1234, "想要资料的加微信", time: at - 3600));
        var older = await _service.SettledAsync(1, i => i.Rule == "ads.contact");
        Assert.Equal(ActionStatus.Done, older.ActionStatus);

        var body = JsonNode.Parse(ImageEvent(1234, "/qr/reused.jpg", text: "看看"))!.AsObject();
        body["time"] = at;
        await _service.PostV11Async(body.ToJsonString());

        var picture = await _service.SettledAsync(2, i => i.Rule == "ads.qr-wechat-group");
        Assert.Equal(ActionStatus.Done, picture.ActionStatus);
        Assert.Equal(at, picture.Time.ToUnixTimeSeconds());
        Assert.Equal(2, _api.RequestsFor("delete_msg").Count);
        await WaitForPictureOfAsync(picture.Id);
        var blocks = _service.Services.GetRequiredService<Core.Images.IImageBlocks>();
        Assert.Empty(await blocks.PicturesOfAsync(older.Id, CancellationToken.None));
        Assert.NotEmpty(await blocks.PicturesOfAsync(picture.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_message_whose_text_and_picture_both_hit_is_recalled_once_and_the_picture_incident_says_why()
    {
        Serve("/qr/both.jpg", WithCode(Pictures.Photo(900, 700, 3), Pictures.WeChatGroup, 280, 11));

        await _service.PostV11Async(ImageEvent(-2147001250, "/qr/both.jpg", text: "进群领资料 加微信 abc12345"));

        var text = await _service.SettledAsync(1, i => i.Rule == "ads.contact");
        var picture = await IncidentOfRuleAsync("ads.qr-wechat-group");
        Assert.Equal(ActionStatus.Done, text.ActionStatus);
        Assert.Equal(ModerationAction.Recall, picture.DecidedAction);
        Assert.Equal(ActionStatus.Skipped, picture.ActionStatus);
        Assert.Equal("the message's text incidents asked for the recall already", picture.ActionError);
        Assert.Empty(picture.PlannedActions);
        var recall = Assert.Single(_api.RequestsFor("delete_msg"));
        Assert.Equal(-2147001250, recall.Params["message_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_newcomer_rule_on_a_picture_weighs_the_senders_join_time_as_on_text()
    {
        // The sample messages' time; the newcomer joined an hour before it, the other member 30 days before.
        const long at = 1764150000;
        Serve("/qr/link.jpg", WithCode(Pictures.Blank(600, 600), "https://example.com/join/8842", 300, 0));
        _api.Responder = request => request.Action != "get_group_member_info" ? null
            : FakeAnswer.Ok(new JsonObject { ["user_id"] = 20012, ["role"] = "member", ["join_time"] = at - (30 * 86400) });
        var joined = await _service.PostV11Async(new JsonObject
        {
            ["time"] = at - 3600, ["self_id"] = 10001, ["post_type"] = "notice", ["notice_type"] = "group_increase",
            ["sub_type"] = "approve", ["group_id"] = 123456, ["operator_id"] = 30003, ["user_id"] = 20011,
        }.ToJsonString());
        Assert.True(joined.IsSuccessStatusCode);

        await _service.PostV11Async(FromUser(ImageEvent(801, "/qr/link.jpg", text: "看看这个"), 20012));
        await _service.PostV11Async(FromUser(ImageEvent(802, "/qr/link.jpg", text: "看看这个"), 20011));

        var incident = await StoredAsync("802"); // pictures are judged in order: 801's is done
        Assert.Equal("ads.qr-newcomer-link", incident.Rule);
        Assert.Equal("20011", incident.UserId);
        Assert.DoesNotContain(await _service.IncidentsAsync(), i => i.MessageId == "801");
    }

    [Fact]
    public async Task Pictures_without_a_code_make_no_incident_and_a_payment_code_is_only_logged()
    {
        Serve("/plain.jpg", Pictures.Jpeg(Pictures.Photo(800, 600, 2)));
        Serve("/noise.jpg", Pictures.Jpeg(Pictures.Noise(500, 500, 2)));
        Serve("/pay.jpg", WithCode(Pictures.Blank(600, 600), Pictures.Alipay, 300, 0));

        await _service.PostV11Async(ImageEvent(501, "/plain.jpg"));
        await _service.PostV11Async(ImageEvent(502, "/noise.jpg"));
        await _service.PostV11Async(ImageEvent(503, "/pay.jpg"));

        var paid = await StoredAsync("503");
        Assert.Equal("ads.qr-payment", paid.Rule);
        Assert.Equal(ActionStatus.Done, paid.ActionStatus);
        Assert.Equal(ModerationAction.Log, paid.DecidedAction);
        Assert.DoesNotContain(await _service.IncidentsAsync(), i => i.MessageId is "501" or "502");
        Assert.Empty(_api.RequestsFor("delete_msg"));
        var images = await ImagesHealthAsync();
        Assert.Equal(3, images.GetProperty("processed").GetInt64());
        Assert.Equal(0, images.GetProperty("refused").GetInt64());
    }

    [Fact]
    public async Task A_picture_too_crowded_with_decoys_to_search_through_is_counted_and_logged()
    {
        Serve("/decoys.png", Pictures.Png(Pictures.FinderGrid(800, 800)));
        Serve("/qr/next.jpg", WithCode(Pictures.Photo(800, 600, 4), Pictures.WeChatGroup, 280, 0));

        await _service.PostV11Async(ImageEvent(701, "/decoys.png"));
        await _service.PostV11Async(ImageEvent(702, "/qr/next.jpg"));

        // One worker: the decoys were read before the code that follows them.
        Assert.Equal("ads.qr-wechat-group", (await PictureIncidentAsync(2, "702")).Rule);
        var images = await ImagesHealthAsync();
        Assert.Equal(1, images.GetProperty("qr_gave_up").GetInt64());
        Assert.Equal(2, images.GetProperty("processed").GetInt64());
        Assert.Contains(_service.Logs.Entries, e => e.Message.Contains("127.0.0.1/decoys.png", StringComparison.Ordinal) && e.Message.Contains("gave up reading its QR codes", StringComparison.Ordinal));
        Assert.DoesNotContain(await _service.IncidentsAsync(), i => i.MessageId == "701");
    }

    [Fact]
    public async Task A_50_mib_body_a_page_a_bomb_and_a_host_not_allowed_are_refused_and_counted_and_the_service_goes_on()
    {
        Serve("/bomb.png", Pictures.Bomb(60_000, 60_000));
        Serve("/qr/after.jpg", WithCode(Pictures.Noise(700, 700, 3), Pictures.WeChatContact, 300, 90));

        await _service.PostV11Async(ImageEvent(601, "/huge.jpg"));
        await _service.PostV11Async(ImageEvent(602, "/login.html"));
        await _service.PostV11Async(ImageEvent(603, "/bomb.png"));
        await _service.PostV11Async(ImageEvent(604, "/x.jpg", host: "http://gchat.qpic.cn.example"));
        await _service.PostV11Async(ImageEvent(605, "/qr/after.jpg"));

        var after = await PictureIncidentAsync(5, "605");
        Assert.Equal("ads.qr-wechat-group", after.Rule);
        var images = await ImagesHealthAsync();
        Assert.Equal(4, images.GetProperty("refused").GetInt64());
        Assert.Equal(1, images.GetProperty("processed").GetInt64());
        Assert.Equal(0, images.GetProperty("queued").GetInt64());
        Assert.DoesNotContain(await _service.IncidentsAsync(), i => i.MessageId is "601" or "602" or "603" or "604");
        Assert.Contains(_service.Logs.Entries, e => e.Message.Contains("more than 10485760 bytes", StringComparison.Ordinal));
        Assert.Contains(_service.Logs.Entries, e => e.Message.Contains("not a picture (text/html)", StringComparison.Ordinal));
        Assert.Contains(_service.Logs.Entries, e => e.Message.Contains("60000×60000 is more than 40000000 pixels", StringComparison.Ordinal));
        Assert.DoesNotContain(_cdn.Requests, r => r.Path == "/x.jpg");

        // Text moderation went on all the while.
        await _service.PostV11Async(GroupGuardFactory.GroupEvent(606, "想要资料的加微信"));
        Assert.Contains(await _service.IncidentsAfterAsync(6), i => i.MessageId == "606" && i.Rule == "ads.contact");
    }

    [Fact]
    public async Task A_blocked_picture_is_flagged_when_a_resized_copy_comes_in_any_group()
    {
        using var original = Pictures.Photo(1000, 750, 9);
        Serve("/ad.jpg", Pictures.Jpeg(original, 90));
        using var half = Pictures.Resize(original, 500, 375);
        Serve("/ad-small.jpg", Pictures.Jpeg(half, 60));
        Serve("/other.jpg", Pictures.Jpeg(Pictures.Photo(1000, 750, 10), 90));

        // A text hit with the picture: its incident keeps the picture's hash.
        await _service.PostV11Async(ImageEvent(701, "/ad.jpg", text: "想要资料的加微信"));
        var first = await _service.SettledAsync(1, i => i.MessageId == "701");
        await WaitForPictureOfAsync(first.Id);

        var blocked = await GroupGuardProcess.RunAsync(_service.Folder, StartupAndHealthTests.Environment(_service), TimeSpan.FromSeconds(60),
            "images", "block", first.Id.ToString(CultureInfo.InvariantCulture), "--note", "招生广告图");
        Assert.Equal(0, blocked.ExitCode);
        Assert.Contains($"picture 1 of incident {first.Id} (127.0.0.1/ad.jpg)", blocked.Output, StringComparison.Ordinal);

        await _service.PostV11Async(ImageEvent(702, "/other.jpg", groupId: 654321));
        await _service.PostV11Async(ImageEvent(703, "/ad-small.jpg", groupId: 654321));

        var copy = await PictureIncidentAsync(3, "703");
        Assert.Equal("images.blocked", copy.Rule);
        Assert.Equal("654321", copy.GroupId);
        Assert.Equal(ActionStatus.Done, copy.ActionStatus);
        Assert.Contains("与屏蔽图片 #1 相近", copy.MessageText, StringComparison.Ordinal);
        Assert.DoesNotContain(await _service.IncidentsAsync(), i => i.MessageId == "702");
        Assert.Contains(_api.RequestsFor("delete_msg"), r => r.Params["message_id"]!.GetValue<long>() == 703);

        var listed = await GroupGuardProcess.RunAsync(_service.Folder, StartupAndHealthTests.Environment(_service), TimeSpan.FromSeconds(60), "images", "list");
        Assert.Contains($"#1  ", listed.Output, StringComparison.Ordinal);
        Assert.Contains($"incident {first.Id}", listed.Output, StringComparison.Ordinal);
        Assert.Contains("招生广告图", listed.Output, StringComparison.Ordinal);

        // The block list's action edited while the service runs (too many recalls): the next copy
        // is only logged. It was read once at start, so copies went on being recalled until a restart.
        var configuration = (Microsoft.Extensions.Configuration.IConfigurationRoot)_service.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        configuration["GroupGuard:Images:BlockedAction"] = "log";
        configuration.Reload();
        await _service.PostV11Async(ImageEvent(705, "/ad-small.jpg", groupId: 654321));
        var logged = await StoredAsync("705");
        Assert.Equal("images.blocked", logged.Rule);
        Assert.Equal(ModerationAction.Log, logged.DecidedAction);
        Assert.DoesNotContain(_api.RequestsFor("delete_msg"), r => r.Params["message_id"]!.GetValue<long>() == 705);

        // Unblocked, the same copy passes; the number is gone.
        var unblocked = await GroupGuardProcess.RunAsync(_service.Folder, StartupAndHealthTests.Environment(_service), TimeSpan.FromSeconds(60), "images", "unblock", "1");
        var again = await GroupGuardProcess.RunAsync(_service.Folder, StartupAndHealthTests.Environment(_service), TimeSpan.FromSeconds(60), "images", "unblock", "1");
        Assert.Equal(0, unblocked.ExitCode);
        Assert.Contains("unblocked #1", unblocked.Output, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("there is no blocked picture #1", again.Error, StringComparison.Ordinal);
        Serve("/qr/after-unblock.jpg", WithCode(Pictures.Blank(600, 600), Pictures.WeChatGroup, 300, 0));
        await _service.PostV11Async(ImageEvent(704, "/ad-small.jpg", groupId: 654321));
        await _service.PostV11Async(ImageEvent(705, "/qr/after-unblock.jpg", groupId: 654321));
        await StoredAsync("705"); // pictures are judged in order: 704's is done
        Assert.DoesNotContain(await _service.IncidentsAsync(), i => i.MessageId == "704");
        var listedAfter = await GroupGuardProcess.RunAsync(_service.Folder, StartupAndHealthTests.Environment(_service), TimeSpan.FromSeconds(60), "images", "list");
        Assert.Contains("no picture is blocked", listedAfter.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_picture_sent_as_a_file_id_is_fetched_from_the_link_get_image_gives()
    {
        Serve("/located.jpg", WithCode(Pictures.Blank(500, 500), Pictures.WeChatGroup, 300, 0));
        _api.Script("get_image", FakeAnswer.Ok(new JsonObject { ["file"] = "/root/.config/QQ/nt_data/Pic/x.jpg", ["url"] = _cdn.Url("/located.jpg") }));

        await _service.PostV11Async(ImageEvent(801, null));

        var incident = await PictureIncidentAsync(1, "801");
        Assert.Equal("ads.qr-wechat-group", incident.Rule);
        var asked = Assert.Single(_api.RequestsFor("get_image"));
        Assert.Equal("5E3A6F0C1B2D4E8F9A7B6C5D4E3F2A1B.jpg", asked.Params["file"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("url")]
    [InlineData("data")]
    public async Task A_wechat_picture_sent_as_a_file_id_is_had_from_get_file_and_its_group_code_becomes_an_incident(string answer)
    {
        // ComWeChat's picture message: a file id, no link. It serves the file at http://{host}:{port}/get_file/{id}
        // when asked for a url; an implementation that cannot (10004) is asked for the data.
        const string fileId = "e30f9684-3d54-4f65-b2da-db291a477f16";
        var picture = WithCode(Pictures.Photo(900, 700, 4), Pictures.WeChatGroup, 280, 9);
        Serve("/get_file/" + fileId, picture);
        if (answer == "url")
        {
            _api.Script("get_file", FakeAnswer.Ok(new JsonObject { ["name"] = "a2f7c3d9e1b84f60.jpg", ["url"] = _cdn.Url("/get_file/" + fileId) }));
        }
        else
        {
            _api.Script(
                "get_file",
                FakeAnswer.Failed(10004, message: "Unsupported Param"),
                FakeAnswer.Ok(new JsonObject { ["name"] = "a2f7c3d9e1b84f60.jpg", ["data"] = Convert.ToBase64String(picture) }));
        }

        var body = JsonNode.Parse(GroupGuardFactory.Sample("comwechat-group-image.json"))!.AsObject();
        body["time"] = 1764150000; // the webhook clock's day
        Assert.Equal(HttpStatusCode.NoContent, (await _service.PostV12Async(body.ToJsonString())).StatusCode);

        var incident = await StoredAsync("5019283746501928374");
        Assert.Equal("ads.qr-wechat-group", incident.Rule);
        Assert.Equal(Protocol.OneBotV12, incident.Protocol);
        Assert.Equal(ModerationAction.Recall, incident.DecidedAction);
        Assert.Equal(Pictures.WeChatGroup, incident.MatchedTerm);
        var where = answer == "url" ? "127.0.0.1/get_file/" + fileId : "onebot.v12 file " + fileId;
        Assert.Contains($"[图片1 {where}] 二维码(wechat_group): {Pictures.WeChatGroup}", incident.MessageText, StringComparison.Ordinal);
        var asked = _api.RequestsFor("get_file");
        Assert.Equal(answer == "url" ? ["url"] : ["url", "data"], asked.Select(r => (string?)r.Params["type"]));
        Assert.All(asked, r =>
        {
            Assert.Equal("/v12/", r.Path);
            Assert.Equal(fileId, (string?)r.Params["file_id"]);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"platform":"wechat","user_id":"wxid_q8n3m2k1j0h9g8"}"""), r.Body!["self"]));
        });
        Assert.Equal(answer == "url" ? 1 : 0, _cdn.Requests.Count(r => r.Path == "/get_file/" + fileId));
    }

    /// <summary>
    /// A QR-code advert sent inside a forwarded chat (合并转发), a common way to hide it: the inner
    /// message's picture is read after the outer message's own, as its picture, and the outer
    /// message is recalled; the incident quotes the inner message as a forwarded text hit does. The
    /// bundle's pictures were parsed and dropped: the CDN was never asked for it.
    /// </summary>
    [Fact]
    public async Task A_qr_code_in_a_forwarded_chat_carried_inline_is_read_as_the_outer_messages_picture_and_recalled()
    {
        Serve("/own.jpg", Pictures.Jpeg(Pictures.Photo(800, 600, 2)));
        Serve("/qr/forwarded.jpg", WithCode(Pictures.Photo(900, 700, 4), Pictures.WeChatGroup, 280, 17));
        var body = JsonNode.Parse(GroupGuardFactory.Sample("napcat-group-forward-image.json"))!.AsObject();
        PointPicturesAt(body["message"]!, _cdn.Url("/qr/forwarded.jpg?rkey=TOKEN456"));
        body["message"]!.AsArray().Insert(0, new JsonObject { ["type"] = "image", ["data"] = new JsonObject { ["file"] = "own.jpg", ["url"] = _cdn.Url("/own.jpg") } });

        await _service.PostV11Async(body.ToJsonString());

        var incident = await _service.SettledAsync(1, i => i.Rule == "ads.qr-wechat-group");
        Assert.Equal(ActionStatus.Done, incident.ActionStatus);
        Assert.Equal(("-2147001310", "20002"), (incident.MessageId, incident.UserId));
        Assert.Equal((1, "三班-资料分享君"), (incident.ForwardDepth, incident.ForwardedFrom));
        Assert.Equal($"扫码进群领资料\n[图片2 127.0.0.1/qr/forwarded.jpg] 二维码(wechat_group): {Pictures.WeChatGroup}", incident.MessageText);
        var span = Assert.Single(incident.Spans);
        Assert.Equal(Pictures.WeChatGroup, incident.MessageText.Substring(span.Start, span.Length));
        Assert.Equal(-2147001310, Assert.Single(_api.RequestsFor("delete_msg")).Params["message_id"]!.GetValue<long>());
        Assert.Equal(["/own.jpg", "/qr/forwarded.jpg"], _cdn.Requests.Select(r => r.Path));
        Assert.Empty(_api.RequestsFor("get_forward_msg"));
    }

    /// <summary>
    /// A bundle known by its id is opened once, by the text path (get_forward_msg), and the pictures
    /// it holds, a bundle inside it included, are handed on to be read as the outer message's.
    /// </summary>
    [Fact]
    public async Task A_qr_code_in_a_bundle_nested_in_one_opened_by_id_is_read_and_the_outer_message_recalled()
    {
        Serve("/qr/nested.jpg", WithCode(Pictures.Photo(900, 700, 6), Pictures.WeChatGroup, 280, 0));
        var answer = JsonNode.Parse(GroupGuardFactory.Sample("napcat-answer-forward-msg-image.json"))!;
        PointPicturesAt(answer, _cdn.Url("/qr/nested.jpg"));
        _api.Script("get_forward_msg", new FakeAnswer(200, answer.ToJsonString()));

        await _service.PostV11Async(GroupGuardFactory.Sample("napcat-group-forward.json"));

        var incident = await _service.SettledAsync(1, i => i.Rule == "ads.qr-wechat-group");
        Assert.Equal(ActionStatus.Done, incident.ActionStatus);
        Assert.Equal(("-2147001300", 2, "推广员"), (incident.MessageId, incident.ForwardDepth, incident.ForwardedFrom));
        Assert.Equal($"扫码进群\n[图片1 127.0.0.1/qr/nested.jpg] 二维码(wechat_group): {Pictures.WeChatGroup}", incident.MessageText);
        Assert.Equal(-2147001300, Assert.Single(_api.RequestsFor("delete_msg")).Params["message_id"]!.GetValue<long>());
        Assert.Single(_api.RequestsFor("get_forward_msg"));
        Assert.Single(_cdn.Requests, r => r.Path == "/qr/nested.jpg");
    }

    private void Serve(string path, byte[] bytes) => _pictures[path] = bytes;

    /// <summary>Points every <c>image</c> segment under <paramref name="node"/> (inner messages and bundles included) at <paramref name="url"/>.</summary>
    private static void PointPicturesAt(JsonNode node, string url)
    {
        switch (node)
        {
            case JsonObject segment when (string?)segment["type"] == "image" && segment["data"] is JsonObject data:
                data["url"] = url;
                break;
            case JsonObject obj:
                foreach (var (_, value) in obj.ToList())
                {
                    if (value is not null)
                    {
                        PointPicturesAt(value, url);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        PointPicturesAt(item, url);
                    }
                }

                break;
        }
    }

    private static byte[] WithCode(SkiaSharp.SKBitmap background, string payload, int size, float degrees)
    {
        using (background)
        using (var code = Pictures.Qr(payload, size))
        {
            return Pictures.Jpeg(Pictures.Place(background, code, background.Width / 2f, background.Height / 2f, degrees), 85);
        }
    }

    /// <summary>The sample NapCat message with its picture's link on the fake CDN (no link: a file id alone).</summary>
    private string ImageEvent(long messageId, string? path, string text = "进群领资料", long groupId = 123456, string? host = null) =>
        ImageEvent(path is null ? null : (host ?? _cdn.BaseUrl) + path, messageId, text, groupId);

    /// <summary>The sample NapCat message with a picture at <paramref name="url"/> (null: a file id alone) and <paramref name="text"/>.</summary>
    internal static string ImageEvent(string? url, long messageId, string text, long groupId = 123456)
    {
        var body = JsonNode.Parse(GroupGuardFactory.Sample("napcat-group-image.json"))!.AsObject();
        body["message_id"] = messageId;
        body["real_seq"] = messageId.ToString(System.Globalization.CultureInfo.InvariantCulture); // each message its own number in the group, as from a bridge
        body["group_id"] = groupId;
        var segments = body["message"]!.AsArray();
        var image = segments[0]!["data"]!.AsObject();
        if (url is null)
        {
            image.Remove("url");
        }
        else
        {
            image["url"] = url;
        }

        segments[1]!["data"]!["text"] = text;
        return body.ToJsonString();
    }

    /// <summary>A message event sent by <paramref name="userId"/> instead of the sample's sender.</summary>
    private static string FromUser(string body, long userId)
    {
        var node = JsonNode.Parse(body)!.AsObject();
        node["user_id"] = userId;
        node["sender"]!["user_id"] = userId;
        return node.ToJsonString();
    }

    /// <summary>The incident of message <paramref name="messageId"/> once its action is settled, after <paramref name="messages"/> messages.</summary>
    private Task<Incident> PictureIncidentAsync(int messages, string messageId) =>
        _service.SettledAsync(messages, i => i.MessageId == messageId);

    /// <summary>The first incident of message <paramref name="messageId"/> once stored (a logged hit has no action to wait for).</summary>
    private Task<Incident> StoredAsync(string messageId) =>
        StoredAsync(i => i.MessageId == messageId, $"incidents of message {messageId} to be stored");

    /// <summary>The incident of <paramref name="rule"/> once stored, whatever its status (one skipped at once is never updated).</summary>
    private Task<Incident> IncidentOfRuleAsync(string rule) =>
        StoredAsync(i => i.Rule == rule, $"an incident of {rule} to be stored");

    private async Task<Incident> StoredAsync(Func<Incident, bool> which, string what)
    {
        while (true)
        {
            // Counted before reading, so a write between the read and the wait is not missed.
            var writes = _service.StoreCalls.Items.Count(c => c.Method == nameof(IIncidentStore.AddAsync));
            if ((await _service.IncidentsAsync()).FirstOrDefault(which) is { } incident)
            {
                return incident;
            }

            await _service.StoreCalls.WaitUntilAsync(calls => calls.Count(c => c.Method == nameof(IIncidentStore.AddAsync)) > writes, what);
        }
    }

    private Task WaitForPictureOfAsync(long incidentId) =>
        _blockCalls.WaitUntilAsync(
            calls => calls.Any(c => c.Method == nameof(Core.Images.IImageBlocks.AddPicturesAsync)),
            $"the picture worker to keep the pictures of incident {incidentId}");

    private async Task<JsonElement> ImagesHealthAsync()
    {
        var response = await _service.CreateClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("images").Clone();
    }
}
