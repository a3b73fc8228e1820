using System.Security.Cryptography;

namespace GroupGuard.WeCom.Tests;

/// <summary>
/// The real <see cref="FinanceSdk"/> loading and calling the fake SDK compiled from
/// <c>GroupGuard.Testing/WeComArchive/fake_finance_sdk.c</c>: records by seq, their decryption with the corporation's own
/// keys, media in pieces, and every failure an operator may meet, in words they can act on.
/// </summary>
[Collection(FakeSdkCollection.Name)]
public sealed class FinanceSdkTests(FakeSdkLibraries libraries) : IDisposable
{
    private const string Secret = "the-archive-secret-never-shown";

    private readonly FakeArchive _archive = new();

    public void Dispose() => _archive.Dispose();

    private FinanceSdk Open() => FinanceSdk.Open(libraries.Fake, _archive.CorpId, Secret);

    [Fact]
    public void Records_come_after_the_given_seq_a_page_of_at_most_limit_at_a_time()
    {
        var ids = new Dictionary<ulong, string>();
        foreach (var seq in new ulong[] { 3, 7, 8, 12, 20 })
        {
            ids[seq] = _archive.AddRecord(seq, 1, """{"msgtype":"text"}""", TestKeys.First);
        }

        using var sdk = Open();

        var first = sdk.GetChatData(0, 2, null, null, 10);
        var second = sdk.GetChatData(first[^1].Seq, 2, null, null, 10);
        var third = sdk.GetChatData(second[^1].Seq, 2, "socks5://127.0.0.1:1080", "user:pass", 10);
        var none = sdk.GetChatData(third[^1].Seq, 2, null, null, 10);

        Assert.Equal([3ul, 7ul], first.Select(r => r.Seq));
        Assert.Equal([8ul, 12ul], second.Select(r => r.Seq));
        Assert.Equal([20ul], third.Select(r => r.Seq));
        Assert.Empty(none);
        Assert.Equal(ids[7], first[1].MsgId);
        Assert.All(first.Concat(second).Concat(third), r =>
        {
            Assert.Equal(1, r.PublicKeyVersion);
            Assert.NotEmpty(r.EncryptRandomKey);
            Assert.NotEmpty(r.EncryptChatMsg);
        });
    }

