using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GroupGuard.WeCom;

/// <summary>
/// The corporation's own RSA private keys for the chat archive, one per <c>publickey_ver</c>,
/// loaded from PEM files at start (<c>GroupGuard:WeCom:Archive:PrivateKeys:&lt;ver&gt;</c>). WeCom
/// encrypts each message's random key with the public half of one of them; this decrypts it
/// (RSA, PKCS#1 v1.5) for <see cref="IFinanceSdk.DecryptData"/>.
/// </summary>
/// <remarks>
/// Key material and random keys never appear in a message of this class. Safe to use from several
/// threads (decryptions run one at a time).
/// </remarks>
internal sealed class ArchiveKeys : IDisposable
{
    /// <summary>The setting whose children map a <c>publickey_ver</c> to a PEM file.</summary>
    public const string Setting = "GroupGuard:WeCom:Archive:PrivateKeys";

    // A 16384-bit key in PEM is about 13 KB; a bigger file is not one key.
    private const long MaxPemBytes = 64 * 1024;

    private const string Labels = "BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Dictionary<int, RSA> _keys;
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>
    /// Loads every key of <paramref name="pemPathsByVersion"/> (a <c>publickey_ver</c>, as the text
    /// of a whole number, to the path of a PEM file holding a PKCS#1 <c>RSA PRIVATE KEY</c> or an
    /// unencrypted PKCS#8 <c>PRIVATE KEY</c>). Throws <see cref="ArchiveKeyException"/> listing every
    /// key that cannot be loaded, each naming its setting and path.
    /// </summary>
    public ArchiveKeys(IReadOnlyDictionary<string, string> pemPathsByVersion)
    {
        ArgumentNullException.ThrowIfNull(pemPathsByVersion);
        var problems = new List<string>();
        var keys = new Dictionary<int, RSA>();
        var names = new Dictionary<int, string>();
        if (pemPathsByVersion.Count == 0)
        {
            problems.Add($"{Setting}: no key is set; add the PEM file of each key pair uploaded to WeCom's admin console under its publickey_ver, as {Setting}:1");
        }

        foreach (var (name, path) in pemPathsByVersion.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var setting = $"{Setting}:{name}";
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                problems.Add($"{setting}: the name must be the key's publickey_ver, a whole number");
                continue;
            }

            if (!names.TryAdd(version, setting))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{setting}: publickey_ver {version} is set already by {names[version]}"));
                continue;
            }

