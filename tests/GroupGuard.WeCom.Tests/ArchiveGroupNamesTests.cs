using System.Net;
using System.Net.Sockets;
using System.Text;
using GroupGuard.Testing;
using GroupGuard.WeCom.Archive;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.WeCom.Tests;

/// <summary>Group names from WeCom's chat-archive API, against a fake WeCom on loopback.</summary>
public sealed class ArchiveGroupNamesTests : IAsyncDisposable
{
    private readonly LoopbackHttpServer _wecom = LoopbackHttpServer.Start();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-02T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private int _tokens;

    private ArchiveGroupNames Names(bool enabled = true) => new(
        Options.Create(new WeComArchiveOptions { CorpId = "wwcorp", Secret = "archive-secret", ApiBaseUrl = _wecom.BaseUrl, GroupNames = enabled }),
        WeComServiceCollectionExtensions.CreateHttpClient(),
        _time,
        NullLogger<ArchiveGroupNames>.Instance);

    private void Answer(Func<RecordedRequest, string> groupchat) =>
        _wecom.Respond(request => request.Path switch
        {
            "/cgi-bin/gettoken" => HttpAnswer.Json($$"""{"errcode":0,"errmsg":"ok","access_token":"token-{{++_tokens}}","expires_in":7200}"""),
            "/cgi-bin/msgaudit/groupchat/get" => HttpAnswer.Json(groupchat(request)),
            _ => new HttpAnswer(404, "{}"),
        });

    [Fact]
    public async Task A_room_is_named_once_and_remembered_with_one_token_for_all_rooms()
    {
        Answer(r => r.Json.GetProperty("roomid").GetString() == "wrA"
            ? """{"errcode":0,"errmsg":"ok","roomname":"项目一群","creator":"zhangsan"}"""
            : """{"errcode":0,"errmsg":"ok","roomname":"家长群"}""");
        var names = Names();

        Assert.Equal("项目一群", await names.NameOfAsync("wrA", CancellationToken.None));
        Assert.Equal("项目一群", await names.NameOfAsync("wrA", CancellationToken.None));
        Assert.Equal("家长群", await names.NameOfAsync("wrB", CancellationToken.None));

        Assert.Equal(["/cgi-bin/gettoken", "/cgi-bin/msgaudit/groupchat/get", "/cgi-bin/msgaudit/groupchat/get"], _wecom.Requests.Select(r => r.Path));
        Assert.Equal("archive-secret", _wecom.Requests[0].RawQuery("corpsecret"));
        Assert.Equal("token-1", _wecom.Requests[2].RawQuery("access_token"));
    }

    [Fact]
    public async Task A_refusal_leaves_the_room_id_and_WeCom_is_not_asked_again_for_an_hour()
    {
        Answer(_ => """{"errcode":301052,"errmsg":"no permission"}""");
        var names = Names();

        Assert.Null(await names.NameOfAsync("wrA", CancellationToken.None));
        Assert.Null(await names.NameOfAsync("wrB", CancellationToken.None));
        var asked = _wecom.Requests.Count;
        _time.Advance(TimeSpan.FromMinutes(61));
        Answer(_ => """{"errcode":0,"roomname":"后来有权限了"}""");
        var later = await names.NameOfAsync("wrB", CancellationToken.None);
        var laterFirst = await names.NameOfAsync("wrA", CancellationToken.None);

        Assert.Equal(2, asked); // a token and one refused question
        Assert.Equal("后来有权限了", later);
        Assert.Equal("后来有权限了", laterFirst); // the refused room too: its missing name is not kept for a day
    }