    [Fact]
    public void A_limit_outside_1_to_1000_is_refused_before_the_sdk_is_called()
    {
        using var sdk = Open();

        Assert.Throws<ArgumentOutOfRangeException>(() => sdk.GetChatData(0, 0, null, null, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => sdk.GetChatData(0, 1001, null, null, 10));
    }

    [Theory]
    [InlineData("pkcs1")]
    [InlineData("pkcs8")]
    public void A_record_decrypts_end_to_end_to_its_message_json(string keyFormat)
    {
        const string Message = """{"msgid":"m1","action":"send","from":"zhangsan","roomid":"wr123","msgtime":1700000000000,"msgtype":"text","text":{"content":"加我微信领红包 https://example.com"}}""";
        var pem = keyFormat == "pkcs1" ? TestKeys.First.ExportRSAPrivateKeyPem() : TestKeys.First.ExportPkcs8PrivateKeyPem();
        var keyFile = _archive.Write("key-3.pem", pem);
        _archive.AddRecord(196, 3, Message, TestKeys.First);
        using var keys = new ArchiveKeys(new Dictionary<string, string> { ["3"] = keyFile });
        using var sdk = Open();

        var record = Assert.Single(sdk.GetChatData(0, 100, null, null, 10));
        Assert.True(keys.TryDecryptRandomKey(record.PublicKeyVersion, record.EncryptRandomKey, out var randomKey, out var error), error);
        var json = sdk.DecryptData(randomKey, record.EncryptChatMsg);

        Assert.Equal(Message, json);
    }

    [Fact]
    public void A_record_of_a_publickey_ver_without_a_key_is_reported_as_such()
    {
        var keyFile = _archive.Write("key-1.pem", TestKeys.First.ExportRSAPrivateKeyPem());
        _archive.AddRecord(1, 5, """{"msgtype":"text"}""", TestKeys.First);
        using var keys = new ArchiveKeys(new Dictionary<string, string> { ["1"] = keyFile });
        using var sdk = Open();

        var record = Assert.Single(sdk.GetChatData(0, 10, null, null, 10));
        var decrypted = keys.TryDecryptRandomKey(record.PublicKeyVersion, record.EncryptRandomKey, out var randomKey, out var error);

        Assert.False(decrypted);
        Assert.Equal("no private key for publickey_ver 5", error);
        Assert.Equal("", randomKey);
    }

    [Fact]
    public void A_random_key_encrypted_for_another_key_pair_fails_cleanly()
    {
        // WeCom says version 2, but the key configured as 2 is not the pair it encrypted for.
        var keyFile = _archive.Write("key-2.pem", TestKeys.First.ExportRSAPrivateKeyPem());
        _archive.AddRecord(1, 2, """{"msgtype":"text"}""", TestKeys.Second);
        using var keys = new ArchiveKeys(new Dictionary<string, string> { ["2"] = keyFile });
        using var sdk = Open();

        var record = Assert.Single(sdk.GetChatData(0, 10, null, null, 10));
        var decrypted = keys.TryDecryptRandomKey(record.PublicKeyVersion, record.EncryptRandomKey, out _, out var error);

        Assert.False(decrypted);
        Assert.StartsWith("cannot decrypt with the key of publickey_ver 2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_decrypted_with_the_wrong_random_key_is_the_sdks_error_with_its_meaning()
    {
        _archive.AddRecord(1, 1, """{"msgtype":"text"}""", TestKeys.First);
        using var sdk = Open();
        var record = Assert.Single(sdk.GetChatData(0, 10, null, null, 10));

        // Its first character is in no random key, so the first byte never decrypts to '{' (the
        // fake's sign of a right key): a wrong key that began like the real one would pass 1 time in 62.
        var wrongKey = Assert.Throws<FinanceSdkException>(() => sdk.DecryptData("#not-the-random-key", record.EncryptChatMsg));
        var emptyKey = Assert.Throws<FinanceSdkException>(() => sdk.DecryptData("", record.EncryptChatMsg));

        Assert.Equal(10002, wrongKey.Code);
        Assert.Contains("10002 (data parse failed)", wrongKey.Message, StringComparison.Ordinal);
        Assert.Equal(10008, emptyKey.Code);
        Assert.Contains("encrypt_key parse error", emptyKey.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_init_failure_gives_its_code_and_meaning_and_never_the_secret()
    {
        _archive.Set("init_error", 10009);

        var failure = Assert.Throws<FinanceSdkException>(Open);

        Assert.Equal(10009, failure.Code);
        Assert.Contains("Init", failure.Message, StringComparison.Ordinal);
        Assert.Contains("10009 (IP not allowed", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("chat_error", 10001, "network error")]
    [InlineData("chat_error", 10011, "certificate error")]
    [InlineData("chat_errcode", 10010, "data expired")]
    public void A_get_chat_data_failure_gives_its_code_and_meaning(string how, int code, string meaning)
    {
        using var sdk = Open();
        _archive.Set(how, code);

        var failure = Assert.Throws<FinanceSdkException>(() => sdk.GetChatData(0, 100, null, null, 10));

        Assert.Equal(code, failure.Code);
        Assert.Contains("GetChatData", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"{code} ({meaning}", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<html><body>502 Bad Gateway</body></html>", "is not JSON")]
    [InlineData("""[{"seq":1}]""", "is a JSON array, not an object")]
    [InlineData("""{"errmsg":"ok","chatdata":[]}""", "has no whole-number errcode")]
    [InlineData("""{"errcode":0,"errmsg":"ok"}""", "has no chatdata array")]
    [InlineData("""{"errcode":0,"chatdata":[{"seq":"7","msgid":"a","publickey_ver":1,"encrypt_random_key":"k","encrypt_chat_msg":"m"}]}""", "record 0 whose seq is not a whole number")]
    [InlineData("""{"errcode":0,"chatdata":[{"seq":7,"msgid":"a","publickey_ver":1,"encrypt_random_key":"k","encrypt_chat_msg":"m"},3]}""", "record 1 that is a JSON number")]
    public void A_malformed_chat_data_body_is_refused_saying_what_is_wrong(string body, string what)
    {
        _archive.AnswerChatDataWith(body);
        using var sdk = Open();

        var failure = Assert.Throws<FinanceSdkException>(() => sdk.GetChatData(0, 100, null, null, 10));

        Assert.Null(failure.Code);
        Assert.Contains("GetChatData's answer", failure.Message, StringComparison.Ordinal);
        Assert.Contains(what, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"seq":8,"msgid":"b","publickey_ver":1,"encrypt_chat_msg":"m"}""", "its encrypt_random_key is not a non-empty string")]
    [InlineData("""{"seq":8,"msgid":"","publickey_ver":1,"encrypt_random_key":"k","encrypt_chat_msg":"m"}""", "its msgid is not a non-empty string")]
    [InlineData("""{"seq":8,"msgid":"b","publickey_ver":"1","encrypt_random_key":"k","encrypt_chat_msg":"m"}""", "its publickey_ver is not a whole number")]
    public void A_record_with_a_broken_field_but_its_seq_is_returned_with_its_problem_beside_the_good_ones(string broken, string problem)
    {
        _archive.AnswerChatDataWith($$"""{"errcode":0,"chatdata":[{"seq":7,"msgid":"a","publickey_ver":1,"encrypt_random_key":"k","encrypt_chat_msg":"m"},{{broken}},{"seq":9,"msgid":"c","publickey_ver":1,"encrypt_random_key":"k","encrypt_chat_msg":"m"}]}""");
        using var sdk = Open();

        var records = sdk.GetChatData(0, 100, null, null, 10);

        Assert.Equal([7UL, 8UL, 9UL], records.Select(r => r.Seq));
        Assert.Equal([null, problem, null], records.Select(r => r.Problem));
    }

    [Fact]
    public void A_record_whose_ciphertext_holds_a_nul_fails_decryption_as_the_sdks_own_failure_would()
    {
        using var sdk = Open();

        var failure = Assert.Throws<FinanceSdkException>(() => sdk.DecryptData("0123456789abcdef", "bXNn\0bXNn"));

        Assert.Contains("encryptedMessage contains a NUL character", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_answer_of_more_than_1000_records_is_refused()
    {
        var record = """{"seq":1,"msgid":"a","publickey_ver":1,"encrypt_random_key":"k","encrypt_chat_msg":"m"}""";
        _archive.AnswerChatDataWith($$"""{"errcode":0,"errmsg":"ok","chatdata":[{{string.Join(",", Enumerable.Repeat(record, 1001))}}]}""");
        using var sdk = Open();

        var failure = Assert.Throws<FinanceSdkException>(() => sdk.GetChatData(0, 1000, null, null, 10));

        Assert.Contains("holds 1001 records, more than the 1000", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_with_no_file_names_the_setting_and_the_path()
    {
        var path = _archive.File("sdk/libWeWorkFinanceSdk_C.so");

        var failure = Assert.Throws<FinanceSdkException>(() => FinanceSdk.Open(path, _archive.CorpId, Secret));

        Assert.Null(failure.Code);
        Assert.Contains("GroupGuard:WeCom:Archive:SdkPath", failure.Message, StringComparison.Ordinal);
        Assert.Contains(path, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_will_not_load_as_a_library_names_the_setting_and_the_path()
    {
        var path = _archive.Write("libWeWorkFinanceSdk_C.so", "<html>the download page, saved by mistake</html>");

        var failure = Assert.Throws<FinanceSdkException>(() => FinanceSdk.Open(path, _archive.CorpId, Secret));

        Assert.Contains("GroupGuard:WeCom:Archive:SdkPath", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"{path} will not load as a library", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_library_lacking_the_sdks_functions_names_them_and_the_path()
    {
        var failure = Assert.Throws<FinanceSdkException>(() => FinanceSdk.Open(libraries.OnlyNewSdk, _archive.CorpId, Secret));

        Assert.Contains(libraries.OnlyNewSdk, failure.Message, StringComparison.Ordinal);
        Assert.Contains("has no function Init, GetChatData, DecryptData, GetMediaData, DestroySdk", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("NewSdk", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Media_of_200_KiB_comes_back_whole_through_several_rounds()
    {
        // The fake gives at most 64 KiB a round, so this takes four, each continuing at the index the last gave.
        var content = RandomNumberGenerator.GetBytes(200 * 1024);
        _archive.AddMedia("CtYBMzA2OTAyMDEwMjA0NjIzMDYw", content);
        using var sdk = Open();

        var media = sdk.GetMediaData("CtYBMzA2OTAyMDEwMjA0NjIzMDYw", null, null, 30, maxBytes: 200 * 1024, CancellationToken.None);

        Assert.Equal(content, media);
    }

    /// <summary>
    /// A record is decrypted while a picture's download is held open in the middle: decrypting
    /// takes no SDK object, so text is moderated while pictures come in. It waited for the download
    /// to finish, every round of it, so a burst of pictures delayed every text message behind them.
    /// </summary>
    [Fact]
    public async Task A_record_decrypts_while_a_picture_download_is_held_open_in_the_middle()
    {
        const string Message = """{"msgid":"m1","msgtype":"text","text":{"content":"加我微信领红包"}}""";
        var content = RandomNumberGenerator.GetBytes(200 * 1024);
        _archive.AddMedia("held-picture", content);
        var held = _archive.HoldMediaAsync();
        using var sdk = Open();
        var download = Task.Run(() => sdk.GetMediaData("held-picture", null, null, 30, maxBytes: 200 * 1024, CancellationToken.None));
        try
        {
            await held.Within("the download to be held after its first piece");

            var decrypted = await Task.Run(() => sdk.DecryptData("0123456789abcdef", FakeArchive.EncryptMessage(Message, "0123456789abcdef")))
                .Within("DecryptData while a download is held");

            Assert.Equal(Message, decrypted);
            Assert.False(download.IsCompleted);
        }
        finally
        {
            _archive.ReleaseMedia();
        }

        Assert.Equal(content, await download.Within("the released download"));
    }

    [Fact]
    public void Media_past_max_bytes_is_refused()
    {
        _archive.AddMedia("big", RandomNumberGenerator.GetBytes(200 * 1024));
        using var sdk = Open();

        var failure = Assert.Throws<FinanceSdkException>(() => sdk.GetMediaData("big", null, null, 30, maxBytes: 200 * 1024 - 1, CancellationToken.None));

        Assert.Contains("larger than the 204799 bytes allowed", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Media_that_is_never_finished_is_given_up_after_10000_rounds()
    {
        _archive.AddMedia("endless", new byte[FinanceSdk.MaxMediaRounds + 1]);
        _archive.Set("media_chunk", 1);
        using var sdk = Open();

        var failure = Assert.Throws<FinanceSdkException>(() => sdk.GetMediaData("endless", null, null, 30, maxBytes: 1 << 20, CancellationToken.None));

        Assert.Contains("not finished after 10000 rounds", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_media_file_is_the_sdks_file_id_error()
    {
        _archive.AddMedia("present", [1, 2, 3]);
        using var sdk = Open();

        var failure = Assert.Throws<FinanceSdkException>(() => sdk.GetMediaData("absent", null, null, 30, maxBytes: 1024, CancellationToken.None));

        Assert.Equal(10005, failure.Code);
        Assert.Contains("10005 (file id error", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void After_dispose_every_call_is_refused()
    {
        var sdk = Open();
        sdk.Dispose();

        Assert.Throws<ObjectDisposedException>(() => sdk.GetChatData(0, 10, null, null, 10));
        Assert.Throws<ObjectDisposedException>(() => sdk.DecryptData("key", "bWVzc2FnZQ=="));
        Assert.Throws<ObjectDisposedException>(() => sdk.GetMediaData("file", null, null, 10, 1024, CancellationToken.None));
        sdk.Dispose();
    }
}
