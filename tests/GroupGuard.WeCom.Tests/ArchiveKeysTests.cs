using System.Security.Cryptography;
using System.Text;

namespace GroupGuard.WeCom.Tests;

/// <summary>
/// The corporation's private keys of <c>GroupGuard:WeCom:Archive:PrivateKeys</c>: loaded at start
/// from PEM files, each file that cannot serve named by its setting and path, and random keys
/// decrypted with the key of their version.
/// </summary>
public sealed class ArchiveKeysTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static ArchiveKeyException Refused(Dictionary<string, string> keys) =>
        Assert.Throws<ArchiveKeyException>(() => new ArchiveKeys(keys));

    private static string Encrypt(RSA key, string randomKey) =>
        Convert.ToBase64String(key.Encrypt(Encoding.UTF8.GetBytes(randomKey), RSAEncryptionPadding.Pkcs1));

    [Fact]
    public void Keys_of_both_pem_forms_decrypt_the_random_keys_of_their_version()
    {
        using var keys = new ArchiveKeys(new Dictionary<string, string>
        {
            ["1"] = _folder.Write("v1.pem", TestKeys.First.ExportRSAPrivateKeyPem()),
            ["2"] = _folder.Write("v2.pem", TestKeys.Second.ExportPkcs8PrivateKeyPem()),
        });

        Assert.True(keys.TryDecryptRandomKey(1, Encrypt(TestKeys.First, "aGVsbG8gd29ybGQhIQ"), out var first, out _));
        Assert.True(keys.TryDecryptRandomKey(2, Encrypt(TestKeys.Second, "0123456789abcdef"), out var second, out _));
        Assert.Equal("aGVsbG8gd29ybGQhIQ", first);
        Assert.Equal("0123456789abcdef", second);
        Assert.Equal([1, 2], keys.Versions);
    }

    [Fact]
    public void A_random_key_that_is_not_base64_cannot_be_decrypted()
    {
        using var keys = new ArchiveKeys(new Dictionary<string, string> { ["1"] = _folder.Write("v1.pem", TestKeys.First.ExportRSAPrivateKeyPem()) });

        Assert.False(keys.TryDecryptRandomKey(1, "not base64!", out _, out var error));
        Assert.Equal("cannot decrypt with the key of publickey_ver 1: the random key is not base64", error);
    }

    [Fact]
    public void A_missing_file_names_the_setting_and_the_path()
    {
        var path = _folder.File("keys/v3.pem");

        var failure = Refused(new() { ["3"] = path });

        Assert.Equal($"GroupGuard:WeCom:Archive:PrivateKeys:3: there is no file at {path}", Assert.Single(failure.Problems));
    }

    [Fact]
    public void A_public_key_or_certificate_is_not_taken_for_a_private_key()
    {
        var path = _folder.Write("v1.pem", TestKeys.First.ExportSubjectPublicKeyInfoPem());

        var failure = Refused(new() { ["1"] = path });

        Assert.Equal(
            $"GroupGuard:WeCom:Archive:PrivateKeys:1: {path} holds PUBLIC KEY, not a private key (BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY)",
            Assert.Single(failure.Problems));
    }

    [Fact]
    public void A_file_that_is_not_pem_is_refused()
    {
        var path = _folder.Write("v1.pem", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ");

        var failure = Refused(new() { ["1"] = path });

        Assert.Contains($"PrivateKeys:1: {path} is not a PEM private key", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_encrypted_with_a_password_is_refused_saying_how_to_store_it()
    {
        var pem = TestKeys.First.ExportEncryptedPkcs8PrivateKeyPem("password", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000));
        var path = _folder.Write("v1.pem", pem);

        var failure = Refused(new() { ["1"] = path });

        Assert.Contains($"PrivateKeys:1: {path} holds a private key encrypted with a password", failure.Message, StringComparison.Ordinal);
        Assert.Contains("openssl pkey", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_key_block_that_holds_no_rsa_key_is_refused()
    {
        var path = _folder.Write("v1.pem", PemEncoding.WriteString("RSA PRIVATE KEY", RandomNumberGenerator.GetBytes(600)));
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ecPath = _folder.Write("v2.pem", ec.ExportPkcs8PrivateKeyPem());

        var failure = Refused(new() { ["1"] = path, ["2"] = ecPath });

        Assert.Collection(
            failure.Problems,
            p => Assert.StartsWith($"GroupGuard:WeCom:Archive:PrivateKeys:1: {path} holds a RSA PRIVATE KEY that is not a readable RSA private key", p, StringComparison.Ordinal),
            p => Assert.StartsWith($"GroupGuard:WeCom:Archive:PrivateKeys:2: {ecPath} holds a PRIVATE KEY that is not a readable RSA private key", p, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_bad_key_is_named_at_once_and_a_name_must_be_a_version()
    {
        var good = _folder.Write("v1.pem", TestKeys.First.ExportRSAPrivateKeyPem());

        var failure = Refused(new()
        {
            ["1"] = good,
            ["01"] = good,
            ["latest"] = good,
            ["4"] = "",
            ["5"] = _folder.File("absent.pem"),
        });

        Assert.Equal(
            [
                "GroupGuard:WeCom:Archive:PrivateKeys:1: publickey_ver 1 is set already by GroupGuard:WeCom:Archive:PrivateKeys:01",
                "GroupGuard:WeCom:Archive:PrivateKeys:4: no path is given; set it to the PEM file of that key pair's private key",
                $"GroupGuard:WeCom:Archive:PrivateKeys:5: there is no file at {_folder.File("absent.pem")}",
                "GroupGuard:WeCom:Archive:PrivateKeys:latest: the name must be the key's publickey_ver, a whole number",
            ],
            failure.Problems);
    }

    [Fact]
    public void No_key_at_all_is_refused()
    {
        var failure = Refused([]);

        Assert.StartsWith("GroupGuard:WeCom:Archive:PrivateKeys: no key is set", Assert.Single(failure.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void No_message_shows_key_material()
    {
        var pem = TestKeys.First.ExportRSAPrivateKeyPem();
        var damaged = pem.Replace("MII", "MIJ", StringComparison.Ordinal);
        var path = _folder.Write("v1.pem", damaged);

        var failure = Refused(new() { ["1"] = path });

        var body = pem.Split('\n')[1];
        Assert.DoesNotContain(body[..20], failure.Message, StringComparison.Ordinal);
    }
}
