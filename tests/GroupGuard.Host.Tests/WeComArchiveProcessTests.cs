using System.Globalization;
using System.Text.Json;
using GroupGuard.Host.Pipeline;

namespace GroupGuard.Host.Tests;

/// <summary>One build of the fake WeCom SDK for the archive's process tests.</summary>
[CollectionDefinition(Name)]
public sealed class WeComSdkCollection : ICollectionFixture<FakeSdkLibraries>
{
    public const string Name = "fake WeCom chat archive SDK (host)";
}

/// <summary>
/// The executable pulling a WeCom chat archive through the fake SDK (a real shared library built
/// with gcc, the real P/Invoke, paging, key versions and decryption): group messages become
/// incidents on platform <c>wecom</c>; a kill -9 and a restart neither lose nor repeat a message;
/// a record of an unknown key version is skipped and reported; a broken SDK stops the start.
/// </summary>
[Collection(WeComSdkCollection.Name)]
public sealed class WeComArchiveProcessTests(FakeSdkLibraries libraries) : IAsyncDisposable
{
    // WeCom's API for group names, on loopback: tests reach nothing else.
    private readonly LoopbackHttpServer _wecomApi = StartWeComApi();

    private const string ArchiveSecret = "archive-secret-value-2026";
    private const string Room = "wrOgQhDgAAcwMTB7YmDkbeBsgT_AAA";

    private static string Message(long seq, string room, string text) =>
        JsonSerializer.Serialize(new
        {
            msgid = "msg" + seq.ToString(CultureInfo.InvariantCulture),
            action = "send",
            from = "zhangsan" + seq.ToString(CultureInfo.InvariantCulture),
            tolist = Array.Empty<string>(),
            roomid = room,
            msgtime = DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds() + seq,
            msgtype = "text",
            text = new { content = text },
        });

    private Dictionary<string, string> Environment(GroupGuardFactory service, FakeArchive archive)
    {
        var key = archive.Write("archive-v1.pem", TestKeys.First.ExportRSAPrivateKeyPem());
        var environment = StartupAndHealthTests.Environment(service);
        environment["GroupGuard__WeCom__Archive__CorpId"] = archive.CorpId;
        environment["GroupGuard__WeCom__Archive__Secret"] = ArchiveSecret;
        environment["GroupGuard__WeCom__Archive__SdkPath"] = libraries.Fake;
        environment["GroupGuard__WeCom__Archive__PrivateKeys__1"] = key;
        environment["GroupGuard__WeCom__Archive__PollSeconds"] = "1";
        environment["GroupGuard__WeCom__Archive__BatchSize"] = "2";
        environment["GroupGuard__WeCom__Archive__ApiBaseUrl"] = _wecomApi.BaseUrl;
        return environment;
    }

    private static LoopbackHttpServer StartWeComApi()
    {
        var api = LoopbackHttpServer.Start();
        api.Respond(request => request.Path switch
        {
            "/cgi-bin/gettoken" => HttpAnswer.Json("""{"errcode":0,"errmsg":"ok","access_token":"fake-token","expires_in":7200}"""),
            "/cgi-bin/msgaudit/groupchat/get" when request.Json.GetProperty("roomid").GetString() == Room => HttpAnswer.Json("""{"errcode":0,"errmsg":"ok","roomname":"项目协调群"}"""),
            _ => HttpAnswer.Json("""{"errcode":0,"errmsg":"ok"}"""),
        });
        return api;
    }

    public ValueTask DisposeAsync() => _wecomApi.DisposeAsync();

    private static Task<GroupGuardProcess.Health> PulledAsync(HttpClient http, System.Diagnostics.Process process, long seq, int processed) =>
        GroupGuardProcess.HealthAsync(
            http,
            process,
            h => h.Body.GetProperty("pulled_sources").EnumerateArray().Any(s => s.GetProperty("cursor").ValueKind == JsonValueKind.Number && s.GetProperty("cursor").GetInt64() >= seq)
                && h.Body.GetProperty("pipeline").GetProperty("processed").GetInt64() >= processed,
            $"the archive pulled to seq {seq} and {processed} messages moderated");

