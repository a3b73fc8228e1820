using System.Security.Cryptography;
using System.Text;
using GroupGuard.Core;
using GroupGuard.Testing;
using GroupGuard.WeCom.Archive;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.WeCom.Tests;

/// <summary>
/// The puller against a scripted SDK (the native path is FinanceSdkTests' and the Host tests'
/// business), with real RSA keys: what it hands to moderation, how its cursor moves, what it skips.
/// </summary>
public sealed class ArchivePullerTests : IDisposable
{
    private const string Corp = "wwcorp0001";
    private const string Source = "wecom:" + Corp;
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-02T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly string _folder = Directory.CreateTempSubdirectory("gg-puller-").FullName;
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _oldKey = RSA.Create(2048);
    private readonly ScriptedSdk _sdk = new();
    private readonly JournalLikeCursors _cursors = new();
    private readonly RecordingSink _sink;
    private readonly ArchiveStatus _status = new();

    public ArchivePullerTests()
    {
        _sink = new RecordingSink(_cursors);
        _settings = new(Settings(500, []));
        File.WriteAllText(Path.Combine(_folder, "v2.pem"), _key.ExportRSAPrivateKeyPem());
        File.WriteAllText(Path.Combine(_folder, "v1.pem"), _oldKey.ExportPkcs8PrivateKeyPem());
    }

    private readonly SettableOptions<WeComArchiveOptions> _settings;

    private static WeComArchiveOptions Settings(int batch, Dictionary<string, string> keys) => new()
    {
        CorpId = Corp,
        Secret = "s3cret",
        SdkPath = "/unused",
        BatchSize = batch,
        PrivateKeys = keys,
    };

    private ArchivePuller Puller(int batch = 500, TimeProvider? time = null, Microsoft.Extensions.Logging.ILogger<ArchivePuller>? logger = null)
    {
        _settings.CurrentValue = Settings(batch, new() { ["2"] = Path.Combine(_folder, "v2.pem"), ["1"] = Path.Combine(_folder, "v1.pem") });
        var puller = new ArchivePuller(
            _settings,
            o => new ArchiveSession(_sdk, new ArchiveKeys(o.PrivateKeys)),
            new ArchiveSessionHolder(),
            _sink,
            _cursors,
            _status,
            time ?? new FakeTimeProvider(Now),
            logger ?? NullLogger<ArchivePuller>.Instance);
        puller.Open();
        return puller;
    }

    private void Add(long seq, string room, string text, RSA? key = null, int version = 2)
    {
        var json = room.Length == 0
            ? $$$"""{"msgid":"m{{{seq}}}","action":"send","from":"u{{{seq}}}","tolist":["x"],"roomid":"","msgtime":{{{Now.AddMinutes(-1).ToUnixTimeMilliseconds()}}},"msgtype":"text","text":{"content":"{{{text}}}"}}"""
            : $$$"""{"msgid":"m{{{seq}}}","action":"send","from":"u{{{seq}}}","tolist":[],"roomid":"{{{room}}}","msgtime":{{{Now.AddMinutes(-1).ToUnixTimeMilliseconds()}}},"msgtype":"text","text":{"content":"{{{text}}}"}}""";
        var randomKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var encryptedKey = Convert.ToBase64String((key ?? _key).Encrypt(Encoding.UTF8.GetBytes(randomKey), RSAEncryptionPadding.Pkcs1));
        _sdk.Records.Add(new EncryptedRecord((ulong)seq, "m" + seq, version, encryptedKey, ScriptedSdk.Encrypt(json, randomKey)));
    }

    [Fact]
    public async Task Group_messages_go_to_moderation_in_order_with_their_seq_and_one_to_one_chats_only_move_the_cursor()
    {
        Add(1, "room-a", "早上好");
        Add(2, "", "私聊");
        Add(3, "room-b", "加微信领券");
        var puller = Puller();
        await puller.ResumeAsync(CancellationToken.None);

        var outcome = await puller.PullOnceAsync(CancellationToken.None);

        Assert.Equal(PullOutcome.CaughtUp, outcome);
        Assert.Equal(["m1", "m3"], _sink.Messages.Select(m => m.MessageId));
        Assert.Equal([1L, 3L], _sink.Messages.Select(m => m.Cursor!.Position));
        Assert.All(_sink.Messages, m => Assert.Equal((Protocol.WeComArchive, "wecom", Corp), (m.Protocol, m.Platform, m.BotId)));
        Assert.Equal(3, _cursors.Positions[Source]);
        var state = Assert.Single(_status.Sources);
        Assert.Equal((3L, 2L, 1L, 3L), (state.Records, state.Messages, state.Skipped, state.Cursor!.Value));
    }

