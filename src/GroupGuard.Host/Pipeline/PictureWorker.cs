using GroupGuard.Core.Images;
using GroupGuard.Images;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Reads the queued messages' pictures (<see cref="IPictureReader"/>: fetch, decode, QR codes,
/// hash, the text in them with OCR on), up to <see cref="ImagesOptions.Workers"/> messages at once, and has the
/// <see cref="Moderator"/> judge what they held. Each message's journal hold is let go once its
/// pictures are read or given up on (a failure nobody foresaw included, which would otherwise hold
/// the journal for good); stopping leaves what is still queued or being read held, so that the
/// next start replays those messages and reads their pictures again.
/// </summary>
internal sealed partial class PictureWorker(
    PictureQueue queue,
    IPictureReader reader,
    Moderator moderator,
    IImageBlocks blocks,
    PictureStats stats,
    IOptionsMonitor<ImagesOptions> options,
    ILogger<PictureWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        SideBySide.RunAsync(queue.Reader, options.CurrentValue.Workers, CheckAndReleaseAsync, Failed, stoppingToken);

    private async Task CheckAndReleaseAsync(PictureJob job, CancellationToken stoppingToken)
    {
        // Not let go when the stop cancels it (the exception passes by): the next start reads it again.
        await CheckAsync(job, stoppingToken);
        job.Hold?.Dispose();
    }

    private void Failed(PictureJob job, Exception ex)
    {
        LogCheckFailed(ex, job.Message.GroupId, job.Message.MessageId);
        job.Hold?.Dispose();
    }

    internal async Task CheckAsync(PictureJob job, CancellationToken stoppingToken)
    {
        var readings = new List<PictureCheck>(job.Pictures.Count);
        foreach (var (index, image, forwarded) in job.Pictures)
        {
            var reading = await ReadAsync(job, image, stoppingToken);
            stats.Dequeued();
            switch (reading.Outcome)
            {
                case PictureOutcome.Read:
                    stats.Read();
                    stats.Ocr(reading.TextOutcome);
                    if (reading.QrGaveUp)
                    {
                        stats.GaveUpOnQr();
                    }

                    break;
                case PictureOutcome.Refused:
                    stats.Refuse();
                    LogRefused(index, job.Message.GroupId, job.Message.MessageId, reading.Where, reading.Reason ?? "no reason given");
                    break;
                default:
                    stats.Fail();
                    break;
            }

            readings.Add(new PictureCheck(index, reading, forwarded));
        }

        if (readings.All(r => r.Reading.Outcome != PictureOutcome.Read))
        {
            return;
        }

        IReadOnlyList<ImageBlock> blocked;
        try
        {
            blocked = await blocks.ListAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The codes still count; the block list is checked again with the next picture.
            LogBlocksUnread(ex);
            blocked = [];
        }

        try
        {
            stats.Stored(await moderator.ModeratePicturesAsync(job.Message, readings, blocked, options.CurrentValue, stoppingToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One message's pictures must not stop the worker.
            LogModerationFailed(ex, job.Message.GroupId, job.Message.MessageId);
        }
    }

    private async Task<PictureReading> ReadAsync(PictureJob job, Core.ImageRef image, CancellationToken stoppingToken)
    {
        try
        {
            return await reader.ReadAsync(new PictureSource(job.Message.Protocol, job.Message.BotId, image) { Platform = job.Message.Platform }, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReadFailed(ex, job.Message.GroupId, job.Message.MessageId);
            return PictureReading.Fail("?", "the picture could not be read");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Picture {Index} of group {GroupId} message {MessageId} refused ({Where}): {Reason}")]
    private partial void LogRefused(int index, string groupId, string messageId, string where, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The picture block list could not be read; pictures are checked for codes only meanwhile")]
    private partial void LogBlocksUnread(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking the pictures of group {GroupId} message {MessageId} failed unexpectedly; the next message's go on")]
    private partial void LogCheckFailed(Exception ex, string groupId, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading a picture of group {GroupId} message {MessageId} failed")]
    private partial void LogReadFailed(Exception ex, string groupId, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Judging the pictures of group {GroupId} message {MessageId} failed; skipped")]
    private partial void LogModerationFailed(Exception ex, string groupId, string messageId);
}

/// <summary>
/// One picture of a message as read: its place among the message's pictures (1 first), the
/// reading, and the inner message it came in when a forwarded bundle held it.
/// </summary>
internal sealed record PictureCheck(int Index, PictureReading Reading, ForwardedPicture? Forwarded = null);
