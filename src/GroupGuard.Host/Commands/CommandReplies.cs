using System.Threading.Channels;
using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Host.Commands;

/// <summary>
/// A member's mute a command changes: lifted (<paramref name="Seconds"/> 0), or set again for
/// <paramref name="Seconds"/> (what a genuine offence's mute had left when a false positive's replaced it).
/// </summary>
internal sealed record MuteChange(string UserId, int Seconds = 0)
{
    /// <summary>The mute set again in whole minutes, as answers say it (rounded up: 禁言已改为另一次违规剩余的 6 分钟).</summary>
    public int Minutes => (Seconds + 59) / 60;
}

/// <summary>What became of a <see cref="MuteChange"/>: whether the platform did it, and if not, why, when that is known.</summary>
/// <param name="Why">Not done: the kind of failure in the digest's words (<c>机器人不是群管理员，或对方是管理员</c>), what an admin can act on; null when done or not known.</param>
internal sealed record MuteChanged(MuteChange Change, bool Done, string? Why = null)
{
    /// <summary>What became of <paramref name="change"/> by the platform's <paramref name="result"/>.</summary>
    public static MuteChanged Of(MuteChange change, ActionResult result) =>
        new(
            change,
            result.Status == ActionStatus.Done,
            result.Status != ActionStatus.Done && (result.ErrorKind is not null || result.Status == ActionStatus.Unsupported)
                ? DigestBuilder.Reason(result.ErrorKind, result.Status)
                : null);

    /// <summary>The reasons of those not done, each once, as an answer puts them after its words: <c>（机器人无响应）</c>; empty when none is known.</summary>
    public static string Reasons(IEnumerable<MuteChanged> changed)
    {
        var why = changed.Where(c => !c.Done && c.Why is not null).Select(c => c.Why!).Distinct(StringComparer.Ordinal).ToList();
        return why.Count == 0 ? "" : $"（{string.Join("；", why)}）";
    }
}

/// <summary>
/// What a command leaves to the platform: mutes to lift or set again, then its one-line answer,
/// which <paramref name="Answer"/> words from what became of each.
/// </summary>
/// <param name="Command">The command's message: the answer goes to its group, mentioning its sender.</param>
internal sealed record CommandReply(ChatMessage Command, IReadOnlyList<MuteChange> Mutes, Func<IReadOnlyList<MuteChanged>, string> Answer)
{
    /// <summary>The command's word (<c>误判</c>; <c>帮助</c> for help and unknown words), for the log: never what it carried.</summary>
    public string Name { get; init; } = "";

    /// <summary>
    /// What the command asked, all its answer may depend on besides the state it reads (its word,
    /// its words, the message it replies to, the members it names): the same answer to the same
    /// question in a group within a minute is sent once (<see cref="RecentAnswers"/>).
    /// </summary>
    public string Asked { get; init; } = "";

    public static CommandReply Say(ChatMessage command, string answer) => new(command, [], _ => answer);
}

/// <summary>
/// The bounded queue between commands and the platform: a command's database work is done in the
/// moderation worker, in order with the messages around it; what it asks of the platform waits
/// here, so moderation never waits for the platform. Full, a reply is dropped (and logged).
/// </summary>
internal sealed class CommandReplies
{
    public const int Capacity = 1000;

    private readonly Channel<CommandReply> _channel = Channel.CreateBounded<CommandReply>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = false,
    });

    public ChannelReader<CommandReply> Reader => _channel.Reader;

    public bool TryEnqueue(CommandReply reply) => _channel.Writer.TryWrite(reply);
}

