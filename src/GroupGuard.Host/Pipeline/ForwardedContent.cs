using GroupGuard.Core;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Forwards;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Host.Pipeline;

/// <summary>Counters of forwarded bundles for <c>/healthz</c> (<c>forwards</c>).</summary>
internal sealed class ForwardStats
{
    private long _opened;
    private long _failed;
    private long _truncated;

    /// <summary>Bundles whose messages were read, inline or from the platform.</summary>
    public long Opened => Interlocked.Read(ref _opened);

    /// <summary>Bundles the platform could not or would not open.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Messages whose bundles were not read in full: a bound (depth, count, time) stopped the opening.</summary>
    public long Truncated => Interlocked.Read(ref _truncated);

    public void CountOpened() => Interlocked.Increment(ref _opened);

    public void CountFailed() => Interlocked.Increment(ref _failed);

    public void CountTruncated() => Interlocked.Increment(ref _truncated);
}

/// <summary>
/// A picture in a message forwarded inside the message moderated: read as the outer message's own
/// (after them), its hits are the outer message's, their evidence the inner message's.
/// </summary>
/// <param name="Image">The picture.</param>
/// <param name="Source">The inner message it came in.</param>
/// <param name="Depth">How deep the inner message lies: 1 in a bundle of the outer message, 2 in a bundle inside that.</param>
internal sealed record ForwardedPicture(ImageRef Image, ForwardedMessage Source, int Depth);

/// <summary>What a message's forwarded bundles held: the hits in their text, and their pictures, to be read after the message's own.</summary>
internal sealed record ForwardedFindings(IReadOnlyList<ForwardedHit> Hits, IReadOnlyList<ForwardedPicture> Pictures)
{
    public static ForwardedFindings None { get; } = new([], []);
}

