using System.Text;
using GroupGuard.Channels.Tests.Support;
using GroupGuard.Core.Digests;

namespace GroupGuard.Channels.Tests;

public sealed class WeComChannelTests : IAsyncLifetime
{
    private const string RobotKey = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

    private readonly HttpSink _sink = HttpSink.Start();
    private readonly ChannelHttp _http = new(TimeSpan.FromSeconds(10), TimeProvider.System);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sink.DisposeAsync();
    }

    private WeComChannel Channel(string? url = null) =>
        new("office-robot", new WeComChannelOptions { Url = url ?? $"{_sink.BaseUrl}/cgi-bin/webhook/send?key={RobotKey}" }, _http, Digests.Log);

    [Fact]
    public async Task Posts_the_markdown_to_the_robot_address()
    {
        var digest = Digests.Sample();

        await Channel().SendAsync(digest, CancellationToken.None);

        var request = Assert.Single(_sink.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/cgi-bin/webhook/send?key={RobotKey}", request.RawUrl);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("markdown", request.Json.GetProperty("msgtype").GetString());
        Assert.Equal(digest.Markdown, request.Json.GetProperty("markdown").GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_member_s_nickname_reaches_the_robot_as_text_and_not_as_a_link_or_heading()
    {
        await Channel().SendAsync(Digests.Hostile(), CancellationToken.None);

        var content = Assert.Single(_sink.Requests).Json.GetProperty("markdown").GetProperty("content").GetString()!;
        Assert.Contains("［点这里领红包］（http：//evil.example/a）", content, StringComparison.Ordinal);
        Assert.Contains("家长群 ＃＃＃ 紧急通知", content, StringComparison.Ordinal);
        Assert.DoesNotContain("](", content, StringComparison.Ordinal);
        Assert.DoesNotContain("<", content, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", content, StringComparison.Ordinal);
        Assert.Single(content.Split('\n'), line => line.StartsWith('#'));
    }

    [Fact]
    public async Task A_long_digest_arrives_in_order_as_parts_of_at_most_4096_bytes_split_at_line_ends()
    {
        var markdown = Digests.ChineseLines(10_000);

        await Channel().SendAsync(Digests.Sample(markdown), CancellationToken.None);

        var contents = _sink.Requests.Select(r => r.Json.GetProperty("markdown").GetProperty("content").GetString()!).ToList();
        Assert.Equal(3, contents.Count);
        Assert.All(contents, content => Assert.InRange(Encoding.UTF8.GetByteCount(content), 1, 4096));
        Assert.All(contents, content => Assert.EndsWith("\n", content, StringComparison.Ordinal));
        Assert.StartsWith("- 第1条", contents[0], StringComparison.Ordinal);
        Assert.Equal(markdown, string.Concat(contents));
    }

    [Fact]
    public async Task A_leader_name_of_10000_chinese_characters_arrives_whole_in_parts_of_at_most_4096_bytes()
    {
        // The title is the Markdown's first line, so it counts against each part like any other line.
        var digest = Digests.Built(new string('王', 10_000));

        await Channel().SendAsync(digest, CancellationToken.None);

        var contents = _sink.Requests.Select(r => r.Json.GetProperty("markdown").GetProperty("content").GetString()!).ToList();
        Assert.All(contents, content => Assert.InRange(Encoding.UTF8.GetByteCount(content), 1, WeComChannel.MaxContentBytes));
        Assert.Equal(digest.Markdown, string.Concat(contents));
    }

    [Fact]
    public async Task An_errcode_in_an_HTTP_200_answer_fails_naming_the_errcode_and_not_the_key()
    {
        _sink.Respond = _ => SinkResponse.Json("""{"errcode":93000,"errmsg":"invalid webhook url, hint: [1700000000_1_abc]"}""");

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => Channel().SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("errcode 93000", failure.Message, StringComparison.Ordinal);
        Assert.Equal(ChannelErrorKind.Refused, failure.Kind);
        Assert.Contains("invalid webhook url", failure.Message, StringComparison.Ordinal);
        Assert.Contains("office-robot", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RobotKey, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rate_limit_errcode_says_it_is_the_rate_limit()
    {
        _sink.Respond = _ => SinkResponse.Json("""{"errcode":45009,"errmsg":"api freq out of limit"}""");

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => Channel().SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("45009", failure.Message, StringComparison.Ordinal);
        Assert.Contains("rate limit", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_part_refused_midway_stops_the_send_and_says_which_part()
    {
        var answered = 0;
        _sink.Respond = _ => Interlocked.Increment(ref answered) == 2
            ? SinkResponse.Json("""{"errcode":45009,"errmsg":"api freq out of limit"}""")
            : SinkResponse.Ok;

        var failure = await Assert.ThrowsAsync<DigestChannelException>(
            () => Channel().SendAsync(Digests.Sample(Digests.ChineseLines(10_000)), CancellationToken.None));

        Assert.Contains("part 2 of 3", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, _sink.Requests.Count);
    }

    [Fact]
    public async Task A_retry_after_a_refused_part_posts_that_part_and_the_rest_and_not_the_parts_delivered()
    {
        var markdown = Digests.ChineseLines(10_000);
        var answered = 0;
        _sink.Respond = _ => Interlocked.Increment(ref answered) == 2
            ? SinkResponse.Json("""{"errcode":45009,"errmsg":"api freq out of limit"}""")
            : SinkResponse.Ok;
        var kept = new PartsKept();

        await Assert.ThrowsAsync<DigestChannelException>(() => Channel().SendAsync(Digests.Sample(markdown), kept.NextTry(), CancellationToken.None));
        Assert.Equal([1], kept.Recorded);
        await Channel().SendAsync(Digests.Sample(markdown), kept.NextTry(), CancellationToken.None);

        var contents = _sink.Requests.Select(r => r.Json.GetProperty("markdown").GetProperty("content").GetString()!).ToList();
        Assert.Equal(4, contents.Count);
        Assert.Equal(contents[1], contents[2]); // the refused part, posted again
        Assert.Equal(markdown, contents[0] + contents[2] + contents[3]); // what the group took: each part once, in order
        Assert.Equal([1, 2, 3], kept.Recorded);
    }

    [Fact]
    public async Task A_message_of_more_parts_than_the_robot_takes_a_minute_arrives_whole_each_part_once()
    {
        // WeCom takes 20 messages a minute from a robot and refuses the 21st (45009) until the minute is over.
        var markdown = Digests.ChineseLines(100_000);
        var taken = 0;
        _sink.Respond = _ => Interlocked.Increment(ref taken) > 20
            ? SinkResponse.Json("""{"errcode":45009,"errmsg":"api freq out of limit"}""")
            : SinkResponse.Ok;
        var kept = new PartsKept();

        var refused = await Assert.ThrowsAsync<DigestChannelException>(() => Channel().SendAsync(Digests.Sample(markdown), kept.NextTry(), CancellationToken.None));
        Assert.Contains("part 21 of", refused.Message, StringComparison.Ordinal);
        Interlocked.Exchange(ref taken, 0); // a minute later
        await Channel().SendAsync(Digests.Sample(markdown), kept.NextTry(), CancellationToken.None);

        var contents = _sink.Requests.Select(r => r.Json.GetProperty("markdown").GetProperty("content").GetString()!).ToList();
        var accepted = contents.Where((_, i) => i != 20).ToList();
        Assert.True(accepted.Count > 20, $"{accepted.Count} parts");
        Assert.Equal(markdown, string.Concat(accepted));
        Assert.Equal(Enumerable.Range(1, accepted.Count), kept.Recorded);
    }

    [Fact]
    public async Task A_retry_after_every_part_was_delivered_posts_nothing()
    {
        // A crash after the last part arrived and before the outcome was recorded.
        var markdown = Digests.ChineseLines(10_000);
        var kept = new PartsKept();
        await Channel().SendAsync(Digests.Sample(markdown), kept.NextTry(), CancellationToken.None);

        await Channel().SendAsync(Digests.Sample(markdown), kept.NextTry(), CancellationToken.None);

        Assert.Equal(3, _sink.Requests.Count);
        Assert.Equal([1, 2, 3], kept.Recorded);
    }

    [Fact]
    public async Task An_HTTP_error_fails_with_the_status_and_a_masked_address()
    {
        _sink.Respond = _ => new SinkResponse(502, $"bad gateway for key={RobotKey}");

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => Channel().SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("HTTP 502", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"{_sink.BaseUrl}/cgi-bin/webhook/send?key=***", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RobotKey, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_HTTP_error_that_echoes_the_key_across_the_cut_of_its_quoted_answer_leaves_no_part_of_the_key()
    {
        // The quoted answer is cut at 200 characters: here the cut falls ten characters into the key.
        var body = new string('.', 190) + RobotKey + " was refused";
        _sink.Respond = _ => new SinkResponse(502, body);

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => Channel().SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("HTTP 502", failure.Message, StringComparison.Ordinal);
        AssertNoPartOfTheKey(failure.Message);
    }

    [Fact]
    public async Task An_answer_without_errcode_that_echoes_the_key_across_the_cut_leaves_no_part_of_the_key()
    {
        var prefix = """{"detail":" """.TrimEnd();
        var body = prefix + new string('.', 200 - prefix.Length - 10) + RobotKey + "\"}";
        _sink.Respond = _ => SinkResponse.Json(body);

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => Channel().SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("without errcode", failure.Message, StringComparison.Ordinal);
        AssertNoPartOfTheKey(failure.Message);
    }

    private static void AssertNoPartOfTheKey(string message)
    {
        for (var i = 0; i + 4 <= RobotKey.Length; i++)
        {
            Assert.DoesNotContain(RobotKey.Substring(i, 4), message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_robot_that_cannot_be_reached_fails_without_the_key()
    {
        var closed = HttpSink.FreePort();

        var failure = await Assert.ThrowsAsync<DigestChannelException>(
            () => Channel($"http://127.0.0.1:{closed}/cgi-bin/webhook/send?key={RobotKey}").SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("could not reach", failure.Message, StringComparison.Ordinal);
        Assert.Equal(ChannelErrorKind.Unreachable, failure.Kind);
        Assert.DoesNotContain(RobotKey, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_robot_that_does_not_answer_in_time_fails_with_a_timeout()
    {
        using var http = new ChannelHttp(TimeSpan.FromMilliseconds(300), TimeProvider.System);
        _sink.Respond = _ => SinkResponse.NoAnswer();
        var channel = new WeComChannel("office-robot", new WeComChannelOptions { Url = $"{_sink.BaseUrl}/send?key={RobotKey}" }, http, Digests.Log);

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => channel.SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("did not answer within 0.3 s", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_timeout_counts_on_the_services_clock()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var http = new ChannelHttp(ChannelHttp.DefaultTimeout, clock);
        _sink.Respond = _ => SinkResponse.NoAnswer();
        var channel = new WeComChannel("office-robot", new WeComChannelOptions { Url = $"{_sink.BaseUrl}/send?key={RobotKey}" }, http, Digests.Log);

        var sending = channel.SendAsync(Digests.Sample(), CancellationToken.None);
        await _sink.WaitForRequestsAsync(1); // the robot has the request and holds its answer
        clock.Advance(ChannelHttp.DefaultTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(sending.IsCompleted);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => sending.Within("the send to time out"));

        Assert.Contains("did not answer within 10 s", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_the_send_cancels_and_is_not_reported_as_a_channel_failure()
    {
        _sink.Respond = _ => SinkResponse.NoAnswer();
        using var cancel = new CancellationTokenSource();

        var sending = Channel().SendAsync(Digests.Sample(), cancel.Token);
        await _sink.WaitForRequestsAsync(1); // the robot has the request and holds its answer
        await cancel.CancelAsync();

        var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);

        Assert.IsNotType<DigestChannelException>(thrown);
    }

    [Fact]
    public async Task An_answer_that_is_not_the_robot_s_json_fails()
    {
        _sink.Respond = _ => new SinkResponse(200, "<html>captive portal</html>");

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => Channel().SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("not with the robot's JSON", failure.Message, StringComparison.Ordinal);
    }
}