            if (Load(setting, path, problems) is { } key)
            {
                keys.Add(version, key);
            }
        }

        if (problems.Count > 0)
        {
            foreach (var key in keys.Values)
            {
                key.Dispose();
            }

            throw new ArchiveKeyException(problems);
        }

        _keys = keys;
    }

    /// <summary>The <c>publickey_ver</c>s there is a key for, in order.</summary>
    public IReadOnlyList<int> Versions => [.. _keys.Keys.Order()];

    /// <summary>Whether there is a key for <paramref name="version"/>.</summary>
    public bool Has(int version) => _keys.ContainsKey(version);

    /// <summary>
    /// Decrypts a record's <see cref="EncryptedRecord.EncryptRandomKey"/> with the key of
    /// <paramref name="version"/>. False, with <paramref name="error"/> saying "no private key for
    /// publickey_ver N" or "cannot decrypt with the key of publickey_ver N" and why, when there is no
    /// such key or it does not decrypt this ciphertext (a key of another version, say).
    /// </summary>
    public bool TryDecryptRandomKey(int version, string base64Ciphertext, out string randomKey, out string error)
    {
        ArgumentNullException.ThrowIfNull(base64Ciphertext);
        randomKey = "";
        if (!_keys.TryGetValue(version, out var key))
        {
            error = string.Create(CultureInfo.InvariantCulture, $"no private key for publickey_ver {version}");
            return false;
        }

        var cannot = string.Create(CultureInfo.InvariantCulture, $"cannot decrypt with the key of publickey_ver {version}");
        byte[] ciphertext;
        try
        {
            ciphertext = Convert.FromBase64String(base64Ciphertext);
        }
        catch (FormatException)
        {
            error = cannot + ": the random key is not base64";
            return false;
        }

        byte[] plain;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (ciphertext.Length != (key.KeySize + 7) / 8)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"{cannot}: the random key is {ciphertext.Length} bytes, not the {(key.KeySize + 7) / 8} of this key");
                return false;
            }

            try
            {
                plain = key.Decrypt(ciphertext, RSAEncryptionPadding.Pkcs1);
            }
            catch (CryptographicException)
            {
                error = cannot + ": the padding is wrong, so it was encrypted with another key";
                return false;
            }
        }

        try
        {
            // The random key goes to the SDK as a C string. Where the crypto library answers a
            // wrong padding with random bytes instead of an error, those almost never pass this.
            if (plain.Length == 0 || plain.Contains((byte)0))
            {
                error = cannot + ": it does not decrypt to a random key";
                return false;
            }

            randomKey = StrictUtf8.GetString(plain);
            error = "";
            return true;
        }
        catch (DecoderFallbackException)
        {
            error = cannot + ": it does not decrypt to a random key";
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Releases the keys.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var key in _keys.Values)
            {
                key.Dispose();
            }
        }
    }

    private static RSA? Load(string setting, string path, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            problems.Add($"{setting}: no path is given; set it to the PEM file of that key pair's private key");
            return null;
        }

        string text;
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                problems.Add($"{setting}: there is no file at {file.FullName}");
                return null;
            }

            if (file.Length > MaxPemBytes)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{setting}: {file.FullName} is {file.Length} bytes, too large for a PEM private key ({Labels})"));
                return null;
            }

            text = File.ReadAllText(file.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problems.Add($"{setting}: cannot read {path}: {ex.Message}");
            return null;
        }

        var found = new List<string>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label].ToString();
            if (label is "RSA PRIVATE KEY" or "PRIVATE KEY")
            {
                return Import(setting, path, label, rest[fields.Base64Data], fields.DecodedDataLength, problems);
            }

            found.Add(label);
            rest = rest[fields.Location.End..];
        }

        if (found.Contains("ENCRYPTED PRIVATE KEY"))
        {
            problems.Add($"{setting}: {path} holds a private key encrypted with a password; store it unencrypted, readable by the service only (openssl pkey -in KEY -out PLAIN)");
        }
        else if (found.Count > 0)
        {
            problems.Add($"{setting}: {path} holds {string.Join(", ", found.Distinct())}, not a private key ({Labels})");
        }
        else
        {
            problems.Add($"{setting}: {path} is not a PEM private key ({Labels})");
        }

        return null;
    }

    private static RSA? Import(string setting, string path, string label, ReadOnlySpan<char> base64, int length, List<string> problems)
    {
        var der = new byte[length];
        var rsa = RSA.Create();
        try
        {
            // TryFind has checked the base64 already.
            _ = Convert.TryFromBase64Chars(base64, der, out _);
            if (label == "RSA PRIVATE KEY")
            {
                rsa.ImportRSAPrivateKey(der, out _);
            }
            else
            {
                rsa.ImportPkcs8PrivateKey(der, out _);
            }

            return rsa;
        }
        catch (CryptographicException ex)
        {
            rsa.Dispose();
            problems.Add($"{setting}: {path} holds a {label} that is not a readable RSA private key ({ex.Message})");
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }
}

/// <summary>Keys of <c>GroupGuard:WeCom:Archive:PrivateKeys</c> could not be loaded.</summary>
/// <param name="problems">One line per key, each naming its setting and path.</param>
internal sealed class ArchiveKeyException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
{
    /// <summary>Every problem, one per key, each naming its setting (<c>GroupGuard:WeCom:Archive:PrivateKeys:&lt;ver&gt;</c>) and path.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
