using System.Security.Cryptography;
using System.Text;
using GroupGuard.Channels.Tests.Support;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Channels.Tests;

public sealed class DingTalkChannelTests : IAsyncLifetime
{
    private const string Token = "c5f6e2ab9d0f4e1b8a7c3d2e1f0a9b8c";
    private const string Secret = "SEC0123456789abcdef0123456789abcdef";

    private readonly HttpSink _sink = HttpSink.Start();
    private readonly ChannelHttp _http = new(TimeSpan.FromSeconds(10), TimeProvider.System);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sink.DisposeAsync();
    }

    private DingTalkChannel Channel() => new(
        "ding",
        new DingTalkChannelOptions { Url = $"{_sink.BaseUrl}/robot/send?access_token={Token}", Secret = Secret },
        _http,
        _time,
        Digests.Log);

    [Fact]
    public async Task The_request_carries_the_clock_s_timestamp_and_a_sign_that_verifies_with_the_secret()
    {
        var digest = Digests.Sample();

        await Channel().SendAsync(digest, CancellationToken.None);

        var request = Assert.Single(_sink.Requests);
        Assert.Equal(Token, request.RawQuery("access_token"));
        Assert.Equal("1700000000000", request.RawQuery("timestamp"));
        var sign = Uri.UnescapeDataString(request.RawQuery("sign")!);
        Assert.Equal(Uri.EscapeDataString(sign), request.RawQuery("sign"));
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes("1700000000000\n" + Secret));
        Assert.Equal(expected, Convert.FromBase64String(sign));

        Assert.Equal("markdown", request.Json.GetProperty("msgtype").GetString());
        Assert.Equal(digest.Title, request.Json.GetProperty("markdown").GetProperty("title").GetString());
        Assert.Equal(digest.Markdown, request.Json.GetProperty("markdown").GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_member_s_nickname_reaches_the_robot_as_text_and_not_as_a_link_or_heading()
    {
        await Channel().SendAsync(Digests.Hostile(), CancellationToken.None);

        var text = Assert.Single(_sink.Requests).Json.GetProperty("markdown").GetProperty("text").GetString()!;
        Assert.Contains("［点这里领红包］（http：//evil.example/a）", text, StringComparison.Ordinal);
        Assert.Contains("家长群 ＃＃＃ 紧急通知", text, StringComparison.Ordinal);
        Assert.DoesNotContain("](", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<", text, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n'), line => line.StartsWith('#'));
    }

    [Fact]
    public async Task Each_request_is_signed_with_the_time_it_is_sent()
    {
        await Channel().SendAsync(Digests.Sample(), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(90));
        await Channel().SendAsync(Digests.Sample(), CancellationToken.None);

        Assert.Equal(["1700000000000", "1700005400000"], _sink.Requests.Select(r => r.RawQuery("timestamp")));
    }

    [Fact]
    public async Task A_bad_sign_answer_fails_naming_the_errcode_without_secret_or_token()
    {
        _sink.Respond = _ => SinkResponse.Json("""{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}""");

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => Channel().SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("errcode 310000", failure.Message, StringComparison.Ordinal);
        Assert.Contains("sign not match", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_chinese_digest_arrives_in_parts_that_dingtalk_takes_in_order()
    {
        // DingTalk refuses a body over 20,000 bytes, and a Chinese character is three of them.
        _sink.Respond = request => request.BodyBytes.Length > 20_000
            ? SinkResponse.Json("""{"errcode":460101,"errmsg":"message too long, exceed 20000 bytes"}""")
            : SinkResponse.Ok;
        var markdown = Digests.ChineseChars(30_000);
        var kept = new PartsKept();

        await Channel().SendAsync(Digests.Sample(markdown), kept.NextTry(), CancellationToken.None);

        var requests = _sink.Requests.ToList();
        Assert.Equal(5, requests.Count); // about 88,600 bytes of text, each part under 19,000 with its title
        Assert.All(requests, r => Assert.InRange(r.BodyBytes.Length, 1, 20_000));
        var texts = requests.Select(r => r.Json.GetProperty("markdown").GetProperty("text").GetString()!).ToList();
        Assert.Equal(markdown, string.Concat(texts));
        var titles = requests.Select(r => r.Json.GetProperty("markdown").GetProperty("title").GetString()!).ToList();
        Assert.All(titles.Select((title, i) => (title, i)), t => Assert.EndsWith($"({t.i + 1}/{requests.Count})", t.title, StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, requests.Count), kept.Recorded);
    }

    [Fact]
    public async Task A_retry_after_a_refused_part_posts_that_part_and_the_rest_and_not_the_parts_delivered()
    {
        var markdown = Digests.ChineseLines(50_000); // three parts
        var answered = 0;
        _sink.Respond = _ => Interlocked.Increment(ref answered) == 2
            ? SinkResponse.Json("""{"errcode":410100,"errmsg":"send too fast"}""")
            : SinkResponse.Ok;
        var kept = new PartsKept();

        await Assert.ThrowsAsync<DigestChannelException>(() => Channel().SendAsync(Digests.Sample(markdown), kept.NextTry(), CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(1));
        await Channel().SendAsync(Digests.Sample(markdown), kept.NextTry(), CancellationToken.None);

        var requests = _sink.Requests.ToList();
        var texts = requests.Select(r => r.Json.GetProperty("markdown").GetProperty("text").GetString()!).ToList();
        Assert.Equal(4, texts.Count);
        Assert.Equal(texts[1], texts[2]); // the refused part, posted again
        Assert.Equal(markdown, texts[0] + texts[2] + texts[3]);
        Assert.EndsWith("(2/3)", requests[2].Json.GetProperty("markdown").GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal("1700000060000", requests[2].RawQuery("timestamp")); // signed when it is sent again
        Assert.Equal([1, 2, 3], kept.Recorded);
    }

    [Fact]
    public async Task A_leader_name_of_10000_chinese_characters_leaves_the_digest_sendable_with_a_shortened_title()
    {
        _sink.Respond = request => request.BodyBytes.Length > 20_000
            ? SinkResponse.Json("""{"errcode":460101,"errmsg":"message too long, exceed 20000 bytes"}""")
            : SinkResponse.Ok;
        var digest = Digests.Built(new string('王', 10_000));
        Assert.True(Encoding.UTF8.GetByteCount(digest.Title) > DingTalkChannel.MaxBodyBytes);
        var kept = new PartsKept();

        await Channel().SendAsync(digest, kept.NextTry(), CancellationToken.None);

        var requests = _sink.Requests.ToList();
        Assert.All(requests, r => Assert.InRange(r.BodyBytes.Length, 1, DingTalkChannel.MaxBodyBytes));
        Assert.Equal(digest.Markdown, string.Concat(requests.Select(r => r.Json.GetProperty("markdown").GetProperty("text").GetString())));
        foreach (var (request, i) in requests.Select((r, i) => (r, i)))
        {
            var title = request.Json.GetProperty("markdown").GetProperty("title").GetString()!;
            Assert.StartsWith("群管日报", title, StringComparison.Ordinal);
            Assert.EndsWith($"王… ({i + 1}/{requests.Count})", title, StringComparison.Ordinal);
            Assert.InRange(Encoding.UTF8.GetByteCount(title), 1, DingTalkChannel.MaxTitleBytes + 30);
        }

        Assert.Equal(Enumerable.Range(1, requests.Count), kept.Recorded);
    }
}
