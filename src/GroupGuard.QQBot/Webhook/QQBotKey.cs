using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace GroupGuard.QQBot.Webhook;

/// <summary>
/// The Ed25519 key pair of one AppSecret, as the platform derives it (事件订阅与通知 › 签名校验; botgo
/// <c>interaction/signature</c>): the secret's UTF-8 bytes repeated until there are 32, the first
/// 32 of them the seed. The platform signs <c>X-Signature-Timestamp</c> followed by the raw body
/// with it; GroupGuard verifies that, and signs <c>event_ts</c> followed by <c>plain_token</c> to
/// answer the callback URL validation.
/// </summary>
internal sealed class QQBotKey
{
    public const int SeedSize = 32;
    public const int SignatureSize = 64;

    private readonly Ed25519PrivateKeyParameters _private;
    private readonly Ed25519PublicKeyParameters _public;

    public QQBotKey(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        Secret = secret;
        var seed = Seed(secret);
        _private = new Ed25519PrivateKeyParameters(seed, 0);
        _public = _private.GeneratePublicKey();
    }

    /// <summary>The secret this key belongs to, so a cached key can be told stale after a reload.</summary>
    public string Secret { get; }

    public byte[] PublicKey => _public.GetEncoded();

    /// <summary>The 32-byte seed: the secret's bytes over and over (the docs' Go doubles the string, which gives the same prefix).</summary>
    public static byte[] Seed(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        var seed = new byte[SeedSize];
        for (var i = 0; i < SeedSize; i++)
        {
            seed[i] = bytes[i % bytes.Length];
        }

        return seed;
    }

    /// <summary>The signature of <paramref name="prefix"/> followed by <paramref name="content"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> content)
    {
        var message = Join(prefix, content);
        var signature = new byte[SignatureSize];
        _private.Sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.Length, signature, 0);
        return signature;
    }

    /// <summary>Whether <paramref name="signature"/> signs <paramref name="prefix"/> followed by <paramref name="content"/>.</summary>
    /// <remarks>
    /// Verification recomputes a point from public data and compares it; nothing secret is compared,
    /// so there is no early-exit comparison to time, unlike an HMAC check.
    /// </remarks>
    public bool Verify(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> content, byte[] signature)
    {
        if (signature.Length != SignatureSize)
        {
            return false;
        }

        var message = Join(prefix, content);
        return _public.Verify(Ed25519.Algorithm.Ed25519, null, message, 0, message.Length, signature, 0);
    }

    /// <summary>
    /// The header's 128 hex digits as 64 bytes, or null. Like botgo, a signature whose last byte has
    /// any of its top three bits set is refused before any arithmetic (no valid S has them).
    /// </summary>
    public static byte[]? DecodeSignature(string? hex)
    {
        if (hex is null || hex.Length != SignatureSize * 2)
        {
            return null;
        }

        try
        {
            var bytes = Convert.FromHexString(hex);
            return (bytes[63] & 0xE0) == 0 ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[] Join(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> content)
    {
        var message = new byte[prefix.Length + content.Length];
        prefix.CopyTo(message);
        content.CopyTo(message.AsSpan(prefix.Length));
        return message;
    }
}
