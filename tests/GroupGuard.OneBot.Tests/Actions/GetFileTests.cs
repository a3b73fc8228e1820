using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Core.Images;
using GroupGuard.OneBot.Tests.Support;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

/// <summary>
/// v12 pictures known by a file id alone (ComWeChat sends every picture so): <c>get_file</c> as the
/// bot that heard the message, a link first, the bytes when the implementation has no link, and
/// the bytes held to the picture limit before they are decoded.
/// </summary>
public sealed class GetFileTests : IAsyncLifetime
{
    private const string FileId = "e30f9684-3d54-4f65-b2da-db291a477f16";
    private const long TenMiB = 10 * 1024 * 1024;

    /// <summary>The bytes of <c>comwechat-answer-get-file-data.json</c>: a 1×1 PNG of 69 bytes.</summary>
    private static readonly byte[] SamplePng = Convert.FromBase64String((string)Samples.Node("V12/comwechat-answer-get-file-data.json")["data"]!["data"]!);

    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task A_file_id_is_asked_of_get_file_as_a_url_by_the_bot_that_heard_it()
    {
        _api.Script("get_file", Answer("V12/comwechat-answer-get-file-url.json"));
        using var client = Create(Options(_api));

        var located = await client.LocateAsync(Source(bot: "wxid_bot_b"), TenMiB, CancellationToken.None);

        Assert.Equal("http://127.0.0.1:8000/get_file/" + FileId, located!.Link);
        Assert.Empty(located.Headers);
        var request = Assert.Single(_api.Requests);
        Assert.Equal("/v12/", request.Path);
        Assert.Equal($"Bearer {Token}", request.Header("Authorization"));
        Assert.Equal(
            $$$"""{"action":"get_file","params":{"file_id":"{{{FileId}}}","type":"url"},"self":{"platform":"wechat","user_id":"wxid_bot_b"}}""",
            request.RawBody);
    }

    [Fact]
    public async Task The_headers_of_a_url_answer_are_kept_to_be_sent_with_the_fetch()
    {
        var answer = Samples.Node("V12/comwechat-answer-get-file-url.json");
        answer["data"]!["headers"] = new JsonObject { ["Authorization"] = "Bearer bridge-file-token", ["X-Count"] = 3 };
        _api.Script("get_file", FakeAnswer.Json(200, answer));
        using var client = Create(Options(_api));

        var located = await client.LocateAsync(Source(), TenMiB, CancellationToken.None);

        Assert.NotNull(located!.Link);
        Assert.Equal(new Dictionary<string, string> { ["Authorization"] = "Bearer bridge-file-token" }, located.Headers);
    }

