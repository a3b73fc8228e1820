using System.Net;
using System.Text;
using System.Text.Json;
using GroupGuard.Core;

namespace GroupGuard.Host.Tests;

/// <summary>From a webhook as NapCat, LLOneBot, Lagrange or a v12 bridge sends it, to an incident row.</summary>
public sealed class WebhookToIncidentTests
{
    [Fact]
    public async Task A_signed_napcat_message_with_a_rule_term_becomes_an_incident()
    {
        using var service = new GroupGuardFactory();
        var body = GroupGuardFactory.Sample("napcat-group-array.json");

        var response = await service.PostV11Async(body);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        Assert.Equal("qq", incident.Platform);
        Assert.Equal("10001", incident.BotId);
        Assert.Equal("123456", incident.GroupId);
        Assert.Equal("20002", incident.UserId);
        Assert.Equal("-2147001234", incident.MessageId);
        Assert.Equal("王同学", incident.SenderName);
        Assert.Equal(SenderRole.Member, incident.SenderRole);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764150000), incident.Time);
        Assert.Equal("test-ads", incident.Pack);
        Assert.Equal("ads.contact", incident.Rule);
        Assert.Equal("ads", incident.Category);
        Assert.Equal(Severity.Medium, incident.Severity);
        Assert.Equal("加微信", incident.MatchedTerm);
        Assert.Contains("想要资料的加微信 abc123", incident.MessageText, StringComparison.Ordinal);
        Assert.Equal(ModerationAction.Recall, incident.DecidedAction);
    }

    [Fact]
    public async Task A_cq_string_message_is_unescaped_before_matching()
    {
        using var service = new GroupGuardFactory();

        var response = await service.PostV11Async(GroupGuardFactory.Sample("napcat-group-string.json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        Assert.Equal("ads.site", incident.Rule);
        Assert.Equal(Severity.High, incident.Severity);
        Assert.Equal("看这里 https://prize.xyz/get [限时]", incident.MessageText);
    }

    [Fact]
    public async Task Clean_chat_own_messages_and_meta_events_make_no_incident()
    {
        using var service = new GroupGuardFactory();

        Assert.Equal(HttpStatusCode.NoContent, (await service.PostV11Async(GroupGuardFactory.Sample("lagrange-group.json"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await service.PostV11Async(GroupGuardFactory.Sample("napcat-message-sent.json"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await service.PostV11Async(GroupGuardFactory.Sample("napcat-heartbeat.json"))).StatusCode);

        Assert.Empty(await service.IncidentsAfterAsync(1));
    }

    [Fact]
    public async Task The_same_event_delivered_twice_is_processed_once()
    {
        using var service = new GroupGuardFactory();
        var body = GroupGuardFactory.Sample("napcat-group-array.json");

        var first = await service.PostV11Async(body);
        var second = await service.PostV11Async(body);
        var next = await service.PostV11Async(GroupGuardFactory.Sample("lagrange-group.json"));

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, next.StatusCode);
        Assert.Single(await service.IncidentsAfterAsync(2));

        // The worker takes messages in order: after the first came the next message, not the redelivery.
        Assert.Equal(["-2147001234", "-1389473842"], service.Handled.Items.Select(m => m.MessageId));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("sha1=0000000000000000000000000000000000000000", HttpStatusCode.Forbidden)]
    [InlineData("sha256=abcdef", HttpStatusCode.Forbidden)]
    public async Task Unsigned_or_wrongly_signed_events_are_refused_and_not_recorded(string? signature, HttpStatusCode expected)
    {
        using var service = new GroupGuardFactory();
        var body = GroupGuardFactory.Sample("napcat-group-array.json");

        var refused = await service.PostV11Async(body, signature);
        var accepted = await service.PostV11Async(GroupGuardFactory.Sample("lagrange-group.json"));

        Assert.Equal(expected, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
        Assert.Empty(await service.IncidentsAfterAsync(1));
    }

    [Fact]
    public async Task A_signature_over_other_bytes_is_refused()
    {
        using var service = new GroupGuardFactory();
        var body = GroupGuardFactory.Sample("napcat-group-array.json");

        var response = await service.PostV11Async(body.Replace("加微信", "加薇信", StringComparison.Ordinal), GroupGuardFactory.Sign(body));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Malformed_and_oversized_bodies_are_refused_and_the_service_keeps_serving()
    {
        using var service = new GroupGuardFactory();
        const string malformed = "{\"post_type\":\"message\",";
        var oversized = "{\"post_type\":\"message\",\"pad\":\"" + new string('x', 1024 * 1024 + 10) + "\"}";

        var bad = await service.PostV11Async(malformed);
        var big = await service.PostV11Async(oversized);
        var ok = await service.PostV11Async(GroupGuardFactory.Sample("napcat-group-array.json"));
        var health = await service.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var reason = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()))
        {
            Assert.False(string.IsNullOrWhiteSpace(reason.RootElement.GetProperty("error").GetString()));
        }

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Single(await service.IncidentsAfterAsync(1));
    }

    [Fact]
    public async Task An_oversized_v12_body_is_refused_and_the_service_keeps_serving()
    {
        using var service = new GroupGuardFactory();
        var oversized = "{\"type\":\"message\",\"pad\":\"" + new string('x', 1024 * 1024) + "\"}";

        var big = await service.PostV12Async(oversized);
        var ok = await service.PostV12Async(GroupGuardFactory.Sample("v12-wechat-group.json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Contains("body over 1048576 bytes", await big.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
    }

    [Fact]
    public async Task Without_Content_Length_a_body_is_read_to_exactly_one_MiB_and_refused_past_it()
    {
        using var service = new GroupGuardFactory();
        var json = GroupGuardFactory.GroupEvent(41, "加微信领资料");
        var exact = json + new string(' ', 1024 * 1024 - Encoding.UTF8.GetByteCount(json));
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/onebot/v11") { Content = new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(exact))) };
        chunked.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        chunked.Headers.Add("X-Signature", GroupGuardFactory.Sign(exact));

        // A body that goes on past the limit is refused there, before its sender has finished.
        using var endless = new StalledBody(1024 * 1024 + 1, declaredLength: null);
        using var over = new HttpRequestMessage(HttpMethod.Post, "/onebot/v11") { Content = endless };

        var read = await service.Server.CreateClient().SendAsync(chunked);
        var refused = await service.Server.CreateClient().SendAsync(over).Within("the answer while the body is still coming");

        Assert.Null(chunked.Content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        Assert.Equal("41", (await service.HandledAsync("41")).MessageId);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
    }

    [Fact]
    public async Task A_v12_wechat_message_with_the_right_token_becomes_an_incident()
    {
        using var service = new GroupGuardFactory();
        var body = GroupGuardFactory.Sample("v12-wechat-group.json");

        var wrong = await service.PostV12Async(body, "not-the-token");
        var missing = await service.PostV12Async(body, token: null);
        var right = await service.PostV12Async(body);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, right.StatusCode);
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        Assert.Equal("wechat", incident.Platform);
        Assert.Equal("wxid_bot001", incident.BotId);
        Assert.Equal("12345678901@chatroom", incident.GroupId);
        Assert.Equal("wxid_zhangsan", incident.UserId);
        Assert.Equal("6408259393210944731", incident.MessageId);
        Assert.Equal("私聊领取", incident.MatchedTerm);
    }

    [Fact]
    public async Task Health_reports_storage_rules_and_each_adapters_last_event()
    {
        using var service = new GroupGuardFactory();
        await service.PostV11Async(GroupGuardFactory.Sample("napcat-heartbeat.json"));
        await service.PostV11Async("not json");

        var response = await service.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = health.RootElement;
        Assert.Equal("healthy", root.GetProperty("status").GetString());
        Assert.Equal("ok", root.GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal(2, root.GetProperty("rules").GetProperty("rules").GetInt32());
        var adapter = Assert.Single(root.GetProperty("adapters").EnumerateArray());
        Assert.Equal("onebot.v11", adapter.GetProperty("protocol").GetString());
        Assert.Equal("10001", adapter.GetProperty("bot_id").GetString());
        Assert.True(adapter.GetProperty("last_event_at").GetDateTimeOffset() > DateTimeOffset.UnixEpoch);
        Assert.Equal(1, root.GetProperty("rejected_webhooks").GetProperty("onebot.v11:400").GetInt64());
    }
}

/// <summary>Bytes whose length the client cannot know ahead, so it sends them without <c>Content-Length</c>.</summary>
internal sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
{
    public override bool CanSeek => false;
}
