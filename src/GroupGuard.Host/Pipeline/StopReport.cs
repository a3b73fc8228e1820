using System.Globalization;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// What a graceful stop did with the messages the service had taken: how many the moderation
/// worker drained from its queue, and in how long (<see cref="ModerationWorker"/>); then, once the
/// inbox journal is closed (<see cref="InboxStartup"/>, the last to stop), whether it holds any the
/// next start will moderate. Said in one line, so that an operator who stopped the service knows
/// whether anything waits.
/// </summary>
internal sealed partial class StopReport(ILogger<StopReport> logger)
{
    private int _drained;
    private TimeSpan _took;
    private int _said;

    /// <summary>The worker drained <paramref name="messages"/> queued messages in <paramref name="took"/>.</summary>
    public void Drained(int messages, TimeSpan took)
    {
        // The first stop's: a host stopped twice (in process, by its owner and by its own run) drains nothing the second time.
        if (Volatile.Read(ref _said) == 0)
        {
            _drained = messages;
            _took = took;
        }
    }

    /// <summary>Says the stop's line: what was drained, and what the journal in <paramref name="folder"/>, closed, still holds.</summary>
    public void Stopped(string folder)
    {
        if (Interlocked.Exchange(ref _said, 1) != 0)
        {
            return;
        }

        long left;
        try
        {
            left = InboxJournal.Unreplayed(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogStoppedUnknown(_drained, Seconds(_took), folder, ex.Message);
            return;
        }

        if (left == 0)
        {
            LogStopped(_drained, Seconds(_took));
        }
        else
        {
            LogStoppedWithLeft(_drained, Seconds(_took), left, folder);
        }
    }

    private static string Seconds(TimeSpan took) => took.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped: drained {Drained} queued messages in {Seconds} s; nothing left in the journal")]
    private partial void LogStopped(int drained, string seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped: drained {Drained} queued messages in {Seconds} s; {Left} message(s) left in the inbox journal ({Folder}) are moderated at the next start")]
    private partial void LogStoppedWithLeft(int drained, string seconds, long left, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped: drained {Drained} queued messages in {Seconds} s; what is left in the inbox journal ({Folder}) could not be read ({Error}): whatever it holds is moderated at the next start")]
    private partial void LogStoppedUnknown(int drained, string seconds, string folder, string error);
}
