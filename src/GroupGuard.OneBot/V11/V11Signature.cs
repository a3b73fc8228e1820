using System.Buffers;
using System.Security.Cryptography;

namespace GroupGuard.OneBot.V11;

/// <summary>The OneBot v11 HTTP POST signature: <c>X-Signature: sha1=&lt;hex HMAC-SHA1(secret, body)&gt;</c>.</summary>
internal static class V11Signature
{
    private const string Prefix = "sha1=";
    private const int HashSize = 20;

    /// <summary>
    /// True when <paramref name="header"/> is <c>sha1=</c> and the hex HMAC of exactly these bytes
    /// (either case). The comparison takes the same time wherever the first wrong byte is.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<byte> key, ReadOnlySpan<byte> body, string header)
    {
        if (!header.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var hex = header.AsSpan(Prefix.Length);
        if (hex.Length != HashSize * 2)
        {
            return false;
        }

        Span<byte> claimed = stackalloc byte[HashSize];
        if (Convert.FromHexString(hex, claimed, out _, out var written) != OperationStatus.Done || written != HashSize)
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[HashSize];
        // SHA-1 is what OneBot v11 specifies and every implementation sends; HMAC-SHA1 is not
        // weakened by SHA-1 collisions.
        HMACSHA1.HashData(key, body, actual);
        return CryptographicOperations.FixedTimeEquals(actual, claimed);
    }
}
