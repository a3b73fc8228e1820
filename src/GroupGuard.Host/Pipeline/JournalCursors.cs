using GroupGuard.Core;

namespace GroupGuard.Host.Pipeline;

/// <summary>The pulled sources' cursors as the inbox journal keeps them.</summary>
internal sealed class JournalCursors(InboxJournal journal) : ISourceCursors
{
    public async Task<long?> GetAsync(string source, CancellationToken cancellationToken)
    {
        await journal.Opened.WaitAsync(cancellationToken);
        return journal.CursorOf(source);
    }

    public void Advance(string source, long position) => journal.Advance(source, position);
}
