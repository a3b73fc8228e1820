using System.Threading.Channels;
using GroupGuard.Core;
using GroupGuard.Core.Members;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Host.Pipeline;

/// <summary>A join request's answer waiting to go out: its decision stored, the platform not called yet.</summary>
internal sealed record JoinAnswerJob(IJoinRequestActions Adapter, JoinAnswer Answer, long DecisionId, ChatMessage Request);

/// <summary>
/// Join requests' answers (<c>set_group_add_request</c> and the like) waiting for the platform,
/// bounded: past <see cref="Capacity"/> an answer is not sent, and its decision says so.
/// </summary>
internal sealed class JoinAnswerQueue
{
    public const int Capacity = 1_000;

    private readonly Channel<JoinAnswerJob> _channel = Channel.CreateBounded<JoinAnswerJob>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = false,
    });

    public ChannelReader<JoinAnswerJob> Reader => _channel.Reader;

    public bool TryEnqueue(JoinAnswerJob job) => _channel.Writer.TryWrite(job);
}

/// <summary>
/// Sends the queued answers to join requests, a few at once, and records what the platform said on
/// each decision. Stopping, an answer that has not gone out is recorded as interrupted: nothing
/// answers a request after a restart, so its decision is never left pending for good, and the digest
/// lists it for the admins.
/// </summary>
internal sealed partial class JoinAnswerWorker(JoinAnswerQueue queue, JoinScreener screener, ILogger<JoinAnswerWorker> logger) : BackgroundService
{
    /// <summary>Answers sent side by side: one bridge slow to answer holds back no other's. The client's per-bot rate limit paces them.</summary>
    private const int Concurrency = 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await SideBySide.RunAsync(queue.Reader, Concurrency, screener.AnswerAsync, (job, ex) => LogFailed(ex, job.Request.Platform, job.Request.GroupId, job.Request.UserId), stoppingToken);
        while (queue.Reader.TryRead(out var job))
        {
            await screener.RecordAsync(job, ActionResult.Failed(ActionErrorKind.Interrupted, "the service stopped before the answer went out"));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Answering the join request of {UserId} in {Platform} group {GroupId} failed")]
    private partial void LogFailed(Exception ex, string platform, string groupId, string userId);
}