/// <summary>
/// Lifts (or sets again) the mutes a command asked for and sends its answer, as a warning is sent:
/// an @ of the one who asked, then the line (through the same per-bot rate limit, and on OneBot in
/// the same coalescing window as warnings); an answer the group was sent to the same command within
/// the minute is not sent again (<see cref="RecentAnswers"/>). An answer not sent is logged with the command's word, the
/// platform, the group and why: a line for a bot's first in ten seconds and for each other kind of
/// failure in them (<see cref="LogThrottle"/>), the rest counted into its next line.
/// </summary>
internal sealed partial class CommandReplyWorker(
    CommandReplies replies,
    IPlatformActions platform,
    RecentAnswers recent,
    TimeProvider time,
    ILogger<CommandReplyWorker> logger) : BackgroundService
{
    /// <summary>Replies run side by side, up to this many: an answer waits out the warning window and must not hold back the next.</summary>
    private const int Concurrency = 4;

    // A bot that cannot send (gone, muted, no adapter for it) fails every group's answers alike.
    private readonly LogThrottle _notSentLines = new(time);

    // Replies still queued when the service stops are not sent.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Pipeline.SideBySide.RunAsync(replies.Reader, Concurrency, RunAsync, (reply, ex) => LogFailed(ex, reply.Command.GroupId, reply.Command.MessageId), stoppingToken);

    internal async Task RunAsync(CommandReply reply, CancellationToken cancellationToken)
    {
        var command = reply.Command;
        var changed = new List<MuteChanged>();
        foreach (var change in reply.Mutes)
        {
            var result = await MuteAfterMarks.CarryOutAsync(platform, change, command.Protocol, command.Platform, command.BotId, command.GroupId, command.MessageId, cancellationToken);
            // A failure is the one line of it (the adapters' own lines about its tries are at Debug);
            // the command's answer tells the group, this the operator.
            if (result.Status == ActionStatus.Failed)
            {
                LogMuteChangeFailed(reply.Name, change.Seconds > 0 ? "setting the mute again" : "unmute", command.Platform, command.GroupId, change.UserId, result.Error ?? "failed");
            }
            else if (change.Seconds > 0)
            {
                LogRemute(command.Platform, command.GroupId, change.UserId, change.Seconds, Outcome(result));
            }
            else
            {
                LogUnmute(command.Platform, command.GroupId, change.UserId, Outcome(result));
            }

            changed.Add(MuteChanged.Of(change, result));
        }

        var answer = reply.Answer(changed);
        if (!recent.TryTake(command.Platform, command.GroupId, reply.Asked, answer, out var taken))
        {
            // A burst of one command (many admins typing /gg 帮助): the group has the answer already.
            LogSameAnswer(reply.Name, command.Platform, command.GroupId, command.MessageId, (long)(time.GetUtcNow() - taken).TotalSeconds);
            return;
        }

        var sent = await platform.ExecuteAsync(
            new PlatformAction
            {
                Protocol = command.Protocol,
                Platform = command.Platform,
                BotId = command.BotId,
                GroupId = command.GroupId,
                UserId = command.UserId,
                MessageId = command.MessageId,
                Action = ModerationAction.Warn,
                WarningText = answer,
            },
            cancellationToken);
        if (sent.Status != ActionStatus.Done)
        {
            recent.Forget(command.Platform, command.GroupId, reply.Asked, answer, taken);
        }

        if (sent.Status != ActionStatus.Done
            && _notSentLines.Occurred($"{command.Platform}:{command.BotId}", $"{sent.Status} {sent.ErrorKind}") is > 0 and var count)
        {
            LogAnswerNotSent(reply.Name, command.Platform, command.GroupId, command.MessageId, Outcome(sent), count);
        }
    }

    /// <summary>A call's status, and its error when it has one: "Done", never "Done " or "Done (null)" at the end of a line.</summary>
    private static string Outcome(ActionResult result) =>
        string.IsNullOrEmpty(result.Error) ? result.Status.ToString() : $"{result.Status} {result.Error}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Command: unmute on {Platform} group {GroupId} user {UserId}: {Outcome}")]
    private partial void LogUnmute(string platform, string groupId, string userId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group command {Command}: {What} failed in {Platform} group {GroupId} (user {UserId}): {Error}")]
    private partial void LogMuteChangeFailed(string command, string what, string platform, string groupId, string userId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command: mute set again on {Platform} group {GroupId} user {UserId} for the {Seconds} s another offence's mute had left: {Outcome}")]
    private partial void LogRemute(string platform, string groupId, string userId, int seconds, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group command {Command} in {Platform} group {GroupId} (message {MessageId}): the answer was not sent: {Outcome} ({Count} of the bot's answers not sent since its last such line; a line every 10 s at most, and one for each other kind of failure)")]
    private partial void LogAnswerNotSent(string command, string platform, string groupId, string messageId, string outcome, long count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Group command {Command} in {Platform} group {GroupId} (message {MessageId}): the answer is the one sent to the same command in the group {Seconds} s ago; not sent again")]
    private partial void LogSameAnswer(string command, string platform, string groupId, string messageId, long seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Command: the reply to message {MessageId} in group {GroupId} failed")]
    private partial void LogFailed(Exception ex, string groupId, string messageId);
}
