using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Logging;

namespace GroupGuard.OneBot.Actions;

/// <summary>
/// Holds warnings to one group for a window that opens with the first one, then sends one message
/// with a line for each reason, mentioning the senders it is for (<see cref="WarningMessage"/>); a
/// reason told again with another outcome is one line saying the latest (<c>请勿刷屏（禁言 1 小时）</c>,
/// not a line for the warning and each escalation after it); and
/// gives every caller the result of the message that carried its mention. A burst of ten spam hits thus becomes one warning, not ten
/// calls that would flood the group and spend the account's rate. The window is a fixed delay from
/// the first warning (not a sliding debounce), so a warning never waits longer than the window.
/// </summary>
/// <remarks>
/// A warning is taken into its group's window before <see cref="WarnAsync"/> returns; the task then
/// completes when the window's message has gone out. A caller that awaited warnings one by one would
/// never see two in one window: the action worker hands each off and records its outcome when it
/// completes, holding nothing meanwhile. What waits is bounded under a flood: at most
/// <see cref="CoalescerLimits.OpenGroups"/> groups with a window open, <see cref="CoalescerLimits.SendersPerWindow"/>
/// members mentioned in one group's window (so at most that many / <see cref="MaxSendersPerMessage"/>
/// messages), <see cref="MaxReasonsPerSender"/> reasons a member, and <see cref="CoalescerLimits.PendingWarnings"/>
/// warnings waiting in all (each counts, though one member's repeated warnings share one mention).
/// A warning past a bound is not sent: it is answered failed (queue full) at once, and the log says
/// how many, at most one line per <see cref="DropLineInterval"/>.
/// </remarks>
internal sealed partial class WarningCoalescer : IDisposable
{
    /// <summary>A long mention list is noise and may pass the platform's message length: split it.</summary>
    public const int MaxSendersPerMessage = 20;

    /// <summary>Reasons kept for one member in one window; further ones add nothing to their line.</summary>
    public const int MaxReasonsPerSender = 5;

    /// <summary>How often, at most, a line says how many warnings were not sent.</summary>
    public static readonly TimeSpan DropLineInterval = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly Func<WarningTarget, IReadOnlyList<WarningMessage.Sender>, CancellationToken, Task<ActionResult>> _send;
    private readonly ILogger _logger;
    private readonly CoalescerLimits _limits;
    private readonly Lock _gate = new();
    private readonly Dictionary<WarningTarget, Batch> _open = [];
    private readonly CancellationTokenSource _shutdown = new();
    private readonly CancellationToken _stopping;
    private bool _disposed;

    // Warnings taken in and not answered yet (in open windows or in their message being sent); and
    // those not taken since the last line that said so. Both under _gate.
    private int _pending;
    private long _dropped;
    private long? _lastDropLine;

    public WarningCoalescer(
        TimeProvider time,
        Func<WarningTarget, IReadOnlyList<WarningMessage.Sender>, CancellationToken, Task<ActionResult>> send,
        ILogger logger,
        CoalescerLimits? limits = null)
    {
        _time = time;
        _send = send;
        _logger = logger;
        _limits = limits ?? CoalescerLimits.Default;
        _stopping = _shutdown.Token;
    }

    /// <summary>Warnings that may share one message: same protocol, bot and group.</summary>
    public readonly record struct WarningTarget(Protocol Protocol, string Platform, string BotId, string GroupId);

