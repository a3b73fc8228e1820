using System.Threading.Channels;
using GroupGuard.Core;
using GroupGuard.Core.Images;
using GroupGuard.Images;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// A moderated message whose pictures are to be read, and which of them (1 for its first; those of
/// its forwarded bundles after its own, each with the inner message it came in); with the journal's
/// hold on it, let go once they are (<see cref="InboxJournal.Hold"/>).
/// </summary>
internal sealed record PictureJob(ChatMessage Message, IReadOnlyList<(int Index, ImageRef Image, ForwardedPicture? Forwarded)> Pictures, JournalHold? Hold = null);

/// <summary>Counts of pictures for <c>/healthz</c>.</summary>
internal sealed class PictureStats
{
    private long _queued;
    private long _processed;
    private long _refused;
    private long _failed;
    private long _skipped;
    private long _incidents;
    private long _ocrRuns;
    private long _ocrFailed;
    private long _ocrTimeouts;
    private long _qrGaveUp;

    /// <summary>Pictures waiting to be read.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Pictures fetched and decoded.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Pictures not taken by a limit (size, pixels, not a picture, host, scheme, redirect).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Pictures that could not be had (timeouts, errors) or read.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Pictures never looked at: the queue was full, or a message had more than <see cref="ImagesOptions.MaxPerMessage"/>.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Incidents stored from what pictures held.</summary>
    public long Incidents => Interlocked.Read(ref _incidents);

    /// <summary>Pictures whose text tesseract was asked for (<c>GroupGuard:Images:Ocr</c>).</summary>
    public long OcrRuns => Interlocked.Read(ref _ocrRuns);

    /// <summary>Of those, the runs that failed (did not start, exited with an error).</summary>
    public long OcrFailed => Interlocked.Read(ref _ocrFailed);

    /// <summary>Of those, the runs killed at <see cref="ImagesOptions.OcrTimeoutSeconds"/>.</summary>
    public long OcrTimeouts => Interlocked.Read(ref _ocrTimeouts);

    /// <summary>Pictures read whose QR search gave up on some of them (too many finder-like shapes: decoys).</summary>
    public long QrGaveUp => Interlocked.Read(ref _qrGaveUp);

    /// <summary>Counts what became of a picture's OCR.</summary>
    public void Ocr(PictureTextOutcome outcome)
    {
        if (outcome == PictureTextOutcome.NotRun)
        {
            return;
        }

        Interlocked.Increment(ref _ocrRuns);
        if (outcome == PictureTextOutcome.Failed)
        {
            Interlocked.Increment(ref _ocrFailed);
        }
        else if (outcome == PictureTextOutcome.TimedOut)
        {
            Interlocked.Increment(ref _ocrTimeouts);
        }
    }

    public void Stored(int incidents) => Interlocked.Add(ref _incidents, incidents);

    public void Enqueued(int pictures) => Interlocked.Add(ref _queued, pictures);

    public void Dequeued() => Interlocked.Decrement(ref _queued);

    public void Read() => Interlocked.Increment(ref _processed);

    public void GaveUpOnQr() => Interlocked.Increment(ref _qrGaveUp);

    public void Refuse() => Interlocked.Increment(ref _refused);

    public void Fail() => Interlocked.Increment(ref _failed);

    public void Skip(int pictures) => Interlocked.Add(ref _skipped, pictures);
}

/// <summary>
/// The bounded queue between text moderation and the picture worker: offering never waits. A
/// message that finds it full has its pictures counted as skipped, so a slow CDN or a flood of
/// pictures never holds back the text of the messages behind it.
/// </summary>
internal sealed partial class PictureQueue
{
    private readonly Channel<PictureJob> _channel;
    private readonly IOptionsMonitor<ImagesOptions> _options;
    private readonly PictureStats _stats;
    private readonly ILogger<PictureQueue> _logger;
    private readonly int _capacity;
    private long _lastFullWarning = long.MinValue;

    public PictureQueue(IOptionsMonitor<ImagesOptions> options, PictureStats stats, TimeProvider time, ILogger<PictureQueue> logger)
    {
        _options = options;
        _stats = stats;
        _logger = logger;
        Time = time;
        _capacity = Math.Max(1, options.CurrentValue.QueueCapacity); // a wrong value is named by the validator at start; read once
        _channel = Channel.CreateBounded<PictureJob>(new BoundedChannelOptions(_capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails rather than waits
            SingleReader = false,
        });
    }

    public ChannelReader<PictureJob> Reader => _channel.Reader;

    private TimeProvider Time { get; }

    /// <summary>Whether <paramref name="message"/> has pictures to read (its own, or <paramref name="forwarded"/>) and pictures are read at all.</summary>
    public bool Wants(ChatMessage message, IReadOnlyList<ForwardedPicture> forwarded) =>
        (message.Images.Count > 0 || forwarded.Count > 0) && _options.CurrentValue.Enabled;

    /// <summary>
    /// Queues the message's pictures when there are any and pictures are read at all; never waits.
    /// Those of its forwarded bundles (<paramref name="forwarded"/>) are its own too, after the
    /// ones it carries, within the same <see cref="ImagesOptions.MaxPerMessage"/>. True when
    /// queued: <paramref name="hold"/> then goes with them, and is let go once they are read;
    /// otherwise the caller lets it go.
    /// </summary>
    public bool Offer(ChatMessage message, IReadOnlyList<ForwardedPicture> forwarded, JournalHold? hold = null)
    {
        var options = _options.CurrentValue;
        var total = message.Images.Count + forwarded.Count;
        if (!options.Enabled || total == 0)
        {
            return false;
        }

        var taken = message.Images.Select(image => (Image: image, Forwarded: (ForwardedPicture?)null))
            .Concat(forwarded.Select(picture => (picture.Image, Forwarded: (ForwardedPicture?)picture)))
            .Take(options.MaxPerMessage)
            .Select((picture, i) => (i + 1, picture.Image, picture.Forwarded))
            .ToList();
        _stats.Skip(total - taken.Count);
        _stats.Enqueued(taken.Count);
        if (_channel.Writer.TryWrite(new PictureJob(message, taken, hold)))
        {
            return true;
        }

        _stats.Enqueued(-taken.Count);
        _stats.Skip(taken.Count);

        // Once a minute at most: a flood would otherwise fill the log too.
        var now = Time.GetTimestamp();
        var last = Interlocked.Read(ref _lastFullWarning);
        if (last == long.MinValue || Time.GetElapsedTime(last, now) >= TimeSpan.FromMinutes(1))
        {
            Interlocked.Exchange(ref _lastFullWarning, now);
            LogFull(_capacity, message.GroupId, message.MessageId);
        }

        return false;
    }

    public void Complete() => _channel.Writer.TryComplete();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The picture queue is full ({Capacity} messages): the pictures of group {GroupId} message {MessageId} are skipped (counted on /healthz)")]
    private partial void LogFull(int capacity, string groupId, string messageId);
}
