using GroupGuard.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.WeCom.Archive;

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
    ILogger<ArchivePuller> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    private readonly WeComArchiveOptions _options = options.Value;
    private ArchiveSession? _session;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return Task.CompletedTask;
        }

        // Thrown here, the error stops the start: an archive that cannot be read must not look healthy.
        holder.Session = _session = open(_options);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        holder.Session = null;
        _session?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var session = _session!;
        var corp = _options.CorpId!;
        var source = ArchiveMessageReader.Source(corp);
        var poll = TimeSpan.FromSeconds(_options.PollSeconds);
        try
        {
            var seq = await cursors.GetAsync(source, stoppingToken) ?? 0;
            status.Started(corp, source, seq == 0 ? null : seq);
            LogStarted(corp, seq);
            var backoff = poll;
            while (!stoppingToken.IsCancellationRequested)
            {
                IReadOnlyList<EncryptedRecord> records;
                try
                {
                    var from = seq;
                    records = await Task.Run(() => session.Sdk.GetChatData((ulong)from, (uint)_options.BatchSize, _options.Proxy, _options.ProxyPassword, _options.TimeoutSeconds), stoppingToken);
                }
                catch (FinanceSdkException ex)
                {
                    status.PullFailed(time.GetUtcNow(), ex.Message);
                    LogPullFailed(corp, seq, ex.Message, backoff.TotalSeconds);
                    await Task.Delay(backoff, time, stoppingToken);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                    continue;
                }

                backoff = poll;
                status.Pulled(time.GetUtcNow(), records.Count);
                var refused = false;
                foreach (var record in records.OrderBy(r => r.Seq))
                {
                    if ((long)record.Seq <= seq)
                    {
                        continue; // the SDK gave one again
                    }

                    if (!Take(session, corp, source, record))
                    {
                        refused = true;
                        break;
                    }

                    seq = (long)record.Seq;
                }

                if (refused || records.Count < _options.BatchSize)
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

    /// <summary>Decrypts, reads and hands over one record; false when the sink cannot take it now.</summary>
    private bool Take(ArchiveSession session, string corp, string source, EncryptedRecord record)
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
                var outcome = sink.Accept(new InboundEvent(InboundEventKind.GroupMessage, Protocol.WeComArchive, corp, read.Message, read.Detail));
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
                    status.Message(seq, read.Message!.Time);
                }

                return true;
            case ArchiveRecordKind.NotGroup:
                cursors.Advance(source, seq);
                status.Skipped(seq);
                return true;
            default:
                cursors.Advance(source, seq);
                status.Unreadable(seq, read.Detail);
                LogUnreadable(corp, read.Detail);
                return true;
        }
    }

    private bool Skip(string source, long seq, string undecryptable)
    {
        cursors.Advance(source, seq);
        status.Undecryptable(seq, undecryptable);
        LogUndecryptable(_options.CorpId!, undecryptable);
        return true;
    }

    private static string Cut(string id) => id.Length <= MessageLimits.MaxIdLength ? id : id[..MessageLimits.MaxIdLength];

    [LoggerMessage(Level = LogLevel.Information, Message = "WeCom chat archive of {CorpId}: pulling after seq {Seq}")]
    private partial void LogStarted(string corpId, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom chat archive of {CorpId}: pulling after seq {Seq} failed ({Error}); trying again in {Seconds} s")]
    private partial void LogPullFailed(string corpId, long seq, string error, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom chat archive of {CorpId}: skipped {Detail}")]
    private partial void LogUndecryptable(string corpId, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom chat archive of {CorpId}: skipped {Detail}")]
    private partial void LogUnreadable(string corpId, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom chat archive of {CorpId}: the queue cannot take record {Seq} now; pulling it again shortly")]
    private partial void LogRefused(string corpId, long seq);
}
