using System.Buffers;
using System.Globalization;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Pipeline;

/// <summary>Where a message stands in the inbox journal: a segment number and the byte offset just past its line.</summary>
internal readonly record struct JournalPosition(long Segment, long Offset) : IComparable<JournalPosition>
{
    public int CompareTo(JournalPosition other) =>
        Segment != other.Segment ? Segment.CompareTo(other.Segment) : Offset.CompareTo(other.Offset);
}

/// <summary>
/// A message's pictures still to be read: until disposed, the journal's checkpoint does not pass
/// the message (<see cref="InboxJournal.Hold"/>). Disposed once they are read, or given up on;
/// left undisposed when the service stops first, so that the next start reads them again.
/// </summary>
internal sealed class JournalHold(InboxJournal journal, JournalPosition at) : IDisposable
{
    private int _released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            journal.Unhold(at);
        }
    }
}

/// <summary>A message on its way to moderation, with where it stands in the journal.</summary>
internal sealed record QueuedMessage(ChatMessage Message, JournalPosition Position);

/// <summary>
/// An append-only file of accepted messages, written before the webhook answers. A write that
/// returned is in the kernel's page cache, so it outlives a crash or kill -9 of the process (not a
/// power cut); at start, every message past the last checkpoint is moderated again. Storing an
/// incident twice is harmless (the store keeps one), so replaying a little too much is safe and
/// replaying too little is impossible.
/// The journal holds chat text only until it is moderated: whenever the worker has caught up (and
/// no next message came within a moment, or a second has passed: <see cref="SettlePacing{T}"/>) it
/// starts a new segment and deletes the moderated ones, so ordinary messages, which no incident
/// keeps, do not linger on disk. Files are readable by the service's user only.
/// </summary>
internal sealed partial class InboxJournal : IDisposable
{
    private const string Extension = ".jsonl";
    private const string CheckpointFile = "checkpoint";
    private const string CursorsFile = "cursors";
    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromMilliseconds(500);

    /// <summary>Under <c>StoreText: masked</c> or <c>none</c>, moderated text lingers at most one segment this size under steady load.</summary>
    internal const long PrivateSegmentBytes = 1024 * 1024;

    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // Lines read at a time when the journal is opened.
    private const int ReplayBatch = 4096;

    // Each thread's line buffer for Append; one larger than this is dropped after use.
    private const int MaxKeptLineBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_line;

    // Chat text as UTF-8, not \u escapes: a hanzi takes 3 bytes of the line instead of 6. The file
    // is read back only by this class (control characters, quotes and backslashes are still escaped,
    // so a line never holds a raw newline), never embedded in a page.
    private static readonly JsonWriterOptions LineOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string _folder;
    private readonly long _segmentBytes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _appendLock = new();
    private readonly Lock _checkpointLock = new();
    private FileStream? _current;

    // Held open, unshared, while the journal is: a second process started on the same folder is
    // refused at its start instead of replaying and checkpointing this one's messages.
    private FileStream? _folderLock;
    private bool _opened;
    private long _currentSegment;
    private JournalPosition _processed;
    private JournalPosition _saved;

    // Just past the last line written (or, after Open, the last whole line found): under the append lock.
    private JournalPosition _end;

    // With a message counter (GateOnCounts), the checkpoint never passes what it has written.
    private bool _gated;
    private JournalPosition _counted;

    // Where messages whose pictures are still to be read begin, with how many begin there: the
    // checkpoint stays at the earliest, so a stop or a crash replays them (JournalHold).
    private readonly SortedDictionary<JournalPosition, int> _holds = [];
    private DateTimeOffset _savedAt;

    // Where each pulled source stands (ChatMessage.Cursor, or Advance for what it skipped): kept
    // under the append lock, saved beside the checkpoint before any segment is deleted.
    private readonly Dictionary<string, long> _cursors = new(StringComparer.Ordinal);
    private bool _cursorsDirty;
    private DateTimeOffset _cursorsSavedAt;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Closed for good (Dispose): whoever waits for appends stops waiting.
    private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;

    // A new segment that could not be made (under the append lock): when the last try failed, and
    // how many tries failed in a row (each next one takes the next number).
    private static readonly TimeSpan RollRetry = TimeSpan.FromSeconds(1);
    private long? _rollFailedAt;
    private long _rollsFailed;
    private readonly LogThrottle _rollFailures;

    // A segment left after a write failed and its torn line could not be cut off (under the append
    // lock): when, and why; the next one is tried a second later at the soonest.
    private long? _leftAt;
    private string? _leftError;

    // The segments the checkpoint has not passed, but the current one (and one left after a failed
    // write), held open until it does (under the append lock): if their files are deleted under the
    // running service (the data folder removed), they are written back from these (CheckFiles).
    private readonly SortedDictionary<long, FileStream> _held = [];

    // When the files are next looked for (a timestamp, read without the lock by every append):
    // about once a second, so no message pays for a look at the disk.
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private long _checkDue;

    // Why the files, found gone, could not be made again (under the append lock): appends are
    // refused until they are.
    private string? _lost;

    // Appends refused because the journal could not write (under the append lock).
    private long _refused;

    public InboxJournal(IOptions<PipelineOptions> options, TimeProvider time, IOptions<PrivacyOptions>? privacy = null, ILogger<InboxJournal>? logger = null)
    {
        _folder = Path.GetFullPath(options.Value.InboxPath ?? throw new InvalidOperationException("GroupGuard:Pipeline:InboxPath is not set"));
        _segmentBytes = privacy?.Value.StoreText is StoreText.Masked or StoreText.None
            ? Math.Min(options.Value.InboxSegmentBytes, PrivateSegmentBytes)
            : options.Value.InboxSegmentBytes;
        _time = time;
        _logger = logger ?? NullLogger<InboxJournal>.Instance;
        _rollFailures = new LogThrottle(time);
    }