    /// <summary>How many warnings are taken in and not answered yet.</summary>
    internal int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending;
            }
        }
    }

    public Task<ActionResult> WarnAsync(PlatformAction action, TimeSpan window, CancellationToken cancellationToken)
    {
        var target = new WarningTarget(action.Protocol, action.Platform, action.BotId, action.GroupId);
        var reason = action.WarningText?.Trim() ?? "";
        if (window <= TimeSpan.Zero)
        {
            return _send(target, [new WarningMessage.Sender(action.UserId, reason.Length > 0 ? [reason] : [])], cancellationToken);
        }

        Batch? created = null;
        Task<ActionResult> result;
        string? refused;
        long dropped = 0;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            refused = Refusal(target, action.UserId, out var batch);
            if (refused is null)
            {
                if (batch is null)
                {
                    batch = created = new Batch();
                    _open.Add(target, batch);
                }

                _pending++;
                result = batch.Add(action.UserId, reason);
            }
            else
            {
                result = Task.FromResult(ActionResult.Failed(ActionErrorKind.QueueFull, "warning not sent: " + refused));
                dropped = Dropped();
            }
        }

        if (refused is not null)
        {
            if (dropped > 0)
            {
                LogDropped(_logger, dropped, refused, action.Platform, action.GroupId, action.UserId);
            }

            return result;
        }

        if (created is not null)
        {
            _ = FlushLaterAsync(target, created, window);
        }

        // A caller that stops waiting leaves its mention in the message: the others still need it sent.
        return result.WaitAsync(cancellationToken);
    }

    /// <summary>Why a warning cannot be taken in now, or null; the group's open window, if any, in <paramref name="batch"/>. Under _gate.</summary>
    private string? Refusal(WarningTarget target, string userId, out Batch? batch)
    {
        _open.TryGetValue(target, out batch);
        if (_pending >= _limits.PendingWarnings)
        {
            return $"{_limits.PendingWarnings} warnings were waiting to go out already";
        }

        if (batch is null)
        {
            return _open.Count >= _limits.OpenGroups ? $"warnings to {_limits.OpenGroups} groups were waiting to go out already" : null;
        }

        return !batch.Has(userId) && batch.Senders.Count >= _limits.SendersPerWindow
            ? $"{_limits.SendersPerWindow} members were to be mentioned in this group's warning already"
            : null;
    }

    /// <summary>Counts a warning not taken in: how many since the last line when a line is due now, else 0. Under _gate.</summary>
    private long Dropped()
    {
        _dropped++;
        var now = _time.GetTimestamp();
        if (_lastDropLine is { } last && _time.GetElapsedTime(last, now) < DropLineInterval)
        {
            return 0;
        }

        var count = _dropped;
        (_dropped, _lastDropLine) = (0, now);
        return count;
    }

    private async Task FlushLaterAsync(WarningTarget target, Batch batch, TimeSpan window)
    {
        try
        {
            await Task.Delay(window, _time, _stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            CancelFrom(batch, 0);
            return;
        }

        lock (_gate)
        {
            _open.Remove(target);
        }

        // No Add can reach the batch any more: it left _open under the same lock.
        for (var start = 0; start < batch.Senders.Count; start += MaxSendersPerMessage)
        {
            var chunk = batch.Senders.Skip(start).Take(MaxSendersPerMessage).ToList();
            ActionResult result;
            try
            {
                result = await _send(target, chunk.Select(s => new WarningMessage.Sender(s.UserId, s.Reasons)).ToList(), _stopping)
                    .ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                CancelFrom(batch, start);
                return;
            }
            catch (Exception ex)
            {
                // The send path reports failures as results; this only keeps a bug from leaving callers waiting forever.
                result = ActionResult.Failed(ActionErrorKind.Unreachable, $"warning could not be sent: {ex.Message}");
            }

            Answered(chunk);
            foreach (var sender in chunk)
            {
                sender.Result.TrySetResult(result);
            }
        }
    }

    /// <summary>The senders from <paramref name="start"/> on will not be sent: their callers are cancelled.</summary>
    private void CancelFrom(Batch batch, int start)
    {
        var rest = batch.Senders.Skip(start).ToList();
        Answered(rest);
        foreach (var sender in rest)
        {
            sender.Result.TrySetCanceled(_stopping);
        }
    }

    private void Answered(List<PendingSender> senders)
    {
        lock (_gate)
        {
            _pending -= senders.Sum(s => s.Callers);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        // Cancelled, not disposed: flushes still running read its token while they wind down.
        _shutdown.Cancel();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} warning(s) not sent since the last report: {Why} (the latest to {Platform} group {GroupId} user {UserId}); their incidents say failed, queue full")]
    private static partial void LogDropped(ILogger logger, long count, string why, string platform, string groupId, string userId);

    /// <summary>One group's open window: its senders in the order of their first warning. Used under _gate until it leaves _open.</summary>
    private sealed class Batch
    {
        private readonly Dictionary<string, PendingSender> _byUser = new(StringComparer.Ordinal);

        public List<PendingSender> Senders { get; } = [];

        public bool Has(string userId) => _byUser.ContainsKey(userId);

        /// <summary>Adds a warning of <paramref name="userId"/>: the result of the message that will mention them.</summary>
        public Task<ActionResult> Add(string userId, string reason)
        {
            if (!_byUser.TryGetValue(userId, out var sender))
            {
                sender = new PendingSender(userId);
                _byUser.Add(userId, sender);
                Senders.Add(sender);
            }

            // One reason told again with another outcome (a flood's warning, then its escalations)
            // is one line saying the latest, unless only the earlier one says what was done.
            var same = reason.Length == 0 ? -1 : sender.Reasons.FindIndex(r => ModerationPolicy.SameReason(r, reason));
            if (same >= 0)
            {
                if (ModerationPolicy.SaysWhatWasDone(reason) || !ModerationPolicy.SaysWhatWasDone(sender.Reasons[same]))
                {
                    sender.Reasons[same] = reason;
                }
            }
            else if (reason.Length > 0 && sender.Reasons.Count < MaxReasonsPerSender)
            {
                sender.Reasons.Add(reason);
            }

            sender.Callers++;
            return sender.Result.Task;
        }
    }

    /// <summary>One member to mention once: every warning of theirs in the window shares the one result.</summary>
    private sealed class PendingSender(string userId)
    {
        public string UserId { get; } = userId;

        public List<string> Reasons { get; } = [];

        public int Callers { get; set; }

        public TaskCompletionSource<ActionResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The bounds of <see cref="WarningCoalescer"/>: what waits for a window under a flood.</summary>
/// <param name="OpenGroups">Groups with a window open at once.</param>
/// <param name="SendersPerWindow">Members one group's window mentions (five messages of twenty by default).</param>
/// <param name="PendingWarnings">Warnings waiting for their message, in all.</param>
internal sealed record CoalescerLimits(int OpenGroups, int SendersPerWindow, int PendingWarnings)
{
    public static CoalescerLimits Default { get; } = new(OpenGroups: 1_000, SendersPerWindow: 100, PendingWarnings: 10_000);
}
