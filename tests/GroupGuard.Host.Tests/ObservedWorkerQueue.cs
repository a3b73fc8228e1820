using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GroupGuard.Core;
using GroupGuard.Host.Pipeline;

namespace GroupGuard.Host.Tests;

/// <summary>
/// The queue between the intake and the moderation worker, wrapped so that it records each message
/// once the worker is done with it. The worker takes the next message only when it has finished the
/// one before (moderated, incidents stored and actions queued, journal marked), so its asking for the
/// next is the signal: a test waits on <see cref="GroupGuardFactory.Handled"/> instead of polling counters.
/// </summary>
internal sealed class ObservedWorkerQueue : Channel<QueuedMessage>
{
    public ObservedWorkerQueue(Channel<QueuedMessage> inner, Recording<ChatMessage> handled)
    {
        Reader = new HandledReader(inner.Reader, handled);
        Writer = inner.Writer;
    }

    private sealed class HandledReader(ChannelReader<QueuedMessage> inner, Recording<ChatMessage> handled) : ChannelReader<QueuedMessage>
    {
        public override bool CanCount => inner.CanCount;

        public override int Count => inner.Count;

        public override bool CanPeek => inner.CanPeek;

        public override Task Completion => inner.Completion;

        public override bool TryRead([MaybeNullWhen(false)] out QueuedMessage item) => inner.TryRead(out item);

        public override bool TryPeek([MaybeNullWhen(false)] out QueuedMessage item) => inner.TryPeek(out item);

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => inner.WaitToReadAsync(cancellationToken);

        public override ValueTask<QueuedMessage> ReadAsync(CancellationToken cancellationToken = default) => inner.ReadAsync(cancellationToken);

        public override async IAsyncEnumerable<QueuedMessage> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var queued in inner.ReadAllAsync(cancellationToken))
            {
                yield return queued;

                // Back here when the worker asks for the next message: it is done with this one.
                handled.Add(queued.Message);
            }
        }
    }
}
