using System.Globalization;
using System.Text;
using System.Text.Json;
using GroupGuard.Core;
using Microsoft.Extensions.Options;

namespace GroupGuard.QQBot.Webhook;

/// <summary>
/// Verifies and reads one delivery of the platform's HTTP callback (事件订阅与通知 › Webhook方式):
/// every delivery, the URL validation included, carries <c>X-Signature-Ed25519</c> over
/// <c>X-Signature-Timestamp</c> and the raw body (botgo's <c>webhook.HTTPHandler</c> checks it before
/// anything else). Payloads are <c>{id, op, d, s, t}</c>: op 13 validates the callback URL and is
/// answered with <c>plain_token</c> signed over <c>event_ts + plain_token</c>; op 0 is an event, answered
/// with op 12 once taken. Stateless apart from the cached key, so one instance serves every request.
/// </summary>
internal sealed class QQBotWebhookReceiver(IOptionsMonitor<QQBotOptions> options, TimeProvider time, QQBotStatus status) : IQQBotWebhook
{
    private const int MaxTimestampDigits = 12;

    private static readonly QQBotWebhookResult NotSetUp =
        new(404, null, null, $"the official QQ bot platform is not set up: set {QQBotOptions.Section}:{nameof(QQBotOptions.AppId)} and {nameof(QQBotOptions.AppSecret)}");

    // Derived from the current secret and replaced as a whole when it changes.
    private QQBotKey? _key;

    public QQBotWebhookResult Receive(ReadOnlySpan<byte> body, string? signature, string? timestamp)
    {
        var current = options.CurrentValue;
        if (!current.IsConfigured)
        {
            return NotSetUp;
        }

        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(timestamp))
        {
            return Refused(string.IsNullOrEmpty(signature) ? "missing X-Signature-Ed25519 header" : "missing X-Signature-Timestamp header", record: false);
        }

        if (TimestampProblem(timestamp, current) is { } problem)
        {
            return Refused(problem, record: true);
        }

        var signatureBytes = QQBotKey.DecodeSignature(signature);
        if (signatureBytes is null)
        {
            return Refused("X-Signature-Ed25519 is not the 128 hex digits of an Ed25519 signature", record: false);
        }

        var key = KeyFor(current.AppSecret!);
        if (!key.Verify(Encoding.ASCII.GetBytes(timestamp), body, signatureBytes))
        {
            return Refused($"X-Signature-Ed25519 does not sign this body; check {QQBotOptions.Section}:{nameof(QQBotOptions.AppSecret)}", record: true);
        }

