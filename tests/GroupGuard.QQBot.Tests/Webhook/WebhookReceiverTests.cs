using System.Globalization;
using System.Text;
using GroupGuard.Core;
using GroupGuard.QQBot.Tests.Support;
using GroupGuard.Testing;

namespace GroupGuard.QQBot.Tests.Webhook;

/// <summary>Signature, timestamp and op code handling of one delivery, as the platform's callback works.</summary>
public sealed class WebhookReceiverTests
{
    [Fact]
    public void A_signed_group_message_is_taken_with_the_ack_of_op_12()
    {
        var (receiver, status, clock) = Receivers.Create();

        var result = receiver.Deliver(clock, Samples.Bytes("group-message-create.json"));

        Assert.Equal(200, result.StatusCode);
        Assert.Equal("""{"op":12,"d":0}""", result.Answer);
        Assert.Equal(InboundEventKind.GroupMessage, result.Event!.Kind);
        Assert.Equal(Protocol.QQBot, result.Event.Protocol);
        Assert.Equal(Receivers.AppId, result.Event.BotId);
        var state = Assert.Single(status.Connections);
        Assert.True(state.Connected);
        Assert.Equal(clock.GetUtcNow(), state.LastEventAt);
        Assert.Equal("webhook /qqbot", state.Name);
    }