    [Fact]
    public async Task A_data_answer_gives_the_bytes_decoded_from_base64()
    {
        // An implementation that answers the bytes where a link was asked: they are taken as they are.
        _api.Script("get_file", Answer("V12/comwechat-answer-get-file-data.json"));
        using var client = Create(Options(_api));

        var located = await client.LocateAsync(Source(), TenMiB, CancellationToken.None);

        Assert.Null(located!.Link);
        Assert.Equal(69, located.Bytes!.Length);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], located.Bytes[..4]);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task An_implementation_that_has_no_link_is_asked_for_the_data()
    {
        _api.Script("get_file", FakeAnswer.Failed(10004, message: "Unsupported Param"), Answer("V12/comwechat-answer-get-file-data.json"));
        using var client = Create(Options(_api));

        var located = await client.LocateAsync(Source(), TenMiB, CancellationToken.None);

        Assert.Equal(SamplePng, located!.Bytes);
        Assert.Equal(["url", "data"], _api.Requests.Select(r => (string?)r.Params["type"]));
        Assert.All(_api.Requests, r => Assert.Equal(FileId, (string?)r.Params["file_id"]));
    }

    [Fact]
    public async Task A_path_is_never_read_the_data_is_asked_instead()
    {
        var pathOnly = FakeAnswer.Ok(new JsonObject { ["name"] = "x.jpg", ["path"] = @"C:\Users\bot\Documents\WeChat Files\image\x.jpg" });
        _api.Script("get_file", pathOnly, Answer("V12/comwechat-answer-get-file-data.json"));
        using var client = Create(Options(_api));

        var located = await client.LocateAsync(Source(), TenMiB, CancellationToken.None);
        _api.Script("get_file", pathOnly, pathOnly);
        var onlyPaths = await client.LocateAsync(Source(), TenMiB, CancellationToken.None);

        Assert.Equal(SamplePng, located!.Bytes);
        Assert.Null(onlyPaths!.Link);
        Assert.Null(onlyPaths.Bytes);
        Assert.False(onlyPaths.Refused);
        Assert.Equal("get_file answered only a path on the implementation's machine, which is not read", onlyPaths.Reason);
    }

    [Fact]
    public async Task Data_past_the_picture_limit_is_refused_and_data_within_it_is_taken()
    {
        _api.Default = Answer("V12/comwechat-answer-get-file-data.json");
        using var client = Create(Options(_api));

        var over = await client.LocateAsync(Source(), SamplePng.Length - 1, CancellationToken.None);
        var exactly = await client.LocateAsync(Source(), SamplePng.Length, CancellationToken.None);

        Assert.True(over!.Refused);
        Assert.Null(over.Bytes);
        Assert.Equal("get_file answered data of 69 bytes, more than 68", over.Reason);
        Assert.Equal(SamplePng, exactly!.Bytes);
    }

    [Fact]
    public async Task Data_whose_length_is_past_the_limit_is_refused_before_it_is_decoded()
    {
        // 4000 characters that are no base64 at all: decoded, they would fail as such; refused by their length, they never are.
        _api.Script("get_file", FakeAnswer.Ok(new JsonObject { ["name"] = "x.jpg", ["data"] = new string('!', 4000) }));
        using var client = Create(Options(_api));

        var located = await client.LocateAsync(Source(), 1024, CancellationToken.None);

        Assert.True(located!.Refused);
        Assert.Equal("get_file answered data of at least 2998 bytes, more than 1024", located.Reason);
    }

    [Fact]
    public async Task An_answer_longer_than_the_picture_limit_takes_is_refused_unread_and_not_asked_again()
    {
        var huge = FakeAnswer.Ok(new JsonObject { ["name"] = "x.jpg", ["data"] = Convert.ToBase64String(new byte[3 * 1024 * 1024]) });
        _api.Script("get_file", huge, huge, huge);
        using var client = Create(Options(_api));

        var located = await client.LocateAsync(Source(), 1024, CancellationToken.None);

        Assert.True(located!.Refused);
        Assert.StartsWith("get_file answered more than a picture of 1024 bytes takes (get_file answered more than 1048576 bytes", located.Reason, StringComparison.Ordinal);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task A_refusal_fails_the_picture_with_the_implementations_words_and_nothing_more_is_asked()
    {
        _api.Script("get_file", Answer("V12/comwechat-answer-get-file-missing.json"));
        using var client = Create(Options(_api));

        var located = await client.LocateAsync(Source(), TenMiB, CancellationToken.None);

        Assert.False(located!.Refused);
        Assert.Null(located.Link);
        Assert.Null(located.Bytes);
        Assert.Equal("get_file failed: 未找到该文件 (retcode 32000)", located.Reason);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task An_implementation_without_get_file_fails_the_picture_after_one_call()
    {
        _api.Script("get_file", FakeAnswer.Failed(10002, message: "Unsupported Action"));
        using var client = Create(Options(_api));

        var located = await client.LocateAsync(Source(), TenMiB, CancellationToken.None);

        Assert.Equal("get_file failed: the implementation has no action get_file: Unsupported Action (retcode 10002)", located!.Reason);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task Without_a_v12_endpoint_or_the_bots_platform_nothing_is_asked()
    {
        using var unset = Create(Options(_api, o => o.V12ApiBaseUrl = null));
        using var client = Create(Options(_api));

        var nowhere = await unset.LocateAsync(Source(), TenMiB, CancellationToken.None);
        var nobody = await client.LocateAsync(Source() with { Platform = null }, TenMiB, CancellationToken.None);

        Assert.Null(nowhere);
        Assert.Equal("get_file needs the bot's platform to name the bot, and the message did not say it", nobody!.Reason);
        Assert.Empty(_api.Requests);
    }

    private static PictureSource Source(string bot = "wxid_q8n3m2k1j0h9g8") =>
        new(Protocol.OneBotV12, bot, new ImageRef(FileId, null, null)) { Platform = "wechat" };

    private static FakeAnswer Answer(string sample) => new(200, System.Text.Encoding.UTF8.GetString(Samples.Bytes(sample)));
}
