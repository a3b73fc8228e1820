using System.Globalization;
using GroupGuard.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.WeCom.Archive;

/// <summary>What one pull came to.</summary>
internal enum PullOutcome
{
    /// <summary>A full batch was taken: more may be waiting.</summary>
    More,

    /// <summary>Fewer records than asked for: the archive is caught up.</summary>
    CaughtUp,

    /// <summary>The moderation queue could not take a message: the same record is pulled again later.</summary>
    Refused,

    /// <summary>The SDK refused the pull (its code is in the status and the log), or the pull failed unforeseen.</summary>
    Failed,

    /// <summary>
    /// Records are encrypted for a key version newer than any in <c>PrivateKeys</c> (the key was
    /// changed in WeCom's console), or the key of their version decrypts none of them (the wrong
    /// PEM file): nothing after them is taken until the key is added or corrected.
    /// </summary>
    WaitingForKey,
}

/// <summary>The SDK and the private keys the puller works with, opened at start.</summary>
internal sealed class ArchiveSession(IFinanceSdk sdk, ArchiveKeys keys, IDisposable? owner = null) : IDisposable
{
    private readonly ArchiveKeys _first = keys;
    private ArchiveKeys _keys = keys;

    public IFinanceSdk Sdk => sdk;

    public ArchiveKeys Keys => _keys;

    /// <summary>Takes <paramref name="next"/> for the keys (reloaded settings) and releases the ones it replaces.</summary>
    public void Replace(ArchiveKeys next)
    {
        var old = _keys;
        _keys = next;
        old.Dispose();
    }

    public void Dispose()
    {
        owner?.Dispose();
        if (!ReferenceEquals(_keys, _first))
        {
            _keys.Dispose(); // keys taken since: the owner knows only the first
        }
    }
}

