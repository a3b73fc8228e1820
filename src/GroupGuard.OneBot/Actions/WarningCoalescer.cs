using GroupGuard.Core;
using GroupGuard.Core.Moderation;

namespace GroupGuard.OneBot.Actions;

/// <summary>
/// Holds warnings to one group for a window that opens with the first one, then sends one message
/// that mentions each sender once with their reasons, and gives every caller the result of the
/// message that carried its mention. A burst of ten spam hits thus becomes one warning, not ten
/// calls that would flood the group and spend the account's rate. The window is a fixed delay from
/// the first warning (not a sliding debounce), so a warning never waits longer than the window.
/// </summary>
/// <remarks>
/// A caller awaits its warning for up to the window: a queue that awaits actions one by one would
/// never see two warnings in one window, so it should run warnings concurrently.
/// </remarks>
internal sealed class WarningCoalescer : IDisposable
{
    /// <summary>A long mention list is noise and may pass the platform's message length: split it.</summary>
    public const int MaxSendersPerMessage = 20;

    private readonly TimeProvider _time;
    private readonly Func<WarningTarget, IReadOnlyList<WarningMessage.Sender>, CancellationToken, Task<ActionResult>> _send;
    private readonly Lock _gate = new();
    private readonly Dictionary<WarningTarget, Batch> _open = [];
    private readonly CancellationTokenSource _shutdown = new();
    private readonly CancellationToken _stopping;
    private bool _disposed;

    public WarningCoalescer(
        TimeProvider time,
        Func<WarningTarget, IReadOnlyList<WarningMessage.Sender>, CancellationToken, Task<ActionResult>> send)
    {
        _time = time;
        _send = send;
        _stopping = _shutdown.Token;
    }

    /// <summary>Warnings that may share one message: same protocol, bot and group.</summary>
    public readonly record struct WarningTarget(Protocol Protocol, string Platform, string BotId, string GroupId);

    public Task<ActionResult> WarnAsync(PlatformAction action, TimeSpan window, CancellationToken cancellationToken)
    {
        var target = new WarningTarget(action.Protocol, action.Platform, action.BotId, action.GroupId);
        var reason = action.WarningText?.Trim() ?? "";
        if (window <= TimeSpan.Zero)
        {
            return _send(target, [new WarningMessage.Sender(action.UserId, reason.Length > 0 ? [reason] : [])], cancellationToken);
        }

        var waiter = new TaskCompletionSource<ActionResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Batch? created = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_open.TryGetValue(target, out var batch))
            {
                batch = created = new Batch();
                _open.Add(target, batch);
            }

            batch.Add(action.UserId, reason, waiter);
        }

        if (created is not null)
        {
            _ = FlushLaterAsync(target, created, window);
        }

        // A caller that stops waiting leaves its mention in the message: the others still need it sent.
        return waiter.Task.WaitAsync(cancellationToken);
    }

    private async Task FlushLaterAsync(WarningTarget target, Batch batch, TimeSpan window)
    {
        try
        {
            await Task.Delay(window, _time, _stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            batch.CancelFrom(0, _stopping);
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
                batch.CancelFrom(start, _stopping);
                return;
            }
            catch (Exception ex)
            {
                // The send path reports failures as results; this only keeps a bug from leaving callers waiting forever.
                result = ActionResult.Failed(ActionErrorKind.Unreachable, $"warning could not be sent: {ex.Message}");
            }

            foreach (var sender in chunk)
            {
                sender.Complete(result);
            }
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

    private sealed class Batch
    {
        private readonly Dictionary<string, PendingSender> _byUser = new(StringComparer.Ordinal);

        public List<PendingSender> Senders { get; } = [];

        public void Add(string userId, string reason, TaskCompletionSource<ActionResult> waiter)
        {
            if (!_byUser.TryGetValue(userId, out var sender))
            {
                sender = new PendingSender(userId);
                _byUser.Add(userId, sender);
                Senders.Add(sender);
            }

            if (reason.Length > 0 && !sender.Reasons.Contains(reason, StringComparer.Ordinal))
            {
                sender.Reasons.Add(reason);
            }

            sender.Waiters.Add(waiter);
        }

        public void CancelFrom(int start, CancellationToken token)
        {
            for (var i = start; i < Senders.Count; i++)
            {
                foreach (var waiter in Senders[i].Waiters)
                {
                    waiter.TrySetCanceled(token);
                }
            }
        }
    }

    private sealed class PendingSender(string userId)
    {
        public string UserId { get; } = userId;

        public List<string> Reasons { get; } = [];

        public List<TaskCompletionSource<ActionResult>> Waiters { get; } = [];

        public void Complete(ActionResult result)
        {
            foreach (var waiter in Waiters)
            {
                waiter.TrySetResult(result);
            }
        }
    }
}
