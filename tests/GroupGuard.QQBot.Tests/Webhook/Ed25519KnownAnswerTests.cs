using System.Text;
using GroupGuard.QQBot.Tests.Support;
using GroupGuard.QQBot.Webhook;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace GroupGuard.QQBot.Tests.Webhook;

/// <summary>
/// The signature primitive against RFC 8032, and the platform's key derivation against values not
/// made by this code: the docs' examples (事件订阅与通知 and 签名校验 in tencent-connect/bot-docs) and
/// signatures computed with Python's <c>cryptography</c> package (Ed25519PrivateKey.from_private_bytes
/// of the seed, then sign).
/// </summary>
public sealed class Ed25519KnownAnswerTests
{
    [Theory]
    // RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte, 0x72).
    [InlineData(
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [InlineData(
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    public void The_primitive_gives_the_RFC_8032_test_vectors(string secretKey, string publicKey, string message, string signature)
    {
        var key = new Ed25519PrivateKeyParameters(Convert.FromHexString(secretKey), 0);
        var bytes = Convert.FromHexString(message);
        var signed = new byte[64];

        key.Sign(Ed25519.Algorithm.Ed25519, null, bytes, 0, bytes.Length, signed, 0);

        Assert.Equal(publicKey, Convert.ToHexStringLower(key.GeneratePublicKey().GetEncoded()));
        Assert.Equal(signature, Convert.ToHexStringLower(signed));
        Assert.True(key.GeneratePublicKey().Verify(Ed25519.Algorithm.Ed25519, null, bytes, 0, bytes.Length, Convert.FromHexString(signature), 0));
    }

    [Fact]
    public void The_seed_is_the_secret_repeated_to_32_bytes_and_gives_the_public_key_of_the_docs()
    {
        // 签名校验 › DEMO: secret naOC0ocQE3shWLAfffVLB1rhYPG7, seed naOC0ocQE3shWLAfffVLB1rhYPG7naOC.
        Assert.Equal("naOC0ocQE3shWLAfffVLB1rhYPG7naOC"u8.ToArray(), QQBotKey.Seed("naOC0ocQE3shWLAfffVLB1rhYPG7"));
        Assert.Equal("DG5g3B4j9X2KOErGDG5g3B4j9X2KOErG"u8.ToArray(), QQBotKey.Seed("DG5g3B4j9X2KOErG"));
        Assert.Equal("0123456789abcdefghijklmnopqrstuv"u8.ToArray(), QQBotKey.Seed("0123456789abcdefghijklmnopqrstuvwxyzABCD"));
        Assert.Equal("abcabcabcabcabcabcabcabcabcabcab"u8.ToArray(), QQBotKey.Seed("abc"));

        byte[] documented = [215, 195, 98, 254, 120, 174, 248, 31, 242, 50, 135, 180, 147, 98, 139, 93, 176, 42, 60, 79, 227, 11, 33, 94, 77, 25, 96, 155, 93, 118, 103, 58];
        Assert.Equal(documented, new QQBotKey("naOC0ocQE3shWLAfffVLB1rhYPG7").PublicKey);
    }

    [Theory]
    // Signed with Python's cryptography over "1764151200" followed by the body below.
    [InlineData("naOC0ocQE3shWLAfffVLB1rhYPG7", "f7ee8e5b2cc4c9eb8b04bee753e5eabe896d7613dda462f146e93ebe6c95d4b10efa5c954c87c3e8b1a67cd59dec2e4b8fc3b16dbb541d28bdb5f77283e0b109")]
    [InlineData("DG5g3B4j9X2KOErG", "d1dc7290ce1d09f71239a95eb291a1592961bbeaa5e6913241bfbda7f8f79584edf5462ec73a28d8b20ecf6a8756504b6b3c5460ca8fe38870c75f08a996e40e")]
    [InlineData("0123456789abcdefghijklmnopqrstuvwxyzABCD", "31dd1049d577b14d19bedb2543d0b47f34079b5d8636e2d586e5b4d43ef69fc74a5389d1110310eb3e16a22cb418ba1c203eab097de29a1d9d29d7af6ad5e007")]
    public void A_delivery_signed_elsewhere_verifies_and_signing_gives_the_same_bytes(string secret, string signature)
    {
        var body = Encoding.UTF8.GetBytes("""{"op":0,"id":"GROUP_AT_MESSAGE_CREATE:kat","t":"GROUP_AT_MESSAGE_CREATE","d":{"content":"加微信"}}""");
        var key = new QQBotKey(secret);

        Assert.True(key.Verify("1764151200"u8, body, Convert.FromHexString(signature)));
        Assert.Equal(signature, Convert.ToHexStringLower(key.Sign("1764151200"u8, body)));
        Assert.False(key.Verify("1764151201"u8, body, Convert.FromHexString(signature)));
    }

    [Fact]
    public void The_URL_validation_is_answered_with_the_signature_of_the_docs_example()
    {
        // 事件订阅与通知: appid 11111111, secret DG5g3B4j9X2KOErG, and the answer the bot should give.
        var (receiver, _, clock) = Receivers.Create();

        var result = receiver.Deliver(clock, Samples.Bytes("op13-validation.json"));

        Assert.Equal(200, result.StatusCode);
        Assert.Null(result.Event);
        Assert.Equal(
            """{"plain_token":"Arq0D5A61EgUu4OxUvOp","signature":"87befc99c42c651b3aac0278e71ada338433ae26fcb24307bdc5ad38c1adc2d01bcfcadc0842edac85e85205028a1132afe09280305f13aa6909ffc2d652c706"}""",
            result.Answer);
    }

    [Theory]
    [InlineData("")]
    [InlineData("zz")]
    [InlineData("87befc99c42c651b3aac0278e71ada338433ae26fcb24307bdc5ad38c1adc2d01bcfcadc0842edac85e85205028a1132afe09280305f13aa6909ffc2d652c7")] // 63 bytes
    public void A_signature_that_is_not_64_bytes_of_hex_is_none(string hex) =>
        Assert.Null(QQBotKey.DecodeSignature(hex));

    [Fact]
    public void A_signature_whose_last_byte_has_its_top_bits_set_is_refused_before_any_arithmetic()
    {
        // As botgo's decodeSigBuffer: sig[63]&224 != 0 is no valid S.
        var hex = new string('0', 126) + "e0";

        Assert.Null(QQBotKey.DecodeSignature(hex));
        Assert.NotNull(QQBotKey.DecodeSignature(new string('0', 126) + "1f"));
    }
}