    [Fact]
    public async Task Pulling_resumes_after_the_cursor_the_journal_kept_and_pages_by_batch()
    {
        for (var seq = 1; seq <= 7; seq++)
        {
            Add(seq, "room-a", "消息" + seq);
        }

        _cursors.Positions[Source] = 2; // taken before a restart
        var puller = Puller(batch: 3);
        await puller.ResumeAsync(CancellationToken.None);

        Assert.Equal(PullOutcome.More, await puller.PullOnceAsync(CancellationToken.None));
        Assert.Equal(PullOutcome.CaughtUp, await puller.PullOnceAsync(CancellationToken.None));

        Assert.Equal(["m3", "m4", "m5", "m6", "m7"], _sink.Messages.Select(m => m.MessageId));
        Assert.Equal([2UL, 5UL], _sdk.Asked);
    }

    [Fact]
    public async Task A_batch_size_saved_while_the_service_runs_applies_from_the_next_pull()
    {
        for (var seq = 1; seq <= 7; seq++)
        {
            Add(seq, "room-a", "消息" + seq);
        }

        var puller = Puller(batch: 2);
        await puller.ResumeAsync(CancellationToken.None);
        Assert.Equal(PullOutcome.More, await puller.PullOnceAsync(CancellationToken.None));

        _settings.CurrentValue = Settings(10, new(_settings.CurrentValue.PrivateKeys)); // saved: the same keys, a larger batch

        Assert.Equal(PullOutcome.CaughtUp, await puller.PullOnceAsync(CancellationToken.None));
        Assert.Equal(["m1", "m2", "m3", "m4", "m5", "m6", "m7"], _sink.Messages.Select(m => m.MessageId));
        Assert.Equal([0UL, 2UL], _sdk.Asked);
    }