    public string Folder => _folder;

    /// <summary>
    /// Opens the journal and returns what was accepted but not yet moderated, oldest first.
    /// A line torn by a crash mid-write, or damaged, is skipped, and logged by segment (<see cref="SkippedAtOpen"/>).
    /// </summary>
    public IReadOnlyList<QueuedMessage> Open()
    {
        var pending = new List<QueuedMessage>();
        OpenCore(pending.Add);
        BeginAppends();
        return pending;
    }

    /// <summary>
    /// Opens the journal and counts what was accepted but not yet moderated, showing each to
    /// <paramref name="each"/> without keeping it: after a crash under a flood that may be more
    /// than fits in memory. <see cref="ReaderFrom"/> at <see cref="Processed"/> reads it. Appends
    /// are refused until the caller lets them in with <see cref="BeginAppends"/>, once it is ready
    /// to put a new message behind what it replays.
    /// </summary>
    public (int Count, long Bytes) OpenForReplay(Action<QueuedMessage> each) => OpenCore(each);

    /// <summary>
    /// Lets appends in, after <see cref="OpenForReplay"/>, and completes <see cref="Opened"/>. The
    /// intake calls it under its own lock with its backlog reader set, so no message can be
    /// appended between the open and that reader: it would have gone to the queue ahead of the
    /// replayed ones and been read again by the reader (moderated twice, and the checkpoint moved
    /// past the replayed messages' segments).
    /// </summary>
    public void BeginAppends()
    {
        lock (_appendLock)
        {
            if (_current is null || _closed)
            {
                throw new InvalidOperationException("The inbox journal is not open");
            }

            _opened = true;
        }

        _ready.TrySetResult();
    }

    /// <summary>
    /// Whether appends are let in: opened, and not yet closed. Read without the lock (every message
    /// asks): <see cref="Append(ChatMessage)"/> checks again under it.
    /// </summary>
    public bool TakesAppends => Volatile.Read(ref _opened);

    /// <summary>
    /// Waits, up to <paramref name="timeout"/> on the injected clock, for appends to be let in (a
    /// receiver that started before the journal opened). False when they are not by then, or the
    /// journal was closed. Blocks the calling thread: for the intake, whose callers are synchronous.
    /// </summary>
    public bool WaitForAppends(TimeSpan timeout)
    {
        if (!TakesAppends && !_ready.Task.IsCompleted)
        {
            try
            {
                Task.WhenAny(_ready.Task, _closing.Task).WaitAsync(timeout, _time).GetAwaiter().GetResult();
            }
            catch (TimeoutException)
            {
                // Not open in time: refused, as before the wait.
            }
        }

        return TakesAppends;
    }