    [Fact]
    public void A_forged_signature_is_refused_with_401_and_shows_on_the_connection()
    {
        var (receiver, status, clock) = Receivers.Create();
        var body = Samples.Bytes("group-message-create.json");
        var timestamp = Receivers.Now(clock);

        // Signed with another secret: a stranger who knows the format but not the AppSecret.
        var result = receiver.Receive(body, Receivers.Sign(body, timestamp, "someone-elses-secret"), timestamp);

        Assert.Equal(401, result.StatusCode);
        Assert.Null(result.Event);
        Assert.Contains("does not sign this body", result.Error, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:QQBot:AppSecret", result.Error, StringComparison.Ordinal);
        var state = Assert.Single(status.Connections);
        Assert.True(state.Connected); // a stranger's forgery must not mark the webhook down
        Assert.Contains("last delivery refused", state.LastError, StringComparison.Ordinal);
        Assert.Equal(ConnectionErrorKind.DeliveryRefused, state.LastErrorKind);

        // A good delivery clears it.
        receiver.Deliver(clock, body);
        Assert.Null(Assert.Single(status.Connections).LastError);
    }

    [Fact]
    public void A_body_changed_after_signing_is_refused()
    {
        var (receiver, _, clock) = Receivers.Create();
        var body = Samples.Bytes("group-message-create.json");
        var timestamp = Receivers.Now(clock);
        var signature = Receivers.Sign(body, timestamp);
        var changed = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("tg2025", "tg2026", StringComparison.Ordinal));

        Assert.Equal(401, receiver.Receive(changed, signature, timestamp).StatusCode);
        Assert.Equal(401, receiver.Receive(body, signature, (long.Parse(timestamp, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture)).StatusCode);
        Assert.Equal(200, receiver.Receive(body, signature, timestamp).StatusCode);
    }

    [Theory]
    [InlineData(null, "1764151200", "missing X-Signature-Ed25519")]
    [InlineData("sig", null, "missing X-Signature-Timestamp")]
    [InlineData("not-hex", "now", "128 hex digits")]
    [InlineData("sig", "yesterday", "Unix seconds")]
    [InlineData("sig", "-1764151200", "Unix seconds")]
    public void Missing_or_unreadable_headers_are_401(string? signature, string? timestamp, string reason)
    {
        var (receiver, _, clock) = Receivers.Create();
        var body = Samples.Bytes("group-message-create.json");
        var now = Receivers.Now(clock);
        timestamp = timestamp == "now" ? now : timestamp;
        signature = signature == "sig" ? Receivers.Sign(body, timestamp ?? now) : signature;

        var result = receiver.Receive(body, signature, timestamp);

        Assert.Equal(401, result.StatusCode);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86_400)]
    public void A_delivery_signed_outside_the_window_is_refused_as_a_replay(int offsetSeconds)
    {
        var (receiver, _, clock) = Receivers.Create();
        var body = Samples.Bytes("group-message-create.json");
        var timestamp = (clock.GetUtcNow().ToUnixTimeSeconds() + offsetSeconds).ToString(CultureInfo.InvariantCulture);

        // A valid signature: only its time gives the replay away.
        var result = receiver.Receive(body, Receivers.Sign(body, timestamp), timestamp);

        Assert.Equal(401, result.StatusCode);
        Assert.Contains("more than the 300 s allowed", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void A_delivery_signed_at_the_edge_of_the_window_is_taken(int offsetSeconds)
    {
        var (receiver, _, clock) = Receivers.Create();
        var body = Samples.Bytes("group-message-create.json");
        var timestamp = (clock.GetUtcNow().ToUnixTimeSeconds() + offsetSeconds).ToString(CultureInfo.InvariantCulture);

        Assert.Equal(200, receiver.Receive(body, Receivers.Sign(body, timestamp), timestamp).StatusCode);
    }

    [Fact]
    public void The_window_is_a_setting()
    {
        var (receiver, _, clock) = Receivers.Create(Receivers.Options(o => o.SignatureWindowSeconds = 60));
        var body = Samples.Bytes("group-message-create.json");
        var timestamp = (clock.GetUtcNow().ToUnixTimeSeconds() - 61).ToString(CultureInfo.InvariantCulture);

        Assert.Equal(401, receiver.Receive(body, Receivers.Sign(body, timestamp), timestamp).StatusCode);
    }

    [Fact]
    public void The_URL_validation_needs_a_signature_too()
    {
        // Otherwise anyone could have the bot's key sign event_ts + plain_token of their choosing,
        // which is exactly what a delivery's signature covers (timestamp + body).
        var (receiver, _, clock) = Receivers.Create();
        var body = Encoding.UTF8.GetBytes("""{"op":13,"d":{"plain_token":"{\"op\":0}","event_ts":"1764151200"}}""");

        Assert.Equal(401, receiver.Receive(body, null, Receivers.Now(clock)).StatusCode);
        Assert.Equal(401, receiver.Receive(body, Receivers.Sign(body, Receivers.Now(clock), "forged-secret"), Receivers.Now(clock)).StatusCode);
    }

    [Theory]
    [InlineData("""{"op":13,"d":{"event_ts":"1725442341"}}""", "d.plain_token")]
    [InlineData("""{"op":13,"d":{"plain_token":"x","event_ts":1725442341}}""", "d.event_ts")]
    [InlineData("""{"op":13}""", "field 'd'")]
    public void A_URL_validation_without_its_fields_is_400(string body, string field)
    {
        var (receiver, _, clock) = Receivers.Create();

        var result = receiver.Deliver(clock, body);

        Assert.Equal(400, result.StatusCode);
        Assert.Contains(field, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_token_past_its_bound_is_400()
    {
        var (receiver, _, clock) = Receivers.Create();

        var result = receiver.Deliver(clock, $$$"""{"op":13,"d":{"plain_token":"{{{new string('a', QQBotLimits.MaxValidationFieldLength + 1)}}}","event_ts":"1725442341"}}""");

        Assert.Equal(400, result.StatusCode);
    }

    [Theory]
    [InlineData("c2c-message-create.json", "C2C_MESSAGE_CREATE")]
    [InlineData("group-add-robot.json", "GROUP_ADD_ROBOT")]
    public void Other_events_are_acknowledged_and_not_moderated(string sample, string detail)
    {
        var (receiver, _, clock) = Receivers.Create();

        var result = receiver.Deliver(clock, Samples.Bytes(sample));

        Assert.Equal(200, result.StatusCode);
        Assert.Equal("""{"op":12,"d":0}""", result.Answer);
        Assert.Equal(InboundEventKind.Ignored, result.Event!.Kind);
        Assert.Null(result.Event.Message);
        Assert.Equal(detail, result.Event.Detail);
    }

    [Theory]
    [InlineData("""{"op":7}""")]
    [InlineData("""{"op":99,"d":{}}""")]
    public void Unknown_op_codes_are_acknowledged_without_action(string body)
    {
        var (receiver, _, clock) = Receivers.Create();

        var result = receiver.Deliver(clock, body);

        Assert.Equal(200, result.StatusCode);
        Assert.Equal("""{"op":12,"d":0}""", result.Answer);
        Assert.Null(result.Event);
    }

    [Fact]
    public void A_heartbeat_is_answered_with_op_11_and_its_sequence_as_botgo_does()
    {
        var (receiver, _, clock) = Receivers.Create();

        Assert.Equal("""{"op":11,"d":42}""", receiver.Deliver(clock, """{"op":1,"d":42}""").Answer);
    }

    [Theory]
    [InlineData("""{"op":0,"d":{}""", "malformed JSON")]
    [InlineData("""{"op":0,"t":"GROUP_MESSAGE_CREATE","d":{}} trailing""", "malformed JSON")]
    [InlineData("""[1,2]""", "JSON object")]
    [InlineData("""{"op":"0"}""", "'op'")]
    [InlineData("""{"op":1.5}""", "'op'")]
    [InlineData("""{"op":0,"d":{}}""", "field 't'")]
    [InlineData("""{"op":0,"t":"GROUP_MESSAGE_CREATE"}""", "missing field 'd'")]
    public void Broken_payloads_are_400_with_the_reason(string body, string reason)
    {
        var (receiver, _, clock) = Receivers.Create();

        var result = receiver.Deliver(clock, body);

        Assert.Equal(400, result.StatusCode);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_past_the_bound_is_400()
    {
        var (receiver, _, clock) = Receivers.Create();
        var deep = new string('[', JsonBody.MaxDepth) + new string(']', JsonBody.MaxDepth);

        Assert.Equal(400, receiver.Deliver(clock, $$$"""{"op":0,"t":"X","d":{{{deep}}}}""").StatusCode);
    }

    [Fact]
    public void A_byte_order_mark_is_skipped()
    {
        var (receiver, _, clock) = Receivers.Create();
        byte[] body = [0xEF, 0xBB, 0xBF, .. Samples.Bytes("group-message-create.json")];

        Assert.Equal(200, receiver.Deliver(clock, body).StatusCode);
    }

    [Fact]
    public void Without_an_AppID_and_AppSecret_the_endpoint_is_not_there()
    {
        var (receiver, status, clock) = Receivers.Create(new QQBotOptions());
        var body = Samples.Bytes("group-message-create.json");

        var result = receiver.Receive(body, Receivers.Sign(body, Receivers.Now(clock)), Receivers.Now(clock));

        Assert.Equal(404, result.StatusCode);
        Assert.Contains("GroupGuard:QQBot:AppId", result.Error, StringComparison.Ordinal);
        Assert.Empty(status.Connections);
    }

    [Fact]
    public void A_changed_secret_takes_effect_on_the_next_delivery()
    {
        var options = new SettableOptions<QQBotOptions>(Receivers.Options());
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Receivers.SamplesTime);
        var receiver = new QQBot.Webhook.QQBotWebhookReceiver(options, clock, new QQBotStatus(options, clock));
        var body = Samples.Bytes("group-message-create.json");
        Assert.Equal(200, receiver.Deliver(clock, body).StatusCode);

        options.CurrentValue = Receivers.Options(o => o.AppSecret = "rotated-secret-2026");

        Assert.Equal(401, receiver.Deliver(clock, body).StatusCode);
        Assert.Equal(200, receiver.Deliver(clock, body, "rotated-secret-2026").StatusCode);
    }
}