        status.Delivered();
        return Read(body, key, current.AppId!);
    }

    public QQBotWebhookResult? Unavailable() => options.CurrentValue.IsConfigured ? null : NotSetUp;

    private QQBotWebhookResult Refused(string reason, bool record)
    {
        // Only what a wrong secret or clock causes goes on /healthz; a missing header is a stranger.
        if (record)
        {
            status.Refused(reason);
        }

        return new QQBotWebhookResult(401, null, null, reason);
    }

    /// <summary>
    /// Unix seconds within <see cref="QQBotOptions.SignatureWindowSeconds"/> of the server clock: a
    /// delivery captured and posted again later has a valid signature, only its time gives it away.
    /// </summary>
    private string? TimestampProblem(string timestamp, QQBotOptions current)
    {
        if (timestamp.Length > MaxTimestampDigits || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "X-Signature-Timestamp must be Unix seconds";
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var off = Math.Abs(now - seconds);
        return off > current.SignatureWindowSeconds
            ? $"X-Signature-Timestamp {seconds.ToString(CultureInfo.InvariantCulture)} is {off.ToString(CultureInfo.InvariantCulture)} s from the server clock, more than the {current.SignatureWindowSeconds.ToString(CultureInfo.InvariantCulture)} s allowed: a replay, or a wrong clock"
            : null;
    }

    private QQBotWebhookResult Read(ReadOnlySpan<byte> body, QQBotKey key, string botId)
    {
        try
        {
            using var document = JsonBody.Parse(body);

            var root = document.Root;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Malformed("the payload must be a JSON object");
            }

            if (!root.TryGetProperty("op", out var opValue) || opValue.ValueKind != JsonValueKind.Number || !opValue.TryGetInt32(out var op))
            {
                return Malformed("field 'op' must be an integer");
            }

            return op switch
            {
                0 => Dispatch(root, botId),
                1 => Heartbeat(root),
                13 => Validation(root, key),

                // Other codes belong to the WebSocket gateway; nothing to do, and the platform wants an answer.
                _ => new QQBotWebhookResult(200, QQBotAnswers.Ack, null, null),
            };
        }
        catch (Exception ex) when (JsonProblem.Of(ex) is { } reason)
        {
            return new QQBotWebhookResult(400, null, null, reason);
        }
        catch (MalformedEventException ex)
        {
            return new QQBotWebhookResult(400, null, null, ex.Message);
        }
        catch (OversizedEventException ex)
        {
            return new QQBotWebhookResult(413, null, null, ex.Message);
        }
    }

    /// <summary>op 13: <c>{plain_token, signature}</c>, the signature over <c>event_ts</c> then <c>plain_token</c>, in hex.</summary>
    private static QQBotWebhookResult Validation(JsonElement root, QQBotKey key)
    {
        if (!root.TryGetProperty("d", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedEventException("field 'd' must be an object");
        }

        var plainToken = ValidationField(data, "plain_token");
        var eventTs = ValidationField(data, "event_ts");
        var signature = Convert.ToHexStringLower(key.Sign(Encoding.UTF8.GetBytes(eventTs), Encoding.UTF8.GetBytes(plainToken)));
        var answer = JsonSerializer.Serialize(new Dictionary<string, string> { ["plain_token"] = plainToken, ["signature"] = signature });
        return new QQBotWebhookResult(200, answer, null, null);
    }

    private static string ValidationField(JsonElement data, string name)
    {
        var value = data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (string.IsNullOrEmpty(value))
        {
            throw new MalformedEventException($"field 'd.{name}' must be a non-empty string");
        }

        return value.Length <= QQBotLimits.MaxValidationFieldLength
            ? value
            : throw new MalformedEventException($"field 'd.{name}' is longer than {QQBotLimits.MaxValidationFieldLength} characters");
    }

    /// <summary>op 1, which botgo's webhook handler answers with op 11 and the sequence number it was sent.</summary>
    private static QQBotWebhookResult Heartbeat(JsonElement root)
    {
        var sequence = root.TryGetProperty("d", out var d) && d.ValueKind == JsonValueKind.Number && d.TryGetUInt32(out var s) ? s : 0;
        return new QQBotWebhookResult(200, $$"""{"op":11,"d":{{sequence.ToString(CultureInfo.InvariantCulture)}}}""", null, null);
    }

    private QQBotWebhookResult Dispatch(JsonElement root, string botId)
    {
        var type = root.TryGetProperty("t", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } name
            ? name
            : throw new MalformedEventException("field 't' must name the event of a dispatch (op 0)");

        if (!GroupMessageReader.IsGroupMessage(type))
        {
            // Private messages, group membership and the rest: taken and not moderated.
            return new QQBotWebhookResult(200, QQBotAnswers.Ack, new InboundEvent(InboundEventKind.Ignored, Protocol.QQBot, botId, null, Cut(type)), null);
        }

        if (!root.TryGetProperty("d", out var data))
        {
            throw new MalformedEventException("missing field 'd'");
        }

        var inbound = GroupMessageReader.Read(data, type, botId);
        if (inbound.Message is { } message && MessageLimits.TimeProblem("d.timestamp", message.Time, time.GetUtcNow()) is { } problem)
        {
            return new QQBotWebhookResult(400, null, null, problem);
        }

        return new QQBotWebhookResult(200, QQBotAnswers.Ack, inbound, null);
    }

    private QQBotKey KeyFor(string secret)
    {
        var cached = Volatile.Read(ref _key);
        if (cached is null || !string.Equals(cached.Secret, secret, StringComparison.Ordinal))
        {
            cached = new QQBotKey(secret);
            Volatile.Write(ref _key, cached);
        }

        return cached;
    }

    /// <summary>Real event names are a few words; a long one is cut so logs stay readable.</summary>
    private static string Cut(string type) => type.Length <= 40 ? type : string.Concat(type.AsSpan(0, 40), "…");

    private static QQBotWebhookResult Malformed(string reason) => new QQBotWebhookResult(400, null, null, JsonProblem.Malformed(reason));

    private static string ShortReason(JsonException ex)
    {
        var message = ex.Message;
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        var reason = end > 0 ? message[..end] : message.TrimEnd('.');
        return ex.LineNumber is { } line && ex.BytePositionInLine is { } offset
            ? $"{reason} (line {line + 1}, offset {offset})"
            : reason;
    }
}
