using GroupGuard.Channels.Tests.Support;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Channels.Tests;

public sealed class FeishuChannelTests : IAsyncLifetime
{
    private const string HookId = "0f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0";
    private const string Secret = "feishu-secret";

    private readonly HttpSink _sink = HttpSink.Start();
    private readonly ChannelHttp _http = new(TimeSpan.FromSeconds(10), TimeProvider.System);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1700000000));

    public Task InitializeAsync()
    {
        _sink.Respond = _ => SinkResponse.Json("""{"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}""");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sink.DisposeAsync();
    }

    private FeishuChannel Channel(string? secret = Secret) => new(
        "lark",
        new FeishuChannelOptions { Url = $"{_sink.BaseUrl}/open-apis/bot/v2/hook/{HookId}", Secret = secret },
        _http,
        _time,
        Digests.Log);

    [Fact]
    public async Task The_body_has_timestamp_sign_msg_type_and_the_text()
    {
        var digest = Digests.Sample();

        await Channel().SendAsync(digest, CancellationToken.None);

        var request = Assert.Single(_sink.Requests);
        Assert.Equal($"/open-apis/bot/v2/hook/{HookId}", request.RawUrl);
        Assert.Equal("1700000000", request.Json.GetProperty("timestamp").GetString());
        Assert.Equal("OrBzY1Y01Gq+HgJsl+7OfWcMVwc7YocohQm5iiZwjhU=", request.Json.GetProperty("sign").GetString());
        Assert.Equal("text", request.Json.GetProperty("msg_type").GetString());
        Assert.Equal(digest.Text, request.Json.GetProperty("content").GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_member_s_nickname_and_message_reach_the_bot_as_text_and_not_as_a_link_or_a_mention_of_everyone()
    {
        var digest = Digests.Hostile();

        await Channel().SendAsync(digest, CancellationToken.None);

        var text = Assert.Single(_sink.Requests).Json.GetProperty("content").GetProperty("text").GetString()!;
        Assert.Contains("［点这里领红包］（http：//evil.example/a）", text, StringComparison.Ordinal);
        Assert.Contains("＜at user_id=\"all\"＞＜/at＞", text, StringComparison.Ordinal); // defused by its brackets
        Assert.DoesNotContain("](", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<at", text, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", text, StringComparison.Ordinal);
        Assert.Equal(digest.Text.Split('\n').Length, text.Split('\n').Length);
    }

    [Fact]
    public async Task The_link_to_the_console_ending_a_line_stays_a_link_while_a_member_s_is_defused()
    {
        var digest = Digests.Hostile(consoleUrl: "https://guard.example.org");

        await Channel().SendAsync(digest, CancellationToken.None);

        var text = Assert.Single(_sink.Requests).Json.GetProperty("content").GetProperty("text").GetString()!;
        Assert.Contains("） https://guard.example.org/console/incidents/1\n", text, StringComparison.Ordinal);
        Assert.Contains("［点这里领红包］（http：//evil.example/a）", text, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_secret_the_message_goes_unsigned()
    {
        await Channel(secret: null).SendAsync(Digests.Sample(), CancellationToken.None);

        var request = Assert.Single(_sink.Requests);
        Assert.False(request.Json.TryGetProperty("sign", out _));
        Assert.False(request.Json.TryGetProperty("timestamp", out _));
    }

    [Fact]
    public async Task A_non_zero_code_fails_naming_it_without_the_hook_id_or_secret()
    {
        _sink.Respond = _ => SinkResponse.Json("""{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}""");

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => Channel().SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("code 19021", failure.Message, StringComparison.Ordinal);
        Assert.Contains("signature", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(HookId, failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_legacy_StatusCode_answer_is_read_too()
    {
        _sink.Respond = _ => SinkResponse.Json("""{"StatusCode":9499,"StatusMessage":"Bad Request"}""");

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => Channel().SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("StatusCode 9499", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_text_over_20_KB_is_sent_as_bodies_of_at_most_20000_bytes_that_rejoin()
    {
        var text = Digests.ChineseLines(50_000);

        await Channel().SendAsync(Digests.Sample(text: text), CancellationToken.None);

        var requests = _sink.Requests.ToList();
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.InRange(r.BodyBytes.Length, 1, 20_000));
        Assert.Equal(text, string.Concat(requests.Select(r => r.Json.GetProperty("content").GetProperty("text").GetString())));
    }

    [Fact]
    public async Task A_leader_name_of_10000_chinese_characters_arrives_whole_in_bodies_of_at_most_20000_bytes()
    {
        // The title is the text's first line, so it counts against each body like any other line.
        var digest = Digests.Built(new string('王', 10_000));

        await Channel().SendAsync(digest, CancellationToken.None);

        var requests = _sink.Requests.ToList();
        Assert.All(requests, r => Assert.InRange(r.BodyBytes.Length, 1, FeishuChannel.MaxBodyBytes));
        Assert.Equal(digest.Text, string.Concat(requests.Select(r => r.Json.GetProperty("content").GetProperty("text").GetString())));
    }

    [Fact]
    public async Task A_retry_after_a_refused_part_posts_that_part_and_the_rest_and_not_the_parts_delivered()
    {
        var text = Digests.ChineseLines(50_000);
        var answered = 0;
        _sink.Respond = _ => Interlocked.Increment(ref answered) == 2
            ? SinkResponse.Json("""{"code":11232,"data":{},"msg":"frequency limited"}""")
            : SinkResponse.Json("""{"code":0,"data":{},"msg":"success"}""");
        var kept = new PartsKept();

        await Assert.ThrowsAsync<DigestChannelException>(() => Channel().SendAsync(Digests.Sample(text: text), kept.NextTry(), CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(61)); // another timestamp, another signature
        await Channel().SendAsync(Digests.Sample(text: text), kept.NextTry(), CancellationToken.None);

        var texts = _sink.Requests.Select(r => r.Json.GetProperty("content").GetProperty("text").GetString()!).ToList();
        Assert.Equal(4, texts.Count);
        Assert.Equal(texts[1], texts[2]); // the refused part, posted again
        Assert.Equal(text, texts[0] + texts[2] + texts[3]);
        Assert.Equal([1, 2, 3], kept.Recorded);
    }

    [Fact]
    public async Task A_message_is_split_the_same_whatever_the_time_and_whether_or_not_it_is_signed()
    {
        // A retry starts after the parts delivered, counted in parts: the cuts must not move with
        // the envelope, whose signature's escaping makes it longer in one second than in the next.
        // One long line is cut between characters, so any change of budget would move them.
        var text = Digests.ChineseLines(30_000) + new string('测', 20_000) + "\n";
        var tries = new List<List<string>>();
        foreach (var (seconds, secret) in new[] { (0, Secret), (1, Secret), (2, Secret), (7, Secret), (3600, Secret), (0, null) })
        {
            var before = _sink.Requests.Count;
            _time.Advance(TimeSpan.FromSeconds(seconds));
            await Channel(secret).SendAsync(Digests.Sample(text: text), CancellationToken.None);
            tries.Add([.. _sink.Requests.Skip(before).Select(r => r.Json.GetProperty("content").GetProperty("text").GetString()!)]);
        }

        Assert.All(tries, parts => Assert.Equal(tries[0], parts));
        Assert.Equal(text, string.Concat(tries[0]));
        Assert.All(_sink.Requests, r => Assert.InRange(r.BodyBytes.Length, 1, FeishuChannel.MaxBodyBytes));
    }
}
