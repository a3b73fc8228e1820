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

    /// <summary>The SDK refused the pull (its code is in the status and the log).</summary>
    Failed,
}

/// <summary>The SDK and the private keys the puller works with, opened at start.</summary>
internal sealed class ArchiveSession(IFinanceSdk sdk, ArchiveKeys keys, IDisposable? owner = null) : IDisposable
{
    public IFinanceSdk Sdk => sdk;

    public ArchiveKeys Keys => keys;

    public void Dispose() => owner?.Dispose();
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
/// or a refused Secret stops the service with an error naming the setting.
/// </summary>
internal sealed partial class ArchivePuller(
    IOptions<WeComArchiveOptions> options,
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

    private readonly WeComArchiveOptions _options = options.Value;
    private ArchiveSession? _session;
    private long _seq;

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
    internal void Open() => holder.Session = _session = open(_options);

    public override void Dispose()
    {
        holder.Session = null;
        _session?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(_options.PollSeconds);
        try
        {
            await ResumeAsync(stoppingToken);
            var backoff = poll;
            while (!stoppingToken.IsCancellationRequested)
            {
                var pulled = await PullOnceAsync(stoppingToken);
                if (pulled == PullOutcome.Failed)
                {
                    await Task.Delay(backoff, time, stoppingToken);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                    continue;
                }

                backoff = poll;
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
        try
        {
            var from = _seq;
            records = await Task.Run(() => session.Sdk.GetChatData((ulong)from, (uint)_options.BatchSize, _options.Proxy, _options.ProxyPassword, _options.TimeoutSeconds), cancellationToken);
        }
        catch (FinanceSdkException ex)
        {
            status.PullFailed(time.GetUtcNow(), ex.Message);
            LogPullFailed(corp, _seq, ex.Message);
            return PullOutcome.Failed;
        }

        status.Pulled(time.GetUtcNow(), records.Count);
        foreach (var record in records.OrderBy(r => r.Seq))
        {
            if ((long)record.Seq <= _seq)
            {
                continue; // the SDK gave one again
            }

            if (!await TakeAsync(session, corp, source, record, cancellationToken))
            {
                return PullOutcome.Refused;
            }

            _seq = (long)record.Seq;
        }

        return records.Count < _options.BatchSize ? PullOutcome.CaughtUp : PullOutcome.More;
    }

    /// <summary>Decrypts, reads, names the group of and hands over one record; false when the sink cannot take it now.</summary>
    private async Task<bool> TakeAsync(ArchiveSession session, string corp, string source, EncryptedRecord record, CancellationToken cancellationToken)
    {
        var seq = (long)record.Seq;
        string plaintext;
        if (!session.Keys.TryDecryptRandomKey(record.PublicKeyVersion, record.EncryptRandomKey, out var randomKey, out var keyError))
        {
            return Skip(source, seq, undecryptable: $"record {seq} (msgid {Cut(record.MsgId)}): {keyError}");
        }

        try
        {
            plaintext = session.Sdk.DecryptData(randomKey, record.EncryptChatMsg);
        }
        catch (FinanceSdkException ex)
        {
            return Skip(source, seq, undecryptable: $"record {seq} (msgid {Cut(record.MsgId)}): {ex.Message}");
        }

        var read = ArchiveMessageReader.Read(plaintext, corp, seq, time.GetUtcNow());
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
                    return false;
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

                return true;
            case ArchiveRecordKind.NotGroup:
                cursors.Advance(source, seq);
                status.Skipped(seq);
                return true;
            default:
                cursors.Advance(source, seq);
                status.Unreadable(seq, read.Detail);
                LogSkipped(corp, read.Detail);
                return true;
        }
    }

    private bool Skip(string source, long seq, string undecryptable)
    {
        cursors.Advance(source, seq);
        status.Undecryptable(seq, undecryptable);
        LogSkipped(_options.CorpId!, undecryptable);
        return true;
    }

    private static string Cut(string id) => id.Length <= MessageLimits.MaxIdLength ? id : id[..MessageLimits.MaxIdLength];

    [LoggerMessage(Level = LogLevel.Information, Message = "WeCom chat archive of {CorpId}: pulling after seq {Seq}")]
    private partial void LogStarted(string corpId, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom chat archive of {CorpId}: pulling after seq {Seq} failed ({Error}); trying again, less often while it fails")]
    private partial void LogPullFailed(string corpId, long seq, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom chat archive of {CorpId}: skipped {Detail}")]
    private partial void LogSkipped(string corpId, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom chat archive of {CorpId}: the queue cannot take record {Seq} now; pulling it again shortly")]
    private partial void LogRefused(string corpId, long seq);
}
