using System.Runtime.InteropServices;
using System.Security.Cryptography;
using GroupGuard.Milky.Parsing;
using Microsoft.Extensions.Options;

namespace GroupGuard.Milky;

/// <summary>Checks a pushed event's Bearer token in constant time, then reads it. Stateless, so one instance serves every request.</summary>
internal sealed class MilkyWebhookReceiver(IOptionsMonitor<MilkyOptions> options, TimeProvider time) : IMilkyWebhookReceiver
{
    private readonly MilkyEventParser _parser = new(time);

    public MilkyWebhookResult Receive(ReadOnlySpan<byte> body, string? authorizationHeader)
    {
        var token = options.CurrentValue.AccessToken;
        if (!string.IsNullOrEmpty(token))
        {
            if (string.IsNullOrEmpty(authorizationHeader))
            {
                return new MilkyWebhookResult(401, $"missing Authorization header: {MilkyOptions.Section}:{nameof(MilkyOptions.AccessToken)} is set; give the bridge the same access token", null);
            }

            if (!BearerMatches(token, authorizationHeader))
            {
                return new MilkyWebhookResult(401, $"Authorization header does not carry the access token: the bridge's access token is not the one in {MilkyOptions.Section}:{nameof(MilkyOptions.AccessToken)}", null);
            }
        }

        return _parser.Parse(body);
    }

    private static bool BearerMatches(string token, string header)
    {
        var expected = "Bearer " + token;
        // UTF-16 code units compared in a time that does not depend on where they differ.
        return CryptographicOperations.FixedTimeEquals(
            MemoryMarshal.AsBytes(expected.AsSpan()),
            MemoryMarshal.AsBytes(header.AsSpan()));
    }
}