/// <summary>
/// Pulls the chat archive from where the inbox journal says it stands, decrypts each record and
/// hands group messages to the <see cref="IEventSink"/> with their <c>seq</c> as the message's
/// <see cref="ChatMessage.Cursor"/>: the journal writes the message and its cursor in one line, so a
/// crash between pull and store neither skips nor repeats a message. Records that are no group
/// message, cannot be decrypted or cannot be read move the cursor through
/// <see cref="ISourceCursors.Advance"/> and are counted (<see cref="ArchiveStatus"/>); their content
/// is never logged. A refused hand-over (a full queue) stops the batch and tries the same record
/// again after <c>PollSeconds</c>. The SDK is opened at start: a missing library, a missing symbol
/// or a refused Secret stops the service with an error naming the setting. <c>PrivateKeys</c> is
/// read again when the settings change (a key added for a new version), and again at each pull
/// while the changed keys do not load; a record of a version newer than every key, with no record
/// of a known version after it, is waited on rather than skipped: the key was changed in WeCom's
/// console and is not in the settings yet. So is a record whose version's key decrypts none of its
/// version's records (<see cref="WrongKey"/>): the PEM file set for that version is not the one.
/// </summary>
internal sealed partial class ArchivePuller(
    IOptionsMonitor<WeComArchiveOptions> options,
    Func<WeComArchiveOptions, ArchiveSession> open,
    ArchiveSessionHolder holder,
    IEventSink sink,
    ISourceCursors cursors,
    ArchiveStatus status,
    TimeProvider time,
    ILogger<ArchivePuller> logger,
    ArchiveGroupNames? names = null) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    /// <summary>How many records of one version failing in a row mean a wrong key, not odd records.</summary>
    internal const int WrongKeyRun = 3;

    // How many records of a failing version are tried for one that decrypts, before its key is
    // called wrong: enough for odd records, few enough to try at every pull while waiting.
    private const int WrongKeyLook = 50;

    // What the start was made with: the corporation, the SDK, whether to pull at all (a change needs
    // a restart). How often and how much to pull, the proxy and the timeout are read at each pull
    // (Live), so a saved change applies from the next one.
    private readonly WeComArchiveOptions _options = options.CurrentValue;

    private WeComArchiveOptions Live => options.CurrentValue;
    private ArchiveSession? _session;
    private long _seq;

    // The PrivateKeys the session's keys were loaded from; changed keys that fail to load are
    // tried again at the next pull, their problems logged once.
    private Dictionary<string, string>? _keysFrom;
    private string? _keysProblems;

    // The versions whose key has decrypted a record since the keys were loaded: a right key.
    private readonly HashSet<int> _working = [];

    // Why pulling waits for a key, as last logged.
    private string? _waitingFor;

    /// <summary>The last record taken.</summary>
    internal long Seq => _seq;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return Task.CompletedTask;
        }

        // Thrown here, the error stops the start: an archive that cannot be read must not look healthy.
        Open();
        return base.StartAsync(cancellationToken);
    }

    /// <summary>Loads the SDK and the keys (<see cref="StartAsync"/> does, before the first pull).</summary>
    internal void Open()
    {
        holder.Session = _session = open(_options);
        _keysFrom = new(_options.PrivateKeys, StringComparer.Ordinal);
    }

    public override void Dispose()
    {
        holder.Session = null;
        _session?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await ResumeAsync(stoppingToken);
            TimeSpan? backoff = null;
            while (!stoppingToken.IsCancellationRequested)
            {
                var poll = TimeSpan.FromSeconds(Live.PollSeconds);
                PullOutcome pulled;
                try
                {
                    pulled = await PullOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Unforeseen (a defect, the journal failing): the same records are pulled again
                    // later, and nothing stops the service's other work.
                    status.PullFailed(time.GetUtcNow(), ex.GetType().Name + ": " + ex.Message);
                    LogPullThrew(ex, _options.CorpId!, _seq);
                    pulled = PullOutcome.Failed;
                }

                if (pulled == PullOutcome.Failed)
                {
                    var wait = backoff ?? poll;
                    await Task.Delay(wait, time, stoppingToken);
                    backoff = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxBackoff.Ticks));
                    continue;
                }

                backoff = null;
                if (pulled != PullOutcome.More)
                {
                    await Task.Delay(poll, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what was handed over is journaled; the next start resumes after it.
        }
    }

    /// <summary>Where the archive was left: the journal's cursor (0 before the first record).</summary>
    internal async Task ResumeAsync(CancellationToken cancellationToken)
    {
        var corp = _options.CorpId!;
        var source = ArchiveMessageReader.Source(corp);
        _seq = await cursors.GetAsync(source, cancellationToken) ?? 0;
        status.Started(corp, source, _seq == 0 ? null : _seq);
        LogStarted(corp, _seq);
    }

    /// <summary>
    /// One pull: asks the SDK for the records after the last one taken and takes them in order,
    /// until one cannot be handed over. Says whether more may be waiting.
    /// </summary>
    internal async Task<PullOutcome> PullOnceAsync(CancellationToken cancellationToken)
    {
        var session = _session ?? throw new InvalidOperationException("The archive puller has not started");
        var corp = _options.CorpId!;
        var source = ArchiveMessageReader.Source(corp);
        IReadOnlyList<EncryptedRecord> records;
        var live = Live;
        try
        {
            var from = _seq;
            records = await Task.Run(() => session.Sdk.GetChatData((ulong)from, (uint)live.BatchSize, live.Proxy, live.ProxyPassword, live.TimeoutSeconds), cancellationToken);
        }
        catch (FinanceSdkException ex)
        {
            status.PullFailed(time.GetUtcNow(), ex.Message);
            LogPullFailed(corp, _seq, ex.Message);
            return PullOutcome.Failed;
        }

        status.Pulled(time.GetUtcNow(), records.Count);
        RefreshKeys(session);
        var ordered = records.OrderBy(r => r.Seq).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            var record = ordered[i];
            if ((long)record.Seq <= _seq)
            {
                continue; // the SDK gave one again
            }

            if (NewKeyVersion(session.Keys, ordered, i))
            {
                return WaitForKey(corp, string.Create(CultureInfo.InvariantCulture, $"record {record.Seq} and those after it are encrypted for publickey_ver {record.PublicKeyVersion}, newer than every key in {ArchiveKeys.Setting}: add its PEM file as {ArchiveKeys.Setting}:{record.PublicKeyVersion}; pulling waits for it"));
            }

            switch (await TakeAsync(session, corp, source, ordered, i, cancellationToken))
            {
                case Taken.Refused:
                    return PullOutcome.Refused;
                case Taken.WrongKey:
                    return WaitForKey(corp, string.Create(CultureInfo.InvariantCulture, $"record {record.Seq} and the records of publickey_ver {record.PublicKeyVersion} after it do not decrypt with the key in {ArchiveKeys.Setting}:{record.PublicKeyVersion}, which decrypted none of that version: it is not the private half of the public key WeCom has as version {record.PublicKeyVersion}; set the right PEM file there; pulling waits for it"));
            }

            _seq = (long)record.Seq;
        }

        _waitingFor = null;
        return records.Count < live.BatchSize ? PullOutcome.CaughtUp : PullOutcome.More;
    }

    /// <summary>Reports why pulling waits at a record (logged once while it is the same), the cursor left before it.</summary>
    private PullOutcome WaitForKey(string corp, string why)
    {
        status.PullFailed(time.GetUtcNow(), why);
        if (_waitingFor != why)
        {
            _waitingFor = why;
            LogWaitingForKey(corp, why);
        }

        return PullOutcome.WaitingForKey;
    }

    /// <summary>
    /// Whether the record at <paramref name="index"/>, which did not decrypt with the key of its
    /// version, failed for a wrong key rather than as an odd record: that key has decrypted no
    /// record since the keys were loaded, none of the next records of the version in this page
    /// decrypts either, and there are <see cref="WrongKeyRun"/> of them in a row or nothing of
    /// another version comes after them (the version WeCom encrypts for now). Looked at again at
    /// each pull while it waits, so more records of the version that do decrypt let it pass.
    /// </summary>
    private bool WrongKey(ArchiveSession session, List<EncryptedRecord> ordered, int index)
    {
        var version = ordered[index].PublicKeyVersion;
        if (!session.Keys.Has(version) || _working.Contains(version))
        {
            return false;
        }

        var failed = 1;
        var otherAfter = false;
        for (var j = index + 1; j < ordered.Count && failed < WrongKeyLook; j++)
        {
            var next = ordered[j];
            if (next.Problem is not null)
            {
                continue;
            }

            if (next.PublicKeyVersion != version)
            {
                otherAfter = true;
                continue;
            }

            if (Decrypts(session, next))
            {
                return false;
            }

            failed++;
        }

        return failed >= WrongKeyRun || !otherAfter;
    }

    /// <summary>
    /// Whether a record decrypts, its random key and then its message: a wrong key can give a random
    /// key by chance (a crypto library that answers a wrong padding with random bytes), never the message.
    /// </summary>
    private static bool Decrypts(ArchiveSession session, EncryptedRecord record)
    {
        if (!session.Keys.TryDecryptRandomKey(record.PublicKeyVersion, record.EncryptRandomKey, out var randomKey, out _))
        {
            return false;
        }

        try
        {
            session.Sdk.DecryptData(randomKey, record.EncryptChatMsg);
            return true;
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or ObjectDisposedException))
        {
            return false;
        }
    }

    /// <summary>
    /// Whether the record at <paramref name="index"/> is of a key version newer than every key, with
    /// no record of a known version after it: the key was changed, not one odd record.
    /// </summary>
    private static bool NewKeyVersion(ArchiveKeys keys, List<EncryptedRecord> ordered, int index)
    {
        var version = ordered[index].PublicKeyVersion;
        if (ordered[index].Problem is not null || keys.Has(version) || keys.Versions.Count == 0 || version <= keys.Versions[^1])
        {
            return false;
        }

        for (var j = index + 1; j < ordered.Count; j++)
        {
            if (ordered[j].Problem is null && keys.Has(ordered[j].PublicKeyVersion))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Loads the keys again when <c>PrivateKeys</c> changed; keys that fail to load leave the last
    /// good ones in force and are tried again at the next pull (a PEM file copied after the
    /// setting was saved), their problems logged once.
    /// </summary>
    private void RefreshKeys(ArchiveSession session)
    {
        var wanted = options.CurrentValue.PrivateKeys;
        if (_keysFrom is not null && wanted.Count == _keysFrom.Count && wanted.All(k => _keysFrom.TryGetValue(k.Key, out var path) && path == k.Value))
        {
            _keysProblems = null;
            return;
        }

        try
        {
            var keys = new ArchiveKeys(wanted);
            session.Replace(keys);
            _keysFrom = new(wanted, StringComparer.Ordinal);
            _keysProblems = null;
            _working.Clear();
            LogKeysReloaded(_options.CorpId!, string.Join(", ", keys.Versions));
        }
        catch (ArchiveKeyException ex)
        {
            var problems = string.Join("; ", ex.Problems);
            if (problems != _keysProblems)
            {
                _keysProblems = problems;
                LogKeysNotReloaded(_options.CorpId!, problems);
            }
        }
    }

    /// <summary>What became of one record.</summary>
    private enum Taken
    {
        /// <summary>Handed over, or passed over with the cursor moved.</summary>
        Yes,

        /// <summary>The sink cannot take it now: the cursor stays before it.</summary>
        Refused,

        /// <summary>The key of its version is wrong (<see cref="WrongKey"/>): the cursor stays before it.</summary>
        WrongKey,
    }

    /// <summary>Decrypts, reads, names the group of and hands over the record at <paramref name="index"/> of the page.</summary>
    private async Task<Taken> TakeAsync(ArchiveSession session, string corp, string source, List<EncryptedRecord> ordered, int index, CancellationToken cancellationToken)
    {
        var record = ordered[index];
        var seq = (long)record.Seq;
        if (record.Problem is { } problem)
        {
            return Unreadable(source, seq, string.Create(CultureInfo.InvariantCulture, $"record {seq}: {problem}"));
        }

        string plaintext;
        if (!session.Keys.TryDecryptRandomKey(record.PublicKeyVersion, record.EncryptRandomKey, out var randomKey, out var keyError))
        {
            return WrongKey(session, ordered, index)
                ? Taken.WrongKey
                : Skip(source, seq, undecryptable: $"record {seq} (msgid {Cut(record.MsgId)}): {keyError}");
        }

        try
        {
            plaintext = session.Sdk.DecryptData(randomKey, record.EncryptChatMsg);
            _working.Add(record.PublicKeyVersion);
        }
        catch (FinanceSdkException ex)
        {
            return WrongKey(session, ordered, index)
                ? Taken.WrongKey
                : Skip(source, seq, undecryptable: $"record {seq} (msgid {Cut(record.MsgId)}): {ex.Message}");
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or ObjectDisposedException))
        {
            // Unforeseen for this one record (the SDK closing at a stop is not: the record waits for the next start).
            return Skip(source, seq, undecryptable: $"record {seq} (msgid {Cut(record.MsgId)}): decrypting it failed ({ex.GetType().Name})");
        }

        ArchiveRecord read;
        try
        {
            read = ArchiveMessageReader.Read(plaintext, corp, seq, time.GetUtcNow());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A defect in reading one record: that record is passed over, not the archive stopped.
            return Unreadable(source, seq, string.Create(CultureInfo.InvariantCulture, $"record {seq} (msgid {Cut(record.MsgId)}): reading it failed ({ex.GetType().Name})"));
        }

        switch (read.Kind)
        {
            case ArchiveRecordKind.GroupMessage:
                var message = read.Message!;
                if (names is not null && await names.NameOfAsync(message.GroupId, cancellationToken) is { } name)
                {
                    message = message with { GroupName = name };
                }

                var outcome = sink.Accept(new InboundEvent(InboundEventKind.GroupMessage, Protocol.WeComArchive, corp, message, read.Detail));
                if (outcome == EventAcceptance.RetryLater)
                {
                    LogRefused(corp, seq);
                    return Taken.Refused;
                }

                if (outcome == EventAcceptance.Duplicate)
                {
                    cursors.Advance(source, seq); // journaled before: only the cursor moves
                    status.Skipped(seq);
                }
                else
                {
                    status.Message(seq, message.Time);
                }

                return Taken.Yes;
            case ArchiveRecordKind.NotGroup:
                cursors.Advance(source, seq);
                status.Skipped(seq);
                return Taken.Yes;
            default:
                return Unreadable(source, seq, read.Detail);
        }
    }

    private Taken Unreadable(string source, long seq, string detail)
    {
        cursors.Advance(source, seq);
        status.Unreadable(seq, detail);
        LogSkipped(_options.CorpId!, detail);
        return Taken.Yes;
    }

    private Taken Skip(string source, long seq, string undecryptable)
    {
        cursors.Advance(source, seq);
        status.Undecryptable(seq, undecryptable);
        LogSkipped(_options.CorpId!, undecryptable);
        return Taken.Yes;
    }

    private static string Cut(string id) => id.Length <= MessageLimits.MaxIdLength ? id : id[..MessageLimits.MaxIdLength];

    [LoggerMessage(Level = LogLevel.Information, Message = "WeCom chat archive of {CorpId}: pulling after seq {Seq}")]
    private partial void LogStarted(string corpId, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom chat archive of {CorpId}: pulling after seq {Seq} failed ({Error}); trying again, less often while it fails")]
    private partial void LogPullFailed(string corpId, long seq, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "WeCom chat archive of {CorpId}: pulling after seq {Seq} failed unforeseen; trying again, less often while it fails")]
    private partial void LogPullThrew(Exception ex, string corpId, long seq);

    [LoggerMessage(Level = LogLevel.Error, Message = "WeCom chat archive of {CorpId}: {Detail}")]
    private partial void LogWaitingForKey(string corpId, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "WeCom chat archive of {CorpId}: private keys loaded again from the settings (publickey_ver {Versions})")]
    private partial void LogKeysReloaded(string corpId, string versions);

    [LoggerMessage(Level = LogLevel.Error, Message = "WeCom chat archive of {CorpId}: the changed private keys do not load, the last good ones stay in force: {Problems}")]
    private partial void LogKeysNotReloaded(string corpId, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom chat archive of {CorpId}: skipped {Detail}")]
    private partial void LogSkipped(string corpId, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom chat archive of {CorpId}: the queue cannot take record {Seq} now; pulling it again shortly")]
    private partial void LogRefused(string corpId, long seq);
}
