namespace GroupGuard.Core;

/// <summary>
/// Where each pulled source stands (WeCom's chat archive by <c>seq</c>), kept by the inbox journal:
/// a message handed to <see cref="IEventSink"/> with <see cref="ChatMessage.Cursor"/> set moves its
/// source when it is journaled, in the same write, so a puller that resumes from
/// <see cref="GetAsync"/> neither skips nor repeats a message after a crash.
/// </summary>
public interface ISourceCursors
{
    /// <summary>
    /// How far <paramref name="source"/> has been taken, or null before its first record. Waits
    /// until the journal has been read at start (what it replays counts as taken).
    /// </summary>
    Task<long?> GetAsync(string source, CancellationToken cancellationToken);

    /// <summary>Moves <paramref name="source"/> past records that are not journaled (skipped, undecryptable, redelivered).</summary>
    void Advance(string source, long position);
}