/// <summary>
/// A message's forwarded bundles (QQ's 合并转发), opened and matched as part of the message: each
/// inner message's text goes through the rules, and each hit becomes the outer message's
/// (<see cref="ForwardedHit"/>), so the incident names the message a recall removes and quotes the
/// inner one; each inner message's pictures are handed on to be read as the outer message's
/// (<see cref="ForwardedPicture"/>), so a bundle fetched from the platform is fetched once. Bundles
/// are opened breadth first, inline ones without a call, within <see cref="ForwardLimits"/>: past a
/// bound, opening stops and what was read is matched. A bundle the platform cannot open leaves the
/// message to be moderated on the rest. Logs never carry the content.
/// </summary>
internal sealed partial class ForwardedContent(
    IEnumerable<IForwardedMessages> adapters,
    ForwardStats stats,
    TimeProvider time,
    ILogger<ForwardedContent> logger,
    IWordSegmenter? segmenter = null)
{
    private readonly Dictionary<Protocol, IForwardedMessages> _adapters = ProtocolAdapters.ByProtocol(adapters, a => a.Protocols);

    /// <summary>
    /// The hits in the messages forwarded inside <paramref name="message"/>: one per rule, leaving
    /// out rules that already fired on the message's own text (<paramref name="own"/>); and the
    /// pictures of those messages, in the order they were read.
    /// </summary>
    public async Task<ForwardedFindings> DetectAsync(RuleSet ruleSet, ChatMessage message, IReadOnlyList<RuleHit> own, CancellationToken stoppingToken)
    {
        if (message.Forwards.Count == 0)
        {
            return ForwardedFindings.None;
        }

        var read = await ReadAsync(message, stoppingToken);
        var fired = new HashSet<string>(own.Select(h => h.Rule.Id), StringComparer.Ordinal);
        var hits = new List<ForwardedHit>();
        var pictures = new List<ForwardedPicture>();
        foreach (var (inner, depth) in read)
        {
            pictures.AddRange(inner.Images.Select(image => new ForwardedPicture(image, inner, depth)));
            try
            {
                string? folded = null;
                foreach (var hit in MessageDetector.Detect(ruleSet, inner.ScanText, message.GroupId, segmenter).Hits)
                {
                    // One incident per rule and message: the unique key of incidents says so too.
                    if (fired.Add(hit.Rule.Id))
                    {
                        folded ??= ruleSet.Fold(inner.Text);
                        hits.Add(new ForwardedHit(hit, inner, depth, folded));
                    }
                }
            }
            catch (Exception ex)
            {
                // One inner message that trips the detector must not keep the rest, or the message, from moderation.
                LogDetectionFailed(ex, message.Protocol, message.GroupId, message.MessageId, depth);
            }
        }

        return new ForwardedFindings(hits, pictures);
    }

    /// <summary>The inner messages read, each with the depth of its bundle, within the bounds.</summary>
    internal async Task<IReadOnlyList<(ForwardedMessage Message, int Depth)>> ReadAsync(ChatMessage message, CancellationToken stoppingToken)
    {
        var read = new List<(ForwardedMessage, int)>();
        var pending = new Queue<(ForwardRef Bundle, int Depth)>(message.Forwards.Select(f => (f, 1)));
        string? stopped = null;
        using var linked = new Deadline(ForwardLimits.Budget, time, stoppingToken);
        while (pending.TryDequeue(out var next))
        {
            var (bundle, depth) = next;
            if (depth > ForwardLimits.MaxDepth)
            {
                stopped ??= $"bundles nested deeper than {ForwardLimits.MaxDepth}";
                continue;
            }

            if (read.Count >= ForwardLimits.MaxMessages)
            {
                stopped ??= $"{ForwardLimits.MaxMessages} messages read";
                break;
            }

            IReadOnlyList<ForwardedMessage> messages;
            if (bundle.Messages is { } inline)
            {
                messages = inline;
            }
            else
            {
                var opened = await OpenAsync(message, bundle.Id, linked.Token, stoppingToken);
                if (opened is null)
                {
                    stopped ??= $"the {ForwardLimits.Budget.TotalSeconds:0} s budget spent";
                    break;
                }

                if (!opened.Opened)
                {
                    if (!opened.Unsupported)
                    {
                        stats.CountFailed();
                        LogOpenFailed(message.Protocol, message.GroupId, message.MessageId, depth, opened.Error!);
                    }

                    continue;
                }

                messages = opened.Messages;
                if (opened.Cut)
                {
                    stopped ??= "the platform's answer held more than is read";
                }
            }

            stats.CountOpened();
            if (bundle.Cut)
            {
                stopped ??= "the event carried more than is read";
            }

            foreach (var inner in messages)
            {
                if (read.Count >= ForwardLimits.MaxMessages)
                {
                    stopped ??= $"{ForwardLimits.MaxMessages} messages read";
                    break;
                }

                read.Add((inner, depth));
                foreach (var nested in inner.Forwards)
                {
                    pending.Enqueue((nested, depth + 1));
                }
            }
        }

        if (stopped is not null)
        {
            stats.CountTruncated();
            LogTruncated(message.Protocol, message.GroupId, message.MessageId, stopped, read.Count);
        }

        return read;
    }

    /// <summary>The platform's answer, or null when the budget ran out first. Throws when the service stops.</summary>
    private async Task<ForwardOpenResult?> OpenAsync(ChatMessage message, string forwardId, CancellationToken budget, CancellationToken stoppingToken)
    {
        if (forwardId.Length == 0)
        {
            return ForwardOpenResult.Failed("the forward segment carries no id");
        }

        if (!_adapters.TryGetValue(message.Protocol, out var adapter))
        {
            return ForwardOpenResult.NotPossible($"no adapter opens forwarded messages of {WireNames<Protocol>.ToText(message.Protocol)}");
        }

        try
        {
            return await adapter.OpenAsync(message.Protocol, message.BotId, forwardId, budget);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ForwardOpenResult.Failed(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A forwarded bundle ({Depth} deep) in {Protocol} group {GroupId} message {MessageId} could not be opened: {Error}; the message is moderated on the rest")]
    private partial void LogOpenFailed(Protocol protocol, string groupId, string messageId, int depth, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped opening the forwarded bundles of {Protocol} group {GroupId} message {MessageId}: {Bound}; {Read} inner messages are moderated")]
    private partial void LogTruncated(Protocol protocol, string groupId, string messageId, string bound, int read);

    [LoggerMessage(Level = LogLevel.Error, Message = "Detection failed on a forwarded message ({Depth} deep) in {Protocol} group {GroupId} message {MessageId}; skipped")]
    private partial void LogDetectionFailed(Exception ex, Protocol protocol, string groupId, string messageId, int depth);
}