    [Fact]
    public async Task A_record_of_an_unknown_key_version_is_skipped_counted_and_reported_by_seq_without_its_content()
    {
        Add(1, "room-a", "第一条");
        Add(2, "room-a", "机密内容", version: 9);
        Add(3, "room-a", "第三条");
        var puller = Puller();
        await puller.ResumeAsync(CancellationToken.None);

        await puller.PullOnceAsync(CancellationToken.None);

        Assert.Equal(["m1", "m3"], _sink.Messages.Select(m => m.MessageId));
        var state = Assert.Single(_status.Sources);
        Assert.Equal(1, state.Undecryptable);
        Assert.Equal([2L], state.UndecryptableSeqs);
        Assert.Contains("publickey_ver 9", state.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("机密", state.LastError, StringComparison.Ordinal);
        Assert.Equal(3, _cursors.Positions[Source]);
    }

    [Fact]
    public async Task Records_of_a_key_version_newer_than_every_key_are_waited_on_until_the_settings_add_it_and_none_is_lost()
    {
        using var newKey = RSA.Create(2048);
        Add(1, "room-a", "换钥之前");
        Add(2, "room-a", "换钥之后", key: newKey, version: 3);
        Add(3, "room-a", "加微信领券", key: newKey, version: 3);
        var puller = Puller();
        await puller.ResumeAsync(CancellationToken.None);

        var waiting = await puller.PullOnceAsync(CancellationToken.None);
        var again = await puller.PullOnceAsync(CancellationToken.None);
        var down = Assert.Single(_status.Connections);
        var cursorWhileWaiting = _cursors.Positions[Source];
        await File.WriteAllTextAsync(Path.Combine(_folder, "v3.pem"), newKey.ExportPkcs8PrivateKeyPem());
        _settings.Set(Settings(500, new(_settings.CurrentValue.PrivateKeys) { ["3"] = Path.Combine(_folder, "v3.pem") }));
        var taken = await puller.PullOnceAsync(CancellationToken.None);

        Assert.Equal((PullOutcome.WaitingForKey, PullOutcome.WaitingForKey, PullOutcome.CaughtUp), (waiting, again, taken));
        Assert.False(down.Connected);
        Assert.Contains("GroupGuard:WeCom:Archive:PrivateKeys:3", down.LastError, StringComparison.Ordinal);
        Assert.Equal(1, cursorWhileWaiting); // nothing after the new version was passed over
        Assert.Equal(["m1", "m2", "m3"], _sink.Messages.Select(m => m.MessageId));
        Assert.Equal(0, Assert.Single(_status.Sources).Undecryptable);
        Assert.True(Assert.Single(_status.Connections).Connected);
    }

    /// <summary>
    /// The PEM file set for a version is not the private half of the key WeCom encrypted for: every
    /// record of that version fails. Pulling waits at the first of them, naming the setting, and
    /// takes them all once the key is corrected. They were skipped one by one, lost for good.
    /// </summary>
    [Fact]
    public async Task A_wrong_key_for_a_version_leaves_the_cursor_before_its_records_until_it_is_corrected_and_none_is_lost()
    {
        using var realV2 = RSA.Create(2048);
        Add(1, "room-a", "旧钥一", key: _oldKey, version: 1);
        Add(2, "room-a", "旧钥二", key: _oldKey, version: 1);
        Add(3, "room-a", "新钥一", key: realV2, version: 2);
        Add(4, "room-a", "加微信领券", key: realV2, version: 2);
        Add(5, "room-a", "新钥三", key: realV2, version: 2);
        var logs = new LogCollector<ArchivePuller>();
        var puller = Puller(logger: logs); // PrivateKeys:2 is _key, not realV2
        await puller.ResumeAsync(CancellationToken.None);

        var waiting = await puller.PullOnceAsync(CancellationToken.None);
        var again = await puller.PullOnceAsync(CancellationToken.None);
        var down = Assert.Single(_status.Connections);
        var cursorWhileWaiting = _cursors.Positions[Source];
        await File.WriteAllTextAsync(Path.Combine(_folder, "v2-right.pem"), realV2.ExportRSAPrivateKeyPem());
        _settings.Set(Settings(500, new(_settings.CurrentValue.PrivateKeys) { ["2"] = Path.Combine(_folder, "v2-right.pem") }));
        var taken = await puller.PullOnceAsync(CancellationToken.None);

        Assert.Equal((PullOutcome.WaitingForKey, PullOutcome.WaitingForKey, PullOutcome.CaughtUp), (waiting, again, taken));
        Assert.Equal(2, cursorWhileWaiting); // the last record of version 1
        Assert.False(down.Connected);
        Assert.Contains("GroupGuard:WeCom:Archive:PrivateKeys:2", down.LastError, StringComparison.Ordinal);
        Assert.Single(logs.Entries, e => e.Message.Contains("PrivateKeys:2", StringComparison.Ordinal) && e.Level == Microsoft.Extensions.Logging.LogLevel.Error);
        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], _sink.Messages.Select(m => m.MessageId));
        Assert.Equal(0, Assert.Single(_status.Sources).Undecryptable);
        Assert.True(Assert.Single(_status.Connections).Connected);
    }

    [Fact]
    public async Task Odd_records_of_a_version_whose_key_is_right_are_still_skipped_alone()
    {
        using var other = RSA.Create(2048);
        Add(1, "room-a", "一", key: other, version: 2);  // not what the key decrypts, before any that it does
        Add(2, "room-a", "二");
        Add(3, "room-a", "三", key: other, version: 2);
        Add(4, "room-a", "四", key: other, version: 2);
        Add(5, "room-a", "五", key: other, version: 2);
        var puller = Puller();
        await puller.ResumeAsync(CancellationToken.None);

        Assert.Equal(PullOutcome.CaughtUp, await puller.PullOnceAsync(CancellationToken.None));

        Assert.Equal(["m2"], _sink.Messages.Select(m => m.MessageId));
        Assert.Equal([1L, 3L, 4L, 5L], Assert.Single(_status.Sources).UndecryptableSeqs);
        Assert.Equal(5, _cursors.Positions[Source]);
    }

    /// <summary>
    /// A key added to the settings before its PEM file is copied to the server does not load; it
    /// is tried again at the next pull, and pulling goes on once the file is there. The failed
    /// settings were remembered as loaded, so the key was never read until the settings changed again.
    /// </summary>
    [Fact]
    public async Task A_changed_key_that_did_not_load_is_loaded_at_a_later_pull_once_its_file_is_there()
    {
        using var newKey = RSA.Create(2048);
        Add(1, "room-a", "换钥之前");
        Add(2, "room-a", "换钥之后", key: newKey, version: 3);
        var logs = new LogCollector<ArchivePuller>();
        var puller = Puller(logger: logs);
        await puller.ResumeAsync(CancellationToken.None);
        var v3 = Path.Combine(_folder, "v3.pem");
        _settings.Set(Settings(500, new(_settings.CurrentValue.PrivateKeys) { ["3"] = v3 }));

        var beforeTheFile = await puller.PullOnceAsync(CancellationToken.None);
        var stillNoFile = await puller.PullOnceAsync(CancellationToken.None);
        await File.WriteAllTextAsync(v3, newKey.ExportPkcs8PrivateKeyPem());
        var withTheFile = await puller.PullOnceAsync(CancellationToken.None);

        Assert.Equal((PullOutcome.WaitingForKey, PullOutcome.WaitingForKey, PullOutcome.CaughtUp), (beforeTheFile, stillNoFile, withTheFile));
        Assert.Equal(["m1", "m2"], _sink.Messages.Select(m => m.MessageId));
        Assert.Single(logs.Entries, e => e.Message.Contains("do not load", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Changed_keys_that_do_not_load_leave_the_last_good_ones_in_force()
    {
        Add(1, "room-a", "一");
        var puller = Puller();
        await puller.ResumeAsync(CancellationToken.None);
        _settings.Set(Settings(500, new() { ["2"] = Path.Combine(_folder, "missing.pem") }));

        await puller.PullOnceAsync(CancellationToken.None);

        Assert.Equal(["m1"], _sink.Messages.Select(m => m.MessageId)); // decrypted with the key of version 2 loaded at start
    }

    [Fact]
    public async Task A_record_with_a_broken_field_is_passed_over_alone_and_the_rest_of_its_page_is_taken()
    {
        Add(1, "room-a", "一");
        _sdk.Records.Add(new EncryptedRecord(2, "", 0, "", "") { Problem = "its msgid is not a non-empty string" });
        Add(3, "room-a", "三");
        var puller = Puller();
        await puller.ResumeAsync(CancellationToken.None);

        Assert.Equal(PullOutcome.CaughtUp, await puller.PullOnceAsync(CancellationToken.None));

        Assert.Equal(["m1", "m3"], _sink.Messages.Select(m => m.MessageId));
        var state = Assert.Single(_status.Sources);
        Assert.Equal(1, state.Unreadable);
        Assert.Contains("record 2: its msgid", state.LastError, StringComparison.Ordinal);
        Assert.Equal(3, _cursors.Positions[Source]);
    }

    [Fact]
    public async Task A_record_the_sdk_fails_on_unforeseen_is_passed_over_and_the_pull_goes_on()
    {
        Add(1, "room-a", "一");
        Add(2, "room-a", "二");
        Add(3, "room-a", "三");
        _sdk.ThrowOn = "m2";
        var puller = Puller();
        await puller.ResumeAsync(CancellationToken.None);

        Assert.Equal(PullOutcome.CaughtUp, await puller.PullOnceAsync(CancellationToken.None));

        Assert.Equal(["m1", "m3"], _sink.Messages.Select(m => m.MessageId));
        Assert.Equal([2L], Assert.Single(_status.Sources).UndecryptableSeqs);
    }

    [Fact]
    public async Task A_pull_that_fails_unforeseen_leaves_the_puller_running_and_the_records_are_taken_later()
    {
        Add(1, "room-a", "一");
        Add(2, "room-a", "二");
        _sink.ThrowAt = "m1";
        var fake = new FakeTimeProvider(Now);
        var clock = new WatchedClock(fake);
        var puller = Puller(time: clock);

        await puller.StartAsync(CancellationToken.None);
        var backoff = await clock.TimerAsync(1).Within("the wait after the failed pull");
        var down = Assert.Single(_status.Connections);
        fake.Advance(backoff.DueTime);
        await clock.TimerAsync(2).Within("the wait once caught up");
        await puller.StopAsync(CancellationToken.None);

        Assert.False(down.Connected);
        Assert.Contains("InvalidOperationException", down.LastError, StringComparison.Ordinal);
        Assert.Equal(ConnectionErrorKind.PullFailed, down.LastErrorKind);
        Assert.Equal(["m1", "m2"], _sink.Messages.Select(m => m.MessageId));
        Assert.True(Assert.Single(_status.Connections).Connected);
    }

    [Fact]
    public async Task A_record_whose_text_holds_half_an_emoji_is_read_with_a_replacement_character_and_the_pull_goes_on()
    {
        Add(1, "room-a", "第一条");
        Add(2, "room-a", "加微信领券\\ud83d");
        Add(3, "room-a", "第三条");
        var puller = Puller();
        await puller.ResumeAsync(CancellationToken.None);

        Assert.Equal(PullOutcome.CaughtUp, await puller.PullOnceAsync(CancellationToken.None));

        Assert.Equal(["m1", "m2", "m3"], _sink.Messages.Select(m => m.MessageId));
        Assert.Equal("加微信领券\uFFFD", _sink.Messages[1].Text);
        Assert.Equal(0, Assert.Single(_status.Sources).Unreadable);
        Assert.Equal(3, _cursors.Positions[Source]);
    }

    [Fact]
    public async Task A_record_encrypted_for_another_key_than_its_version_says_is_skipped_as_undecryptable()
    {
        Add(1, "room-a", "正常");
        Add(2, "room-a", "错钥", key: _oldKey, version: 2);
        Add(3, "room-a", "旧钥", key: _oldKey, version: 1);
        var puller = Puller();
        await puller.ResumeAsync(CancellationToken.None);

        await puller.PullOnceAsync(CancellationToken.None);

        Assert.Equal(["m1", "m3"], _sink.Messages.Select(m => m.MessageId));
        Assert.Equal([2L], Assert.Single(_status.Sources).UndecryptableSeqs);
    }

    [Fact]
    public async Task An_sdk_error_code_is_reported_and_the_same_seq_is_asked_again()
    {
        Add(1, "room-a", "一");
        _sdk.Failures.Enqueue(10001);
        var puller = Puller();
        await puller.ResumeAsync(CancellationToken.None);

        Assert.Equal(PullOutcome.Failed, await puller.PullOnceAsync(CancellationToken.None));
        var down = Assert.Single(_status.Connections);
        Assert.False(down.Connected);
        Assert.Contains("10001", down.LastError, StringComparison.Ordinal);

        Assert.Equal(PullOutcome.CaughtUp, await puller.PullOnceAsync(CancellationToken.None));
        Assert.Equal([0UL, 0UL], _sdk.Asked);
        Assert.Equal(["m1"], _sink.Messages.Select(m => m.MessageId));
        Assert.True(Assert.Single(_status.Connections).Connected);
    }

    [Fact]
    public async Task A_full_queue_stops_the_batch_and_the_refused_record_is_taken_at_the_next_pull()
    {
        Add(1, "room-a", "一");
        Add(2, "room-a", "二");
        Add(3, "room-a", "三");
        _sink.RefuseAt = "m2";
        var puller = Puller();
        await puller.ResumeAsync(CancellationToken.None);

        Assert.Equal(PullOutcome.Refused, await puller.PullOnceAsync(CancellationToken.None));
        Assert.Equal(["m1"], _sink.Messages.Select(m => m.MessageId));
        Assert.Equal(1, _cursors.Positions[Source]);

        _sink.RefuseAt = null;
        await puller.PullOnceAsync(CancellationToken.None);

        Assert.Equal(["m1", "m2", "m3"], _sink.Messages.Select(m => m.MessageId));
        Assert.Equal([0UL, 1UL], _sdk.Asked);
    }

    [Fact]
    public async Task A_redelivered_message_is_not_handed_over_twice_but_moves_the_cursor()
    {
        Add(1, "room-a", "一");
        var first = Puller();
        await first.ResumeAsync(CancellationToken.None);
        await first.PullOnceAsync(CancellationToken.None);
        _cursors.Positions.Remove(Source); // as if the cursor had not been saved, yet the message was

        var second = Puller();
        await second.ResumeAsync(CancellationToken.None);
        await second.PullOnceAsync(CancellationToken.None);

        Assert.Equal(["m1"], _sink.Messages.Select(m => m.MessageId));
        Assert.Equal(1, _cursors.Positions[Source]);
    }

    public void Dispose()
    {
        _key.Dispose();
        _oldKey.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The SDK as a list of records; DecryptData as the C fake does it (XOR with the key, base64).</summary>
    private sealed class ScriptedSdk : IFinanceSdk
    {
        public List<EncryptedRecord> Records { get; } = [];

        public Queue<int> Failures { get; } = new();

        public List<ulong> Asked { get; } = [];

        /// <summary>The message whose decryption throws what no SDK call is expected to.</summary>
        public string? ThrowOn { get; set; }

        public static string Encrypt(string plaintext, string key)
        {
            var bytes = Encoding.UTF8.GetBytes(plaintext);
            var k = Encoding.UTF8.GetBytes(key);
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] ^= k[i % k.Length];
            }

            return Convert.ToBase64String(bytes);
        }

        public IReadOnlyList<EncryptedRecord> GetChatData(ulong seq, uint limit, string? proxy, string? password, int timeoutSeconds)
        {
            Asked.Add(seq);
            if (Failures.TryDequeue(out var code))
            {
                throw new FinanceSdkException($"GetChatData after seq {seq} failed: {code} network error", code);
            }

            return [.. Records.Where(r => r.Seq > seq).OrderBy(r => r.Seq).Take((int)limit)];
        }

        public string DecryptData(string randomKey, string encryptedMessage)
        {
            if (ThrowOn is not null && Records.Any(r => r.MsgId == ThrowOn && r.EncryptChatMsg == encryptedMessage))
            {
                throw new ArgumentException("an unforeseen failure");
            }

            var bytes = Convert.FromBase64String(encryptedMessage);
            var k = Encoding.UTF8.GetBytes(randomKey);
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] ^= k[i % k.Length];
            }

            return bytes.Length > 0 && bytes[0] == (byte)'{'
                ? Encoding.UTF8.GetString(bytes)
                : throw new FinanceSdkException("DecryptData failed: 10002 data parse failed", 10002);
        }

        public byte[] GetMediaData(string sdkFileId, string? proxy, string? password, int timeoutSeconds, long maxBytes, CancellationToken cancellationToken) => [];
    }

    /// <summary>The cursors as the inbox journal keeps them: a message's cursor moves when it is taken.</summary>
    private sealed class JournalLikeCursors : ISourceCursors
    {
        public Dictionary<string, long> Positions { get; } = [];

        public Task<long?> GetAsync(string source, CancellationToken cancellationToken) =>
            Task.FromResult<long?>(Positions.TryGetValue(source, out var p) ? p : null);

        public void Advance(string source, long position) =>
            Positions[source] = Math.Max(position, Positions.GetValueOrDefault(source));
    }

    /// <summary>The event intake: takes each message once by its dedupe key (and its cursor, as the journal would), or refuses one.</summary>
    private sealed class RecordingSink(JournalLikeCursors cursors) : IEventSink
    {
        private readonly HashSet<string> _keys = [];

        public List<ChatMessage> Messages { get; } = [];

        public string? RefuseAt { get; set; }

        /// <summary>The message at which the intake throws once (a journal that fails).</summary>
        public string? ThrowAt { get; set; }

        public EventAcceptance Accept(InboundEvent inbound)
        {
            var message = inbound.Message!;
            if (message.MessageId == ThrowAt)
            {
                ThrowAt = null;
                throw new InvalidOperationException("the journal failed");
            }

            if (message.MessageId == RefuseAt)
            {
                return EventAcceptance.RetryLater;
            }

            if (!_keys.Add(message.DedupeKey))
            {
                return EventAcceptance.Duplicate;
            }

            Messages.Add(message);
            cursors.Advance(message.Cursor!.Source, message.Cursor.Position);
            return EventAcceptance.Accepted;
        }
    }
}