    /// <summary>
    /// WeCom's API does not answer within TimeoutSeconds: the next new groups are not asked about
    /// for a few minutes, and the group that timed out is asked again after them. Every new group
    /// waited out the timeout again (the pull with it), and the one that timed out kept no name for an hour.
    /// </summary>
    [Fact]
    public async Task A_timeout_pauses_the_lookups_of_every_group_for_minutes_and_then_asks_again()
    {
        var hold = true;
        var held = new TaskCompletionSource<HttpAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        _wecom.Handler = (request, stopping) => request.Path switch
        {
            "/cgi-bin/gettoken" => Task.FromResult(HttpAnswer.Json("""{"errcode":0,"access_token":"token-1","expires_in":7200}""")),
            _ when hold => held.Task.WaitAsync(stopping),
            _ => Task.FromResult(HttpAnswer.Json(request.Json.GetProperty("roomid").GetString() == "wrA" ? """{"errcode":0,"roomname":"项目一群"}""" : """{"errcode":0,"roomname":"家长群"}""")),
        };
        var names = Names();

        var first = names.NameOfAsync("wrA", CancellationToken.None);
        await _wecom.WaitForRequestAsync(r => r.Path == "/cgi-bin/msgaudit/groupchat/get", "the question about wrA");
        _time.Advance(TimeSpan.FromSeconds(10)); // TimeoutSeconds
        var timedOut = await first.Within("the lookup that timed out");
        hold = false;
        var asked = _wecom.Requests.Count;
        var next = await names.NameOfAsync("wrB", CancellationToken.None).Within("a new group's lookup during the pause");
        var askedDuringPause = _wecom.Requests.Count - asked;
        _time.Advance(ArchiveGroupNames.UnansweredPause);
        var again = await names.NameOfAsync("wrA", CancellationToken.None).Within("the timed-out group's lookup after the pause");

        Assert.Null(timedOut);
        Assert.Null(next);
        Assert.Equal(0, askedDuringPause);
        Assert.Equal("项目一群", again);
        held.TrySetResult(HttpAnswer.Json("{}"));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"ok\"")]
    [InlineData("""{"errcode":4294967296,"roomname":"群"}""")]
    [InlineData("""{"errcode":1.5,"roomname":"群"}""")]
    public async Task An_answer_of_another_shape_gives_no_name_and_no_error(string answer)
    {
        Answer(_ => answer);
        var names = Names();

        Assert.Null(await names.NameOfAsync("wrA", CancellationToken.None));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"errcode":1e30}""")]
    public async Task A_token_answer_of_another_shape_gives_no_name_and_no_error(string answer)
    {
        _wecom.Respond(_ => HttpAnswer.Json(answer));
        var names = Names();

        Assert.Null(await names.NameOfAsync("wrA", CancellationToken.None));
    }

    [Fact]
    public async Task Names_are_asked_through_the_proxy_the_settings_name_for_the_sdk()
    {
        using var proxy = new TcpListener(IPAddress.Loopback, 0);
        proxy.Start();
        var lines = new List<string>();
        var serving = ServeAsProxyAsync(proxy, lines, """{"errcode":0,"access_token":"t","expires_in":7200,"roomname":"经代理的群"}""");
        var options = new WeComArchiveOptions
        {
            CorpId = "wwcorp",
            Secret = "archive-secret",
            ApiBaseUrl = "http://qyapi.wecom.invalid",
            Proxy = $"http://127.0.0.1:{((IPEndPoint)proxy.LocalEndpoint).Port}",
        };
        var names = new ArchiveGroupNames(Options.Create(options), WeComServiceCollectionExtensions.CreateHttpClient(options), _time, NullLogger<ArchiveGroupNames>.Instance);

        var name = await names.NameOfAsync("wrA", CancellationToken.None);
        proxy.Stop();
        await serving.Within("the proxy stopping");

        Assert.Equal("经代理的群", name);
        Assert.Collection(
            lines,
            l => Assert.StartsWith("GET http://qyapi.wecom.invalid/cgi-bin/gettoken?", l, StringComparison.Ordinal),
            l => Assert.StartsWith("POST http://qyapi.wecom.invalid/cgi-bin/msgaudit/groupchat/get?", l, StringComparison.Ordinal));
    }

    /// <summary>
    /// An HTTP proxy that answers every request itself on a connection it then closes, keeping each
    /// request line (absolute URLs, as clients send a proxy).
    /// </summary>
    private static async Task ServeAsProxyAsync(TcpListener listener, List<string> lines, string answer)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                if (await reader.ReadLineAsync() is { Length: > 0 } requestLine)
                {
                    lines.Add(requestLine);
                    while (await reader.ReadLineAsync() is { Length: > 0 })
                    {
                        // The headers; a body is left unread, the connection closing after the answer.
                    }

                    var bytes = Encoding.UTF8.GetBytes(answer);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n"));
                    await stream.WriteAsync(bytes);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            // Stopped by the test.
        }
    }

    [Fact]
    public async Task An_expired_token_is_fetched_anew_at_the_next_question()
    {
        var first = true;
        Answer(_ =>
        {
            var answer = first ? """{"errcode":42001,"errmsg":"access_token expired"}""" : """{"errcode":0,"roomname":"群"}""";
            first = false;
            return answer;
        });
        var names = Names();

        Assert.Null(await names.NameOfAsync("wrA", CancellationToken.None));
        _time.Advance(TimeSpan.FromDays(2)); // the room's empty answer is forgotten too
        Assert.Equal("群", await names.NameOfAsync("wrA", CancellationToken.None));

        Assert.Equal(2, _wecom.Requests.Count(r => r.Path == "/cgi-bin/gettoken"));
    }

    [Fact]
    public async Task Broken_huge_or_missing_answers_and_a_switched_off_setting_give_no_name_and_no_error()
    {
        Answer(r => r.Json.GetProperty("roomid").GetString() switch
        {
            "wrBroken" => "{not json",
            "wrHuge" => $$"""{"errcode":0,"roomname":"{{new string('群', 600_000)}}"}""",
            _ => """{"errcode":0}""",
        });
        var names = Names();

        Assert.Null(await names.NameOfAsync("wrBroken", CancellationToken.None));
        Assert.Null(await names.NameOfAsync("wrHuge", CancellationToken.None));
        Assert.Null(await names.NameOfAsync("wrNoName", CancellationToken.None));
        var before = _wecom.Requests.Count;
        Assert.Null(await Names(enabled: false).NameOfAsync("wrOff", CancellationToken.None));
        Assert.Equal(before, _wecom.Requests.Count);
    }

    [Fact]
    public async Task An_answer_that_never_ends_gives_no_name_once_a_mebibyte_has_come()
    {
        // The client's buffer (ArchiveGroupNames.MaxAnswerBytes) ends it: the fake clock never moves,
        // so the lookup's timeout cannot.
        _wecom.Respond(request => request.Path == "/cgi-bin/gettoken"
            ? HttpAnswer.Json("""{"errcode":0,"errmsg":"ok","access_token":"token-1","expires_in":7200}""")
            : HttpAnswer.NeverEnding("""{"errcode":0,"roomname":"群"""));
        var names = Names();

        Assert.Null(await names.NameOfAsync("wrEndless", CancellationToken.None).Within("the lookup"));
        Assert.Equal(["/cgi-bin/gettoken", "/cgi-bin/msgaudit/groupchat/get"], _wecom.Requests.Select(r => r.Path));
    }

    public ValueTask DisposeAsync() => _wecom.DisposeAsync();
}
