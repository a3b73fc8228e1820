using GroupGuard.Channels.Tests.Support;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Channels.Tests;

/// <summary>
/// A robot's answer is read up to <see cref="ChannelHttp.MaxAnswerBytes"/>: a longer one, or one
/// that never ends, fails the send unread, naming the bound. On a clock that never moves, so the
/// request's timeout cannot be what ends it. It failed the client's buffer and was reported as
/// "could not reach" a robot that had answered.
/// </summary>
public sealed class AnswerBoundTests : IAsyncLifetime
{
    private const string TooLong = "answered HTTP 200 with more than 1048576 bytes, which are not read, so the digest may not have arrived";

    private readonly HttpSink _sink = HttpSink.Start();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1700000000));
    private readonly ChannelHttp _http;

    public AnswerBoundTests() => _http = new ChannelHttp(ChannelHttp.DefaultTimeout, _time);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sink.DisposeAsync();
    }

    [Fact]
    public async Task A_wecom_robot_whose_answer_never_ends_fails_the_send_once_a_mebibyte_has_come()
    {
        _sink.Respond = _ => SinkResponse.NeverEnding("""{"errcode":0,"errmsg":"ok""");
        var channel = new WeComChannel("office-robot", new WeComChannelOptions { Url = $"{_sink.BaseUrl}/cgi-bin/webhook/send?key=robot-key" }, _http, Digests.Log);

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => channel.SendAsync(Digests.Sample(), CancellationToken.None).Within("the send"));

        Assert.StartsWith($"wecom channel 'office-robot': http://127.0.0.1:{_sink.Port}/cgi-bin/webhook/send?key=", failure.Message, StringComparison.Ordinal);
        Assert.EndsWith(TooLong, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("robot-key", failure.Message, StringComparison.Ordinal);
        Assert.Single(_sink.Requests);
    }

    [Fact]
    public async Task A_dingtalk_robot_that_answers_two_mebibytes_fails_the_send_unread()
    {
        _sink.Respond = _ => SinkResponse.Json($$"""{"errcode":0,"errmsg":"{{new string('x', 2 * 1024 * 1024)}}"}""");
        var channel = new DingTalkChannel("ding", new DingTalkChannelOptions { Url = $"{_sink.BaseUrl}/robot/send?access_token=ding-token", Secret = "SEC0123" }, _http, _time, Digests.Log);

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => channel.SendAsync(Digests.Sample(), CancellationToken.None).Within("the send"));

        Assert.EndsWith(TooLong, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ding-token", failure.Message, StringComparison.Ordinal);
        Assert.Single(_sink.Requests);
    }

    [Fact]
    public async Task A_feishu_robot_whose_answer_never_ends_fails_the_send_once_a_mebibyte_has_come()
    {
        _sink.Respond = _ => SinkResponse.NeverEnding("""{"code":0,"msg":"success","data":{"pad":"x""");
        var channel = new FeishuChannel("lark", new FeishuChannelOptions { Url = $"{_sink.BaseUrl}/open-apis/bot/v2/hook/hook-id" }, _http, _time, Digests.Log);

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => channel.SendAsync(Digests.Sample(), CancellationToken.None).Within("the send"));

        Assert.EndsWith(TooLong, failure.Message, StringComparison.Ordinal);
        Assert.Single(_sink.Requests);
    }

    [Fact]
    public async Task An_answer_that_breaks_off_halfway_is_a_failed_send_that_may_have_arrived()
    {
        // Read apart from the request, a broken answer is an IOException, not an HttpRequestException.
        _sink.Respond = _ => SinkResponse.Json("""{"errcode":0,""") with { BreaksOff = true };
        var channel = new WeComChannel("office-robot", new WeComChannelOptions { Url = $"{_sink.BaseUrl}/cgi-bin/webhook/send?key=robot-key" }, _http, Digests.Log);

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => channel.SendAsync(Digests.Sample(), CancellationToken.None).Within("the send"));

        Assert.Contains("broke while it answered, so the digest may not have arrived", failure.Message, StringComparison.Ordinal);
        Assert.Equal(ChannelErrorKind.Uncertain, failure.Kind); // the console: 对方应答不完整或不对，可能已送达
        Assert.DoesNotContain("robot-key", failure.Message, StringComparison.Ordinal);
    }
}