    /// <summary>
    /// Takes the folder's lock ahead of the journal's opening, when it can: the service does so
    /// before it creates or upgrades the schema, so that a second GroupGuard started from the same
    /// folder (a newer version started before the older one stopped) is refused before it changes
    /// the database under the running one. A folder that cannot be made or a lock that cannot be
    /// taken for another reason is left for <see cref="Open"/> to say, after the database.
    /// </summary>
    public void LockEarly()
    {
        try
        {
            CreateFolder();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        try
        {
            TakeLock();
        }
        catch (UnauthorizedAccessException)
        {
            // Said when the journal opens.
        }
    }

    private void CreateFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(_folder);
        }
        else
        {
            Directory.CreateDirectory(_folder, OwnerOnlyFolder);
        }
    }

    /// <summary>The folder's lock, held until the journal is disposed; refused while another process holds it.</summary>
    private void TakeLock()
    {
        try
        {
            _folderLock ??= new FileStream(Path.Combine(_folder, LockFileName), new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None }.OwnerOnly());
        }
        catch (IOException ex)
        {
            // Mostly a sharing violation (another process holds it); the system's words say if not.
            throw new Core.StartupProblemException(
                $"the inbox journal in '{_folder}' is in use by another GroupGuard process (one already running from the same folder?): stop it, or give this one a folder of its own (GroupGuard:Storage:DataFolder, or GroupGuard:Pipeline:InboxPath). {ex.Message}",
                ex);
        }
    }

    private (int Count, long Bytes) OpenCore(Action<QueuedMessage> each)
    {
        try
        {
            CreateFolder();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Said as a setting to mend, not a crash: a folder the service may not write, or a path through a file.
            throw new Core.StartupProblemException(
                $"the inbox journal's folder '{_folder}' could not be created: {ex.Message} (GroupGuard:Pipeline:InboxPath; by default 'inbox' in GroupGuard:Storage:DataFolder, or beside the SQLite database)",
                ex);
        }

        try
        {
            TakeLock();
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new Core.StartupProblemException(
                $"the inbox journal in '{_folder}' could not be read or written: {ex.Message} (GroupGuard:Pipeline:InboxPath; by default 'inbox' in GroupGuard:Storage:DataFolder, or beside the SQLite database)",
                ex);
        }

        try
        {
            return ReadAndOpen(each);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The folder is there, but a segment cannot be read or none made (no inodes left, a
            // quota, a read-only file system, something else under the next segment's name).
            throw new Core.StartupProblemException(
                $"the inbox journal in '{_folder}' could not be read or written: {ex.Message} (GroupGuard:Pipeline:InboxPath; by default 'inbox' in GroupGuard:Storage:DataFolder, or beside the SQLite database)",
                ex);
        }
    }

    private (int Count, long Bytes) ReadAndOpen(Action<QueuedMessage> each)
    {
        _saved = _processed = _counted = _end = ReadCheckpoint(_folder);
        ReadCursors();
        var count = 0;
        long bytes = 0;
        var segments = Segments(_folder);
        if (segments.Count > 0)
        {
            // Everything past the checkpoint, a batch at a time; a torn last line was never acknowledged.
            var last = segments[^1];
            var end = new JournalPosition(last, new FileInfo(SegmentPath(_folder, last)).Length);
            var reader = ReaderFrom(_processed);
            var batch = new List<QueuedMessage>();
            for (var before = default(JournalPosition?); reader.Position != before;)
            {
                before = reader.Position;
                batch.Clear();
                bytes += reader.Read(end, ReplayBatch, batch);
                foreach (var queued in batch)
                {
                    // Cursors of moderated lines are in the cursors file: it is saved before every checkpoint.
                    NoteCursor(queued.Message);
                    each(queued);
                    count++;
                    _end = queued.Position;
                }
            }

            // Read up to the end but for what follows the last whole line: a torn tail (or a line
            // past any bound) of the last segment.
            if (reader.Position.CompareTo(end) < 0)
            {
                reader.Passed(reader.Position.Segment, tail: true);
            }

            ReportSkipped(reader.Skipped);
        }

        // Held open while the checkpoint has not passed them: what they hold can be written back.
        foreach (var segment in segments.Where(s => s >= _saved.Segment))
        {
            _held[segment] = new FileStream(SegmentPath(_folder, segment), new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 0 });
        }

        // Appends always go to a fresh segment, so a torn tail of the old one is never extended.
        _currentSegment = (segments.Count > 0 ? segments[^1] : 0) + 1;
        _current = OpenSegment(_currentSegment);
        return (count, bytes);
    }

    /// <summary>Completes once <see cref="Open"/> has read the journal (so the cursors are known) and appends are let in.</summary>
    public Task Opened => _ready.Task;

    /// <summary>How far <paramref name="source"/> has been taken (journaled or skipped), or null before its first.</summary>
    public long? CursorOf(string source)
    {
        lock (_appendLock)
        {
            return _cursors.TryGetValue(source, out var position) ? position : null;
        }
    }

    /// <summary>
    /// Moves <paramref name="source"/> past what its puller skipped (a record that is no group
    /// message, one that cannot be decrypted, a redelivery): saved with the next checkpoint, or
    /// within half a second. A crash before then only makes the puller skip it again.
    /// </summary>
    public void Advance(string source, long position)
    {
        lock (_appendLock)
        {
            NoteCursor(source, position);
        }

        lock (_checkpointLock)
        {
            if (_time.GetUtcNow() - _cursorsSavedAt >= CheckpointEvery)
            {
                SaveCursors();
            }
        }
    }

    /// <summary>
    /// Appends a message; once this returns it survives a crash of the process. Throws when the
    /// write fails (a full disk): the caller must then not acknowledge the message. What the
    /// failed write left of its line is cut off, and the next append tries the same segment again
    /// (a retrying sender over a long outage made a new file per try, and ran out of inodes); only
    /// when it cannot be cut off does the next append start a new segment, a second later at the
    /// soonest, so a torn line is never extended.
    /// </summary>
    public JournalPosition Append(ChatMessage message) => Append(message, out _);

    /// <inheritdoc cref="Append(ChatMessage)"/>
    /// <param name="message">The message.</param>
    /// <param name="bytes">The length of its line in the journal.</param>
    public JournalPosition Append(ChatMessage message, out int bytes)
    {
        // Serialized outside the lock, with its newline, into this thread's buffer: one write call
        // per line, so no partial line is left between two whole ones.
        var line = t_line ??= new ArrayBufferWriter<byte>(1024);
        line.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(line, LineOptions))
        {
            JsonSerializer.Serialize(writer, message, JournalJson.Default.ChatMessage);
        }

        line.GetSpan(1)[0] = (byte)'\n';
        line.Advance(1);

        // About once a second: whether the segment's file is still there (CheckFiles).
        if (_time.GetTimestamp() >= Volatile.Read(ref _checkDue))
        {
            CheckFiles(onlyIfDue: true);
        }

        try
        {
            lock (_appendLock)
            {
                if (!_opened)
                {
                    throw new InvalidOperationException("The inbox journal is not open");
                }

                FileStream stream;
                try
                {
                    stream = Write(line.WrittenSpan);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Refused (503): counted, and said on /healthz until a write succeeds.
                    _refused++;
                    WriteError = ex.Message;
                    throw;
                }

                (WriteError, _leftAt) = (null, null);
                NoteCursor(message);
                bytes = line.WrittenCount;
                return _end = new JournalPosition(_currentSegment, stream.Position);
            }
        }
        finally
        {
            // A huge message does not keep its buffer alive on this thread.
            if (line.Capacity > MaxKeptLineBytes)
            {
                t_line = null;
            }
        }
    }

    /// <summary>Writes <paramref name="line"/> on the current segment (under the append lock); returns the segment's stream.</summary>
    private FileStream Write(ReadOnlySpan<byte> line)
    {
        if (_lost is { } lost)
        {
            // Written to a file no longer in the folder, it would be lost at the next start.
            throw new IOException($"its folder was deleted and cannot be made again: {lost}");
        }

        // Position, not Length: the stream keeps it itself, where Length asks the file system,
        // and this runs under the lock every request waits for.
        var stream = _current;
        if (stream is null)
        {
            // After a failed write whose torn line could not be cut off: nothing to write on, so
            // a segment that cannot be made refuses the message (503). Each try takes the next
            // number, past whatever stood in the way of the last, a second after the one before
            // at the soonest.
            if (_leftAt is { } left && _time.GetElapsedTime(left) < RollRetry)
            {
                throw new IOException($"the inbox journal's last write failed and its segment could not be mended; a new one is tried a second later ({_leftError})");
            }

            _leftAt = _time.GetTimestamp();
            _current = stream = OpenSegment(++_currentSegment);
            (_rollFailedAt, _rollsFailed) = (null, 0);
        }
        else if (stream.Position > 0 && stream.Position + line.Length > _segmentBytes && TryRoll())
        {
            stream = _current!;
        }

        var before = stream.Position;
        try
        {
            stream.Write(line);
        }
        catch (Exception ex)
        {
            Undo(stream, before, ex.Message);
            throw;
        }

        return stream;
    }

    /// <summary>
    /// After a failed write: cuts off what it wrote of its line (a disk that filled up halfway), so
    /// that the next append, on the same segment, follows a whole line. When that cannot be done the
    /// segment is left, and the next append starts a new one.
    /// </summary>
    private void Undo(FileStream stream, long before, string error)
    {
        try
        {
            if (stream.Length != before)
            {
                stream.SetLength(before);
            }

            stream.Position = before;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            _held[_currentSegment] = stream; // its whole lines are not all moderated yet
            _current = null;
            _leftAt = _time.GetTimestamp();
            _leftError = error;
        }
    }

    /// <summary>
    /// Records that everything up to <paramref name="position"/> is moderated and stored.
    /// Saved at most every half second; <see cref="Flush"/> saves at once.
    /// </summary>
    public void MarkProcessed(JournalPosition position)
    {
        lock (_checkpointLock)
        {
            if (position.CompareTo(_processed) > 0)
            {
                _processed = position;
            }

            if (_time.GetUtcNow() - _savedAt >= CheckpointEvery)
            {
                SaveCheckpoint();
            }
        }
    }

    /// <summary>Just past the last line appended (after <see cref="Open"/>, the last whole line it found).</summary>
    public JournalPosition End
    {
        get
        {
            lock (_appendLock)
            {
                return _end;
            }
        }
    }

    /// <summary>A reader of the lines after <paramref name="position"/>, oldest first (<see cref="JournalReader"/>).</summary>
    public JournalReader ReaderFrom(JournalPosition position) => new(_folder, position);

    /// <summary>Everything up to here is moderated (the checkpoint may still lag behind it).</summary>
    public JournalPosition Processed
    {
        get
        {
            lock (_checkpointLock)
            {
                return _processed;
            }
        }
    }

    /// <summary>
    /// Keeps the checkpoint from passing the next message to be marked (the one the worker has just
    /// moderated) until the hold is disposed: its pictures are read after its text, on their own
    /// queue, and a stop or crash before they are must replay it (and, since the checkpoint is one
    /// place, what came after it: their incidents are already stored and are not stored or acted on
    /// twice). Taken before the message is marked processed.
    /// </summary>
    public JournalHold Hold()
    {
        lock (_checkpointLock)
        {
            var at = _processed;
            _holds[at] = _holds.GetValueOrDefault(at) + 1;
            return new JournalHold(this, at);
        }
    }

    /// <summary>Messages whose pictures are still to be read (<see cref="Hold"/>).</summary>
    public int Holds
    {
        get
        {
            lock (_checkpointLock)
            {
                return _holds.Values.Sum();
            }
        }
    }

    internal void Unhold(JournalPosition at)
    {
        lock (_checkpointLock)
        {
            if (!_holds.TryGetValue(at, out var count))
            {
                return;
            }

            if (count > 1)
            {
                _holds[at] = count - 1;
                return;
            }

            _holds.Remove(at);

            // The last hold gone (the pictures caught up): saved now, as when the worker catches up;
            // otherwise at the pace of MarkProcessed, since pictures finish one by one.
            if (_holds.Count == 0 || _time.GetUtcNow() - _savedAt >= CheckpointEvery)
            {
                SaveCheckpoint();
            }
        }
    }

    /// <summary>
    /// From now on the checkpoint passes a message only once <see cref="Counted"/> says its count is
    /// written, so a crash before that replays it (and the count, kept by message, adds nothing twice).
    /// </summary>
    public void GateOnCounts()
    {
        lock (_checkpointLock)
        {
            _gated = true;
            _counted = _saved;
        }
    }

    /// <summary>The counts of every message up to <paramref name="position"/> are written: the checkpoint may pass them, and is saved now.</summary>
    public void Counted(JournalPosition position)
    {
        lock (_checkpointLock)
        {
            if (position.CompareTo(_counted) > 0)
            {
                _counted = position;
            }

            SaveCheckpoint();
        }
    }

    public void Flush()
    {
        lock (_checkpointLock)
        {
            SaveCursors();
            SaveCheckpoint();
        }
    }

    /// <summary>
    /// Called when the worker has caught up: if everything written is moderated, starts a new
    /// segment so the moderated ones (and their chat text) are deleted now, not at the next
    /// rollover, and saves the checkpoint.
    /// </summary>
    public void Release()
    {
        lock (_checkpointLock)
        {
            lock (_appendLock)
            {
                // The files first: a roll in a folder deleted under the service would fail, and say
                // it writes on in a segment that is gone.
                CheckFilesLocked();

                // Under the append lock no message can land between the check and the roll.
                if (_lost is null && _current is { Position: > 0 } stream && _processed == new JournalPosition(_currentSegment, stream.Position) && TryRoll())
                {
                    _processed = new JournalPosition(_currentSegment, 0);
                }
            }

            SaveCursors();
            SaveCheckpoint();
        }
    }

    /// <summary>
    /// Moves appends to a new segment; called under the append lock. When none can be made (no
    /// inodes left, a quota, a read-only file system) the current one is written on past its size,
    /// and a moderated segment is kept until the next roll: the service goes on taking messages
    /// rather than stopping (this runs in the worker's settle, where a throw stopped the host). Tried
    /// again a second later at the soonest, each time under the next number, past whatever stood in
    /// the way of the last.
    /// </summary>
    private bool TryRoll()
    {
        var now = _time.GetTimestamp();
        if (_rollFailedAt is { } failed && _time.GetElapsedTime(failed, now) < RollRetry)
        {
            return false;
        }

        FileStream next;
        var number = _currentSegment + 1 + _rollsFailed;
        try
        {
            next = OpenSegment(number);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _rollFailedAt = now;
            _rollsFailed++;
            if (!Directory.Exists(_folder))
            {
                // Deleted under the service: made again at the next append or settle (CheckFiles).
                Volatile.Write(ref _checkDue, 0);
                return false;
            }

            RollError = ex.Message;
            if (_rollFailures.Occurred("roll") is > 0 and var times)
            {
                LogRollFailed(_folder, ex.Message, _currentSegment, times);
            }

            return false;
        }

        if (_current is { } done)
        {
            _held[_currentSegment] = done; // until the checkpoint passes it
        }

        _current = next;
        _currentSegment = number;
        (_rollFailedAt, _rollsFailed, RollError) = (null, 0, null);
        return true;
    }

    /// <summary>Why the journal could not start a new segment the last time it tried, or null once it could.</summary>
    public string? RollError { get; private set; }

    /// <summary>Why the last append could not be written (its event refused), or null once one is.</summary>
    public string? WriteError { get; private set; }

    /// <summary>
    /// What /healthz says of the journal: its segments on disk, the events it refused since the
    /// start, and what fails now.
    /// </summary>
    public JournalHealth Health()
    {
        var (segments, bytes) = (0, 0L);
        try
        {
            foreach (var segment in new DirectoryInfo(_folder).EnumerateFiles("*" + Extension))
            {
                (segments, bytes) = (segments + 1, bytes + segment.Length);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The folder gone or unreadable: the errors say why.
        }

        lock (_appendLock)
        {
            return new JournalHealth(_folder, segments, bytes, _refused, WriteError, CheckpointError, RollError);
        }
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "The inbox journal cannot start a new segment in {Folder}: {Error}. It writes on in segment {Segment}, past its size, and keeps the moderated messages on disk until it can ({Times} time(s) since the last report). Free inodes or space, or mend the folder's permissions (GroupGuard:Pipeline:InboxPath)")]
    private partial void LogRollFailed(string folder, string error, long segment, long times);

    /// <summary>The file in the journal's folder that the process using it holds unshared.</summary>
    internal const string LockFileName = ".lock";

    public void Dispose()
    {
        lock (_appendLock)
        {
            _opened = false;
            _closed = true;
            _current?.Dispose();
            _current = null;
            foreach (var held in _held.Values)
            {
                Close(held);
            }

            _held.Clear();
            _folderLock?.Dispose();
            _folderLock = null;
        }

        _closing.TrySetResult();
    }

    private void SaveCheckpoint()
    {
        _savedAt = _time.GetUtcNow();
        var target = _gated && _counted.CompareTo(_processed) < 0 ? _counted : _processed;
        if (_holds.Count > 0 && _holds.Keys.First() is var held && held.CompareTo(target) < 0)
        {
            target = held;
        }
        if (target.CompareTo(_saved) <= 0)
        {
            return;
        }

        // The cursors first: a segment deleted below takes its messages' cursors with it, and the
        // checkpoint moves only once they are saved (Open reads cursors past it only).
        if (!SaveCursors())
        {
            return;
        }

        try
        {
            WriteCheckpoint(target);
            var segmentDone = target.Segment != _saved.Segment;
            _saved = target;

            // Whole segments before the checkpoint are done with (looked for only when it moved to a
            // new segment: the checkpoint is saved after every burst).
            if (segmentDone)
            {
                LetGo(target.Segment);
                foreach (var segment in Segments(_folder).Where(s => s < target.Segment))
                {
                    File.Delete(SegmentPath(_folder, segment));
                }
            }

            CheckpointError = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not fatal: an old checkpoint only replays more at the next start. Tried again at the next save.
            CheckpointError = ex.Message;
        }
    }

    private void WriteCheckpoint(JournalPosition target)
    {
        var temp = Path.Combine(_folder, CheckpointFile + ".tmp");
        File.WriteAllText(temp, string.Create(CultureInfo.InvariantCulture, $"{target.Segment} {target.Offset}\n"));
        File.Move(temp, Path.Combine(_folder, CheckpointFile), overwrite: true);
    }

    /// <summary>Closes the held segments before <paramref name="segment"/>: the checkpoint has passed them.</summary>
    private void LetGo(long segment)
    {
        lock (_appendLock)
        {
            foreach (var done in _held.Keys.Where(s => s < segment).ToList())
            {
                Close(_held[done]);
                _held.Remove(done);
            }
        }
    }

    private static void Close(FileStream stream)
    {
        try
        {
            stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // What it held was written (no buffer); a close that fails loses nothing.
        }
    }

    /// <summary>
    /// Looks whether the journal's files are still where it wrote them and, when they are gone (the
    /// data folder, or the inbox folder, deleted under the running service: appends went on into a
    /// file no longer in any folder, and the next start would have found none of them), makes the
    /// folder again and writes back, from the files it holds open, every segment the checkpoint
    /// has not passed, then the checkpoint and the cursors. When that cannot be done, appends are
    /// refused (503) until it can, tried again a second later. Run about once a second by appends
    /// (a look at one file: no message pays for it), at every settle, and when the backlog cannot
    /// be read on. True when it wrote a segment back.
    /// </summary>
    /// <param name="onlyIfDue">Not when another thread has just looked.</param>
    internal bool CheckFiles(bool onlyIfDue = false)
    {
        lock (_checkpointLock)
        {
            lock (_appendLock)
            {
                return (!onlyIfDue || _time.GetTimestamp() >= _checkDue) && CheckFilesLocked();
            }
        }
    }

    /// <inheritdoc cref="CheckFiles"/>
    private bool CheckFilesLocked()
    {
        Volatile.Write(ref _checkDue, _time.GetTimestamp() + (long)(CheckEvery.TotalSeconds * _time.TimestampFrequency));
        if (_closed || !_opened && _current is null || _lost is null && !FilesGone())
        {
            return false;
        }

        try
        {
            CreateFolder();
            if (!File.Exists(Path.Combine(_folder, LockFileName)))
            {
                // Its lock went with the folder: taken again, so a second process is still refused.
                _folderLock?.Dispose();
                _folderLock = null;
                TakeLock();
            }

            var segments = 0;
            long bytes = 0;
            foreach (var (segment, stream) in _held.ToList())
            {
                var length = stream.Length;
                if (!OnDisk(segment, length))
                {
                    _held[segment] = WriteBack(segment, stream, length);
                    (segments, bytes) = (segments + 1, bytes + length);
                }
            }

            if (_current is { } current && !OnDisk(_currentSegment, current.Position))
            {
                var length = current.Position;
                _current = WriteBack(_currentSegment, current, length);
                (segments, bytes) = (segments + 1, bytes + length);
            }

            _lost = null;
            LogWrittenBack(_folder, segments, bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Core.StartupProblemException)
        {
            _lost = ex.Message;
            if (_rollFailures.Occurred("lost") is > 0 and var times)
            {
                LogLost(_folder, ex.Message, times);
            }

            return false;
        }

        // Without them a restart replays more, and a pulled source reads again what it skipped:
        // no reason to refuse messages. Tried again at the next save when they cannot be written.
        try
        {
            if (!File.Exists(Path.Combine(_folder, CheckpointFile)))
            {
                WriteCheckpoint(_saved);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            CheckpointError = ex.Message;
        }

        if (!File.Exists(Path.Combine(_folder, CursorsFile)) && _cursors.Count > 0)
        {
            _cursorsDirty = true;
            SaveCursors();
        }

        return true;
    }

    /// <summary>Whether the files the journal writes are gone: the current segment's (one look at the disk), or the folder.</summary>
    private bool FilesGone()
    {
        if (_current is { } current)
        {
            return !OnDisk(_currentSegment, current.Position);
        }

        if (_held.Count > 0)
        {
            var last = _held.Keys.Max();
            return !OnDisk(last, _held[last].Length);
        }

        return !Directory.Exists(_folder);
    }

    /// <summary>Whether the file of <paramref name="segment"/> is there, as long as the journal wrote it (not one made anew in its place).</summary>
    private bool OnDisk(long segment, long length)
    {
        var file = new FileInfo(SegmentPath(_folder, segment));
        return file.Exists && file.Length == length;
    }

    /// <summary>
    /// Writes <paramref name="segment"/> back, its first <paramref name="length"/> bytes read from
    /// the file held open (the one deleted), and returns the new one, open at its end. Written
    /// beside it and renamed, so the folder never holds half of it.
    /// </summary>
    private FileStream WriteBack(long segment, FileStream from, long length)
    {
        var path = SegmentPath(_folder, segment);
        var temp = path + ".new";
        var to = OpenFile(temp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.ReadWrite, Share = FileShare.Read, BufferSize = 0 }.OwnerOnly());
        var buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            for (long at = 0; at < length;)
            {
                var read = RandomAccess.Read(from.SafeFileHandle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - at)), at);
                if (read == 0)
                {
                    throw new IOException($"the open file of segment {segment} ends at {at} of its {length} bytes");
                }

                to.Write(buffer, 0, read);
                at += read;
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            to.Dispose();
            try
            {
                File.Delete(temp);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left over: not a segment's name, so never read; replaced at the next try.
            }

            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Close(from);
        return to;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The inbox journal's files in {Folder} were deleted while the service ran (its data folder removed?): the folder is made again, and {Segments} segment(s) not yet wholly moderated ({Bytes} bytes) written back from the files it held open. Nothing it took is lost; stop the service before removing its data")]
    private partial void LogWrittenBack(string folder, int segments, long bytes);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "The inbox journal's files in {Folder} were deleted while the service ran, and cannot be made again: {Error}. Events are refused with 503 until they can, tried every second ({Times} time(s) since the last report); what the journal held stays in the files it holds open and is written back then. Make the folder writable again (GroupGuard:Pipeline:InboxPath)")]
    private partial void LogLost(string folder, string error, long times);

    private void NoteCursor(ChatMessage message)
    {
        if (message.Cursor is { } cursor)
        {
            NoteCursor(cursor.Source, cursor.Position);
        }
    }

    private void NoteCursor(string source, long position)
    {
        if (!_cursors.TryGetValue(source, out var known) || position > known)
        {
            _cursors[source] = position;
            _cursorsDirty = true;
        }
    }

    /// <summary>
    /// Writes the cursors file when a cursor moved; called under the checkpoint lock. False when it
    /// could not be written (tried again at the next save).
    /// </summary>
    private bool SaveCursors()
    {
        _cursorsSavedAt = _time.GetUtcNow();
        string text;
        lock (_appendLock)
        {
            if (!_cursorsDirty)
            {
                return true;
            }

            text = JsonSerializer.Serialize(_cursors, JournalJson.Default.DictionaryStringInt64);
            _cursorsDirty = false;
        }

        try
        {
            var temp = Path.Combine(_folder, CursorsFile + ".tmp");
            File.WriteAllText(temp, text + "\n");
            File.Move(temp, Path.Combine(_folder, CursorsFile), overwrite: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            lock (_appendLock)
            {
                _cursorsDirty = true; // tried again at the next save
            }

            CheckpointError = ex.Message;
            return false;
        }
    }

    private void ReadCursors()
    {
        var path = Path.Combine(_folder, CursorsFile);
        if (!File.Exists(path))
        {
            return;
        }

        try
        {
            var saved = JsonSerializer.Deserialize(File.ReadAllText(path), JournalJson.Default.DictionaryStringInt64);
            foreach (var (source, position) in saved ?? [])
            {
                NoteCursor(source, position);
            }
        }
        catch (JsonException)
        {
            // A damaged cursors file: the journal's own lines still carry the cursors of what they hold.
        }

        _cursorsDirty = false;
    }

    /// <summary>Lines the last open passed over because they could not be read (damaged, or torn by a crash mid-write).</summary>
    public int SkippedAtOpen { get; private set; }

    /// <summary>
    /// Says, segment by segment, what the open passed over: each of those lines held a message
    /// that was acknowledged (a line torn mid-write, only if the write never returned) and will
    /// not be moderated. Said once, at start; a reader of the backlog later reads the same lines
    /// again and says nothing.
    /// </summary>
    private void ReportSkipped(IReadOnlyList<JournalSkip> skipped)
    {
        foreach (var skip in skipped)
        {
            SkippedAtOpen += skip.Lines + (skip.TornTail ? 1 : 0);
            LogSkipped(SegmentPath(_folder, skip.Segment), skip.Lines, skip.TornTail ? "; and its end, a line cut off without its newline (a crash mid-write)" : "");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The inbox journal's segment {Segment} holds {Lines} line(s) that cannot be read as a message{Tail}: skipped, the messages on them are not moderated")]
    private partial void LogSkipped(string segment, int lines, string tail);

    /// <summary>Why the last checkpoint could not be saved (a full disk), or null.</summary>
    public string? CheckpointError { get; private set; }

    /// <summary>
    /// Whether a start with the journal in <paramref name="folder"/> as it is on disk now would
    /// replay nothing (what <see cref="Open"/> would read): the saved checkpoint covers every line
    /// written. A kill from then on loses nothing and repeats nothing.
    /// </summary>
    internal static bool ReplaysNothing(string folder)
    {
        var checkpoint = ReadCheckpoint(folder);
        return Segments(folder).Where(s => s >= checkpoint.Segment).All(segment =>
            new FileInfo(SegmentPath(folder, segment)).Length <= (segment == checkpoint.Segment ? checkpoint.Offset : 0));
    }

    /// <summary>
    /// How many messages a start with the journal in <paramref name="folder"/> as it is on disk now
    /// would replay: the whole lines past the saved checkpoint. Read at stop, once the journal is
    /// closed, to say what is left for the next start.
    /// </summary>
    internal static long Unreplayed(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        var checkpoint = ReadCheckpoint(folder);
        var lines = 0L;
        var buffer = new byte[64 * 1024];
        foreach (var segment in Segments(folder).Where(s => s >= checkpoint.Segment))
        {
            using var stream = new FileStream(SegmentPath(folder, segment), new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete });
            stream.Seek(segment == checkpoint.Segment ? Math.Min(checkpoint.Offset, stream.Length) : 0, SeekOrigin.Begin);
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }
        }

        return lines;
    }

    private static JournalPosition ReadCheckpoint(string folder)
    {
        var path = Path.Combine(folder, CheckpointFile);
        if (!File.Exists(path))
        {
            return default;
        }

        var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var segment)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? new JournalPosition(segment, offset)
            : default; // an unreadable checkpoint replays everything: safe, only slower
    }

    internal static List<long> Segments(string folder) =>
        Directory.EnumerateFiles(folder, "*" + Extension)
            .Select(f => long.TryParse(Path.GetFileNameWithoutExtension(f), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
            .Where(n => n > 0)
            .Order()
            .ToList();

    internal static string SegmentPath(string folder, long segment) =>
        Path.Combine(folder, segment.ToString("D10", CultureInfo.InvariantCulture) + Extension);

    /// <summary>
    /// Opens a segment to append to, at its end, which the stream then keeps: not in
    /// <see cref="FileMode.Append"/>, which may not cut off a line a failed write left
    /// (<see cref="Undo"/>) and may not read, as a file deleted under the service is read to be
    /// written back (<see cref="CheckFiles"/>).
    /// </summary>
    private FileStream OpenSegment(long segment)
    {
        var stream = OpenFile(SegmentPath(_folder, segment), new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.Read, BufferSize = 0 }.OwnerOnly());
        try
        {
            stream.Seek(0, SeekOrigin.End);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>How the journal opens its segments: a test's full disk stands in here.</summary>
    internal Func<string, FileStreamOptions, FileStream> OpenFile { get; init; } = static (path, options) => new FileStream(path, options);
}

/// <summary>
/// Reads the journal's lines in order from a position on, a batch at a time, while appends go on:
/// each read stops at an end the caller took from <see cref="InboxJournal.End"/>, which only
/// whole lines precede. A damaged line (a crash's torn tail in an older segment) is passed over.
/// Not thread-safe: one reader, one caller at a time.
/// </summary>
internal sealed class JournalReader(string folder, JournalPosition position)
{
    // A line longer than this is damaged (the webhooks bound a message far below it): passed over.
    private const int MaxLineBytes = 64 * 1024 * 1024;
    private const int ChunkBytes = 1024 * 1024;

    // Kept from read to read (up to a megabyte): each refill would otherwise allocate one anew.
    private byte[] _buffer = [];

    private readonly List<JournalSkip> _skipped = [];

    /// <summary>Just past the last line read.</summary>
    public JournalPosition Position { get; private set; } = position;

    /// <summary>What this reader passed over so far, segment by segment, oldest first.</summary>
    public IReadOnlyList<JournalSkip> Skipped => _skipped;

    /// <summary>Notes a line of <paramref name="segment"/> that could not be read, or (<paramref name="tail"/>) its torn end.</summary>
    internal void Passed(long segment, bool tail = false)
    {
        var last = _skipped.Count > 0 && _skipped[^1].Segment == segment ? _skipped[^1] : null;
        var updated = last is null
            ? new JournalSkip(segment, tail ? 0 : 1, tail)
            : last with { Lines = last.Lines + (tail ? 0 : 1), TornTail = last.TornTail || tail };
        if (last is null)
        {
            _skipped.Add(updated);
        }
        else
        {
            _skipped[^1] = updated;
        }
    }

    /// <summary>
    /// Reads up to <paramref name="max"/> messages after <see cref="Position"/>, not past
    /// <paramref name="end"/>, into <paramref name="into"/>. Returns the bytes of the lines read.
    /// </summary>
    public long Read(JournalPosition end, int max, List<QueuedMessage> into)
    {
        long bytes = 0;
        var read = 0;
        while (read < max && Position.CompareTo(end) < 0)
        {
            var path = InboxJournal.SegmentPath(folder, Position.Segment);
            FileStream? opened = null;
            try
            {
                if (File.Exists(path))
                {
                    opened = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 0 });
                }
            }
            catch (FileNotFoundException)
            {
                // Deleted since: read on below from the next one there is.
            }
            catch (DirectoryNotFoundException)
            {
                break; // the folder deleted under the service: nothing read, the caller has the journal write it back
            }

            if (opened is null)
            {
                // A segment that was never written (numbers start past the checkpoint's): on to the next one there is.
                long next;
                try
                {
                    next = InboxJournal.Segments(folder).FirstOrDefault(s => s > Position.Segment);
                }
                catch (DirectoryNotFoundException)
                {
                    break;
                }

                if (next == 0 || next > end.Segment)
                {
                    break;
                }

                Position = new JournalPosition(next, 0);
                continue;
            }

            using var stream = opened;
            var limit = Position.Segment == end.Segment ? Math.Min(end.Offset, stream.Length) : stream.Length;
            var offset = Position.Offset;
            var wanted = (int)Math.Min(Math.Max(limit - offset, 0), ChunkBytes);
            var buffer = _buffer.Length >= wanted ? _buffer : _buffer = new byte[wanted];
            var filled = 0;
            while (read < max && offset + filled < limit)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= MaxLineBytes)
                    {
                        break;
                    }

                    Array.Resize(ref buffer, (int)Math.Min(Math.Min(limit - offset, MaxLineBytes), buffer.Length * 2L));
                    _buffer = buffer;
                }

                stream.Position = offset + filled;
                var got = stream.Read(buffer, filled, (int)Math.Min(buffer.Length - filled, limit - offset - filled));
                if (got == 0)
                {
                    break;
                }

                filled += got;
                var start = 0;
                while (read < max)
                {
                    var newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start);
                    if (newline < 0)
                    {
                        break;
                    }

                    // A damaged line cannot be moderated; the ones after it still can.
                    var message = JournalLine.Read(buffer.AsSpan(start, newline - start));
                    var after = new JournalPosition(Position.Segment, offset + newline + 1);
                    if (message is not null)
                    {
                        into.Add(new QueuedMessage(message, after));
                        read++;
                    }
                    else
                    {
                        Passed(Position.Segment);
                    }

                    bytes += newline + 1 - start;
                    start = newline + 1;
                    Position = after;
                }

                // What is left of the buffer is the start of a line not yet whole in it.
                Array.Copy(buffer, start, buffer, 0, filled - start);
                offset += start;
                filled -= start;
            }

            if (read < max && Position.Segment < end.Segment)
            {
                // The segment is done with (a torn tail, if any, is passed over): on to the next.
                if (stream.Length > Position.Offset)
                {
                    Passed(Position.Segment, tail: true);
                }

                bytes += Math.Max(0, stream.Length - Position.Offset);
                Position = new JournalPosition(Position.Segment + 1, 0);
            }
            else if (read < max && Position.CompareTo(end) < 0)
            {
                break; // nothing more can be read up to the end (a line longer than the bound)
            }
        }

        return bytes;
    }
}

/// <summary>
/// The inbox journal as /healthz shows it: its folder, its segments on disk, the events it refused
/// (503) since the start, and why it cannot write, save its checkpoint or start a new segment now.
/// </summary>
internal sealed record JournalHealth(string Folder, int Segments, long Bytes, long Refused, string? WriteError, string? CheckpointError, string? RollError)
{
    /// <summary>What fails now, the worst first: a write (events refused), the checkpoint, a new segment.</summary>
    public string? Error => WriteError ?? CheckpointError ?? RollError;
}

/// <summary>Lines of a segment a reader passed over: <paramref name="Lines"/> whole ones it could not read, and whether its end was a torn line.</summary>
internal sealed record JournalSkip(long Segment, int Lines, bool TornTail);

[System.Text.Json.Serialization.JsonSerializable(typeof(ChatMessage))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, long>))]
internal sealed partial class JournalJson : System.Text.Json.Serialization.JsonSerializerContext;
