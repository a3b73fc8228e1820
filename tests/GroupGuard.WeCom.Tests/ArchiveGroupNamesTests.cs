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

        Assert.Equal(2, asked); // a token and one refused question
        Assert.Equal("后来有权限了", later);
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

    public ValueTask DisposeAsync() => _wecom.DisposeAsync();
}
