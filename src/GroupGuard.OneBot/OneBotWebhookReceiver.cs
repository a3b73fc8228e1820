using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.OneBot.Parsing;
using GroupGuard.OneBot.V11;
using GroupGuard.OneBot.V12;
using Microsoft.Extensions.Options;

namespace GroupGuard.OneBot;

/// <summary>
/// Verifies, parses and classifies OneBot webhook deliveries. Stateless apart from cached key
/// bytes, so one instance serves every request. The host enforces the body size limit, dedupes
/// and queues; this class only decides what a delivery is.
/// </summary>
public sealed class OneBotWebhookReceiver
{
    private readonly IOptionsMonitor<OneBotOptions> _options;
    private readonly TimeProvider _time;

    // Derived from the current options and replaced as a whole when they change.
    private HmacKey? _hmacKey;
    private BearerValue? _bearer;

    /// <param name="options">The secret and access token, read per request.</param>
    /// <param name="time">The server clock that message times are checked against.</param>
    public OneBotWebhookReceiver(IOptionsMonitor<OneBotOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
    }

    /// <summary>
    /// A OneBot v11 HTTP POST event. With a secret configured, <paramref name="signatureHeader"/>
    /// (<c>X-Signature</c>) must be <c>sha1=</c> and the HMAC-SHA1 of exactly <paramref name="body"/>.
    /// </summary>
    public WebhookResult ReceiveV11(ReadOnlySpan<byte> body, string? signatureHeader)
    {
        var secret = _options.CurrentValue.Secret;
        if (!string.IsNullOrEmpty(secret))
        {
            if (string.IsNullOrEmpty(signatureHeader))
            {
                return new WebhookResult(401, $"missing X-Signature header: {OneBotOptions.Section}:{nameof(OneBotOptions.Secret)} is set, so events must be signed; give the bridge the same secret (its token)", null);
            }

            switch (V11Signature.Verify(KeyFor(secret), body, signatureHeader))
            {
                case V11Signature.Check.Malformed:
                    return new WebhookResult(403, "X-Signature must be sha1=<40 hex digits> (the HMAC-SHA1 of the body with the secret)", null);
                case V11Signature.Check.Mismatch:
                    return new WebhookResult(403, $"X-Signature does not match the body: the bridge's secret (its token) is not the one in {OneBotOptions.Section}:{nameof(OneBotOptions.Secret)}", null);
            }
        }

        return Parse(body, V11EventReader.Read);
    }

    /// <summary>
    /// A OneBot v11 event that came as a WebSocket message: the same parsing and bounds as an HTTP
    /// POST, without a signature (communication/ws.md: WebSocket events are not signed; the socket
    /// was authenticated when it was opened).
    /// </summary>
    internal WebhookResult ReceiveV11Frame(ReadOnlySpan<byte> frame) => Parse(frame, V11EventReader.Read);

    /// <summary>
    /// A OneBot v12 webhook event. With an access token configured, <paramref name="authorizationHeader"/>
    /// must be exactly <c>Bearer &lt;token&gt;</c>.
    /// </summary>
    public WebhookResult ReceiveV12(ReadOnlySpan<byte> body, string? authorizationHeader)
    {
        var token = _options.CurrentValue.AccessToken;
        if (!string.IsNullOrEmpty(token))
        {
            if (string.IsNullOrEmpty(authorizationHeader))
            {
                return new WebhookResult(401, $"missing Authorization header: {OneBotOptions.AccessTokenSetting} is set; give the bridge the same access token", null);
            }

            if (!BearerMatches(token, authorizationHeader))
            {
                return new WebhookResult(401, $"Authorization header does not carry the access token: the bridge's access token is not the one in {OneBotOptions.AccessTokenSetting}", null);
            }
        }

        return Parse(body, V12EventReader.Read);
    }

    private WebhookResult Parse(ReadOnlySpan<byte> body, Func<JsonElement, InboundEvent> read)
    {
        try
        {
            using var document = JsonBody.Parse(body);

            var inbound = read(document.Root);
            if (inbound.Message is { } message)
            {
                // Only messages are held to the clock: heartbeats of some implementations carry odd
                // times, and nothing is kept or counted by a meta event's time.
                if (MessageLimits.TimeProblem("time", message.Time, _time.GetUtcNow()) is { } problem)
                {
                    return new WebhookResult(400, problem, null);
                }

                if (MessageLimits.ScanLength(message) > MessageLimits.MaxTextLength)
                {
                    return new WebhookResult(413, $"message text over {MessageLimits.MaxTextLength} characters", null);
                }
            }

            return new WebhookResult(204, null, inbound);
        }
        catch (Exception ex) when (JsonProblem.Of(ex) is { } reason)
        {
            return new WebhookResult(400, reason, null);
        }
        catch (MalformedEventException ex)
        {
            return new WebhookResult(400, ex.Message, null);
        }
        catch (OversizedEventException ex)
        {
            return new WebhookResult(413, ex.Message, null);
        }
    }

    private byte[] KeyFor(string secret)
    {
        var cached = Volatile.Read(ref _hmacKey);
        if (cached is null || !string.Equals(cached.Secret, secret, StringComparison.Ordinal))
        {
            cached = new HmacKey(secret, Encoding.UTF8.GetBytes(secret));
            Volatile.Write(ref _hmacKey, cached);
        }

        return cached.Key;
    }

    private bool BearerMatches(string token, string header)
    {
        var cached = Volatile.Read(ref _bearer);
        if (cached is null || !string.Equals(cached.Token, token, StringComparison.Ordinal))
        {
            cached = new BearerValue(token, "Bearer " + token);
            Volatile.Write(ref _bearer, cached);
        }

        // Compares the UTF-16 code units; the time taken does not depend on where they differ.
        return CryptographicOperations.FixedTimeEquals(
            MemoryMarshal.AsBytes(cached.Expected.AsSpan()),
            MemoryMarshal.AsBytes(header.AsSpan()));
    }

    private sealed record HmacKey(string Secret, byte[] Key);

    private sealed record BearerValue(string Token, string Expected);
}
