using System.Buffers;
using System.Security.Cryptography;

namespace GroupGuard.OneBot.V11;

/// <summary>The OneBot v11 HTTP POST signature: <c>X-Signature: sha1=&lt;hex HMAC-SHA1(secret, body)&gt;</c>.</summary>
internal static class V11Signature
{
    private const string Prefix = "sha1=";
    private const int HashSize = 20;

    /// <summary>What a header says of a body: a well-formed signature that matches, one that does not, or no signature at all.</summary>
    public enum Check
    {
        Valid,

        /// <summary>Well formed, but not the HMAC of these bytes with this secret.</summary>
        Mismatch,

        /// <summary>Not <c>sha1=</c> and 40 hex digits: a sender's setting or format, not its secret, is wrong.</summary>
        Malformed,
    }

    /// <summary>
    /// <see cref="Check.Valid"/> when <paramref name="header"/> is <c>sha1=</c> and the hex HMAC of
    /// exactly these bytes (either case). The comparison takes the same time wherever the first wrong
    /// byte is; the form is checked first, and depends on no secret.
    /// </summary>
    public static Check Verify(ReadOnlySpan<byte> key, ReadOnlySpan<byte> body, string header)
    {
        if (!header.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Check.Malformed;
        }

        var hex = header.AsSpan(Prefix.Length);
        if (hex.Length != HashSize * 2)
        {
            return Check.Malformed;
        }

        Span<byte> claimed = stackalloc byte[HashSize];
        if (Convert.FromHexString(hex, claimed, out _, out var written) != OperationStatus.Done || written != HashSize)
        {
            return Check.Malformed;
        }

        Span<byte> actual = stackalloc byte[HashSize];
        // SHA-1 is what OneBot v11 specifies and every implementation sends; HMAC-SHA1 is not
        // weakened by SHA-1 collisions.
        HMACSHA1.HashData(key, body, actual);
        return CryptographicOperations.FixedTimeEquals(actual, claimed) ? Check.Valid : Check.Mismatch;
    }
}
