using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GroupGuard.Testing;

/// <summary>
/// What the fake SDK serves to one test: its configuration file (whose path is the corpid, see
/// the top of <c>WeComArchive/fake_finance_sdk.c</c>), the records, media files and PEM keys, in a
/// folder of its own. Records are encrypted as WeCom encrypts them, with the fake's cipher for
/// the message: a fresh random key per record, RSA-encrypted (PKCS#1 v1.5) with a public key.
/// </summary>
public sealed class FakeArchive : IDisposable
{
    private const string KeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly TempFolder _folder = new();
    private readonly Dictionary<string, string> _settings = new(StringComparer.Ordinal);
    private FileSystemWatcher? _watcher;

    public FakeArchive() => Save();

    /// <summary>The configuration file, given to the SDK as the corpid.</summary>
    public string CorpId => _folder.File("fake-sdk.conf");

    /// <summary>The full path of a file in the archive's folder (not created).</summary>
    public string File(string name) => _folder.File(name);

    /// <summary>Sets a key of the fake's configuration file (<c>init_error</c>, <c>chat_error</c>, …).</summary>
    public void Set(string key, string value)
    {
        _settings[key] = value;
        Save();
    }

    /// <summary>Sets a whole-number key of the fake's configuration file.</summary>
    public void Set(string key, long value) => Set(key, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Appends a record to the records file (call in seq order), its random key encrypted with
    /// <paramref name="encryptFor"/>'s public key. Returns its msgid.
    /// </summary>
    public string AddRecord(ulong seq, int publicKeyVersion, string messageJson, RSA encryptFor)
    {
        var randomKey = RandomNumberGenerator.GetString(KeyAlphabet, 32);
        var msgId = string.Create(CultureInfo.InvariantCulture, $"msg-{seq}-{Guid.NewGuid():n}");
        using var line = new MemoryStream();
        using (var json = new Utf8JsonWriter(line))
        {
            json.WriteStartObject();
            json.WriteNumber("seq", seq);
            json.WriteString("msgid", msgId);
            json.WriteNumber("publickey_ver", publicKeyVersion);
            json.WriteString("encrypt_random_key", Convert.ToBase64String(encryptFor.Encrypt(Encoding.UTF8.GetBytes(randomKey), RSAEncryptionPadding.Pkcs1)));
            json.WriteString("encrypt_chat_msg", EncryptMessage(messageJson, randomKey));
            json.WriteEndObject();
        }

        var records = _folder.File("records.jsonl");
        System.IO.File.AppendAllText(records, Encoding.UTF8.GetString(line.ToArray()) + "\n");
        Set("records", records);
        return msgId;
    }

    /// <summary>The fake's cipher: base64 of the message's UTF-8 XORed with the key's bytes, repeated.</summary>
    public static string EncryptMessage(string messageJson, string randomKey)
    {
        var message = Encoding.UTF8.GetBytes(messageJson);
        var key = Encoding.UTF8.GetBytes(randomKey);
        for (var i = 0; i < message.Length; i++)
        {
            message[i] ^= key[i % key.Length];
        }

        return Convert.ToBase64String(message);
    }

    /// <summary>Puts a media file where GetMediaData finds it under <paramref name="sdkFileId"/>.</summary>
    public void AddMedia(string sdkFileId, byte[] content)
    {
        var folder = _folder.Folder("media");
        System.IO.File.WriteAllBytes(Path.Combine(folder, sdkFileId), content);
        Set("media", folder);
    }

    /// <summary>
    /// Holds every media download in the middle: a call for a piece after the first waits until
    /// <see cref="ReleaseMedia"/>. Returns a task that completes once a download is held there.
    /// </summary>
    public Task HoldMediaAsync()
    {
        var gate = _folder.File("media-hold");
        var sign = gate + ".held";
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The fake's sign comes from native code, as a file: watched for, then looked for once in
        // case it was made before the watch began.
        _watcher?.Dispose();
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(sign)!, Path.GetFileName(sign));
        _watcher.Created += (_, _) => held.TrySetResult();
        _watcher.EnableRaisingEvents = true;
        Set("media_hold", gate);
        if (System.IO.File.Exists(sign))
        {
            held.TrySetResult();
        }

        return held.Task;
    }

    /// <summary>Lets held media downloads (and any later ones) go on.</summary>
    public void ReleaseMedia() => System.IO.File.WriteAllText(_folder.File("media-hold"), "go");

    /// <summary>Makes GetChatData answer <paramref name="body"/> verbatim.</summary>
    public void AnswerChatDataWith(string body) => Set("chat_body", _folder.Write("chat-body.txt", body));

    /// <summary>Writes a file into the folder and returns its path (keys, libraries that are not).</summary>
    public string Write(string name, string content) => _folder.Write(name, content);

    public void Dispose()
    {
        _watcher?.Dispose();
        _folder.Dispose();
    }

    private void Save() =>
        System.IO.File.WriteAllLines(CorpId, ["# the fake chat archive SDK's settings for one test", .. _settings.Select(s => $"{s.Key}={s.Value}")]);
}