    /// <summary>Until the inbox journal's saved checkpoint covers every line written to it (a minute at most).</summary>
    private static async Task JournalCheckpointedAsync(string folder)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (Directory.GetFiles(folder, "checkpoint", SearchOption.AllDirectories) is [var checkpoint]
                && InboxJournal.ReplaysNothing(Path.GetDirectoryName(checkpoint)!))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The inbox journal's checkpoint did not catch up with what was written within a minute");
    }

    [Fact]
    public async Task Archived_group_messages_become_wecom_incidents_and_a_kill_9_neither_loses_nor_repeats_one()
    {
        using var service = new GroupGuardFactory();
        using var archive = new FakeArchive();
        archive.AddRecord(1, 1, Message(1, Room, "新人进群请先看群公告"), TestKeys.First);
        archive.AddRecord(2, 1, Message(2, Room, "加微信 abc888 领取内部资料"), TestKeys.First);
        archive.AddRecord(3, 9, Message(3, Room, "加微信 这条的钥匙版本没人有"), TestKeys.First);
        archive.AddRecord(4, 1, Message(4, "", "加微信 私聊不在群里"), TestKeys.First);
        archive.AddRecord(5, 1, Message(5, "wrSecondRoom", "私聊领取优惠券"), TestKeys.First);
        var environment = Environment(service, archive);
        using var http = new HttpClient { BaseAddress = new Uri(environment["ASPNETCORE_URLS"]) };

        // First run: three group messages of five records; then killed without warning.
        using (var first = GroupGuardProcess.Start(service.Folder, environment))
        {
            var output = first.StandardError.ReadToEndAsync();
            try
            {
                var health = await PulledAsync(http, first, 5, 3);
                var source = health.Body.GetProperty("pulled_sources")[0];
                Assert.Equal(1, source.GetProperty("undecryptable").GetInt64());
                Assert.Equal([3L], source.GetProperty("undecryptable_seqs").EnumerateArray().Select(e => e.GetInt64()));
                Assert.Contains("publickey_ver 9", source.GetProperty("last_error").GetString(), StringComparison.Ordinal);
                Assert.Contains(health.Body.GetProperty("connections").EnumerateArray(), c => c.GetProperty("protocol").GetString() == "wecom.archive" && c.GetProperty("state").GetString() == "connected");

                // Moderated is counted before the checkpoint that says so is on disk; a kill in
                // between replays those messages (harmlessly: nothing is stored twice), which is
                // not what the second run below checks.
                await JournalCheckpointedAsync(service.Folder);
            }
            finally
            {
                first.Kill(entireProcessTree: true); // kill -9
                await first.WaitForExitAsync();
            }

            var log = await output;
            Assert.DoesNotContain(ArchiveSecret, log, StringComparison.Ordinal);
            Assert.DoesNotContain("这条的钥匙版本没人有", log, StringComparison.Ordinal);
        }

        // More arrives while it is down; the second run takes only what is new.
        archive.AddRecord(6, 1, Message(6, Room, "加微信 第二轮"), TestKeys.First);
        archive.AddRecord(7, 1, Message(7, Room, "大家周末愉快"), TestKeys.First);
        using (var second = GroupGuardProcess.Start(service.Folder, environment))
        {
            try
            {
                var health = await PulledAsync(http, second, 7, 2);
                Assert.Equal(2, health.Body.GetProperty("pipeline").GetProperty("processed").GetInt64());
            }
            finally
            {
                second.Kill(entireProcessTree: true);
                await second.WaitForExitAsync();
            }
        }

        var export = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60), "incidents", "export");

        Assert.Equal(0, export.ExitCode);
        var rows = export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        // Each advert once (msg3's key version is unknown, msg4 is a one-to-one chat): none lost, none twice.
        Assert.Equal(["msg2", "msg5", "msg6"], rows.Select(r => r.GetProperty("message_id").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal("wecom", r.GetProperty("platform").GetString()));
        Assert.All(rows, r => Assert.Equal("unsupported", r.GetProperty("action_status").GetString()));
        Assert.Contains(rows, r => r.GetProperty("group_id").GetString() == "wrSecondRoom");
        Assert.Contains(rows, r => r.GetProperty("group_id").GetString() == Room && r.GetProperty("group_name").GetString() == "项目协调群");
        Assert.Equal("archive-secret-value-2026", _wecomApi.Requests.First(r => r.Path == "/cgi-bin/gettoken").RawQuery("corpsecret"));
    }

    [Fact]
    public async Task High_incidents_in_an_archived_group_reach_the_office_robot_at_once_as_one_alert()
    {
        await using var robot = LoopbackHttpServer.Start();
        robot.Respond(_ => HttpAnswer.Json("""{"errcode":0,"errmsg":"ok"}"""));
        using var service = new GroupGuardFactory();
        using var archive = new FakeArchive();
        archive.AddRecord(1, 1, Message(1, Room, "抽奖网站 https://win.xyz 快来"), TestKeys.First);
        archive.AddRecord(2, 1, Message(2, Room, "加微信 了解一下"), TestKeys.First); // medium: the digest's business
        archive.AddRecord(3, 1, Message(3, Room, "再发一次 https://lucky.xyz"), TestKeys.First);
        archive.AddRecord(4, 1, Message(4, "wrSecondRoom", "https://bonus.xyz 注册就送"), TestKeys.First);
        var environment = Environment(service, archive);
        environment["GroupGuard__Channels__office-robot__Type"] = "wecom";
        environment["GroupGuard__Channels__office-robot__Url"] = robot.Url("/cgi-bin/webhook/send?key=archive-alert-key");
        environment["GroupGuard__Alerts__0__Name"] = "office";
        environment["GroupGuard__Alerts__0__Groups__0"] = "*";
        environment["GroupGuard__Alerts__0__Channels__0"] = "office-robot";
        // The window opens at the first high incident's detection and must still be open when the
        // last of the three is detected: pulling, decrypting, naming the groups and moderating them
        // in a process just started can take seconds on a loaded machine, and a window that closed
        // in between (it was 5 s) sent two alerts. So it lasts up to a minute, and ends sooner only
        // after 15 s with no further incident (the test waits that pause out).
        environment["GroupGuard__Alerts__0__CoalesceSeconds"] = "60";
        environment["GroupGuard__Alerts__0__QuietSeconds"] = "15";
        using var http = new HttpClient { BaseAddress = new Uri(environment["ASPNETCORE_URLS"]) };

        using var process = GroupGuardProcess.Start(service.Folder, environment);
        try
        {
            await PulledAsync(http, process, 4, 4);
            await GroupGuardProcess.HealthAsync(
                http,
                process,
                h => h.Body.GetProperty("alerts").EnumerateArray().Any(a => a.GetProperty("status").GetString() == "sent"),
                "the alert sent");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var alert = System.Text.Json.Nodes.JsonNode.Parse(Assert.Single(robot.Requests).Body)!["markdown"]!["content"]!.GetValue<string>();
        Assert.Contains("3 条违规消息", alert, StringComparison.Ordinal);
        Assert.Contains("wrSecondRoom", alert, StringComparison.Ordinal);
        Assert.DoesNotContain("ads.contact", alert, StringComparison.Ordinal);
        Assert.DoesNotContain("win.xyz", alert, StringComparison.Ordinal); // the hit itself is masked
    }

    [Fact]
    public async Task A_picture_in_an_archived_message_is_fetched_through_the_sdk_and_its_qr_code_matched()
    {
        using var service = new GroupGuardFactory();
        using var archive = new FakeArchive();
        using (var code = Pictures.Qr("https://join.xyz/g/AbC123", 300))
        {
            archive.AddMedia("sdkfile-qr-1", Pictures.Png(code));
        }

        var picture = JsonSerializer.Serialize(new
        {
            msgid = "msg-picture",
            action = "send",
            from = "lisi",
            tolist = Array.Empty<string>(),
            roomid = Room,
            msgtime = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(),
            msgtype = "image",
            image = new { md5sum = "0", filesize = 1, sdkfileid = "sdkfile-qr-1" },
        });
        archive.AddRecord(1, 1, picture, TestKeys.First);
        var environment = Environment(service, archive);
        using var http = new HttpClient { BaseAddress = new Uri(environment["ASPNETCORE_URLS"]) };

        using (var process = GroupGuardProcess.Start(service.Folder, environment))
        {
            try
            {
                await PulledAsync(http, process, 1, 1);
                await GroupGuardProcess.HealthAsync(http, process, h => h.Body.GetProperty("images").GetProperty("incidents").GetInt64() >= 1, "the picture's incident");
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        var export = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60), "incidents", "export");
        var row = JsonDocument.Parse(export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single()).RootElement;
        Assert.Equal(("ads.site", "msg-picture", "wecom"), (row.GetProperty("rule").GetString(), row.GetProperty("message_id").GetString(), row.GetProperty("platform").GetString()));
    }

    [Fact]
    public async Task A_missing_sdk_or_one_without_the_sdks_functions_stops_the_start_naming_the_setting()
    {
        using var service = new GroupGuardFactory();
        using var archive = new FakeArchive();
        var environment = Environment(service, archive);

        environment["GroupGuard__WeCom__Archive__SdkPath"] = archive.File("no-such-sdk.so");
        var missing = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60));
        environment["GroupGuard__WeCom__Archive__SdkPath"] = libraries.OnlyNewSdk;
        var lacking = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60));

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("GroupGuard:WeCom:Archive:SdkPath", missing.Error, StringComparison.Ordinal);
        Assert.Equal(1, lacking.ExitCode);
        Assert.Contains("GetChatData", lacking.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", lacking.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(ArchiveSecret, missing.Error + lacking.Error, StringComparison.Ordinal);
    }
}
