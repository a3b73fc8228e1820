using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Pipeline;

public sealed class InboxJournalTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-26T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The inbox folder: not there until a journal creates it.</summary>
    private string Folder => _temp.File("inbox");

    private InboxJournal Journal(long segmentBytes = 16 * 1024 * 1024, string? folder = null) =>
        new(Options.Create(new PipelineOptions { InboxPath = folder ?? Folder, InboxSegmentBytes = segmentBytes }), _time);

    /// <summary>
    /// A journal over what the inbox folder holds now, as the next start would find it after a crash
    /// (the running journal keeps the folder itself locked until it is closed; a crash lets go).
    /// </summary>
    private InboxJournal AsAfterACrash() => Journal(folder: CopyOfFolder(Folder, _temp.Folder($"crash-{Guid.NewGuid():N}")));

    /// <summary>Copies the files of <paramref name="folder"/> but its lock into <paramref name="copy"/>; returns the copy.</summary>
    internal static string CopyOfFolder(string folder, string copy)
    {
        foreach (var file in Directory.GetFiles(folder).Where(f => Path.GetFileName(f) != InboxJournal.LockFileName))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    /// <summary>The messages the next start would replay after a crash now: none when the folder is gone.</summary>
    private List<string> ReplayedAfterACrash()
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        using var crashed = AsAfterACrash();
        return [.. crashed.Open().Select(q => q.Message.MessageId)];
    }

    /// <summary>A journal of message 1 whose segment (the path returned) ends in half a line, as a crash mid-write leaves it.</summary>
    private string WriteOneWithATornTail()
    {
        var journal = Journal();
        journal.Open();
        journal.Append(Message(1));
        journal.Dispose();
        var segment = Directory.GetFiles(Folder, "*.jsonl").Single();
        File.AppendAllText(segment, "{\"Platform\":\"qq\",\"Proto");
        return segment;
    }

    private static ChatMessage Message(int n) => Messages.Group(
        $"第{n}条 加微信",
        id: n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        group: "100",
        groupName: "家长群",
        user: "200",
        role: SenderRole.Admin,
        senderName: "王老师",
        bot: "1",
        time: DateTimeOffset.FromUnixTimeSeconds(1_764_150_000 + n),
        mentions: ["300"],
        mentionsAll: n % 2 == 0,
        replyTo: "77",
        images: [new ImageRef("a.jpg", "http://127.0.0.1/a.jpg", "[图片]")],
        cards: [new CardContent("json", "标题", "描述", "https://example.com")]);

    /// <summary>
    /// Chat text is written as UTF-8, not \u escapes (half the bytes for hanzi), and text with
    /// newlines, quotes, backslashes and line separators still makes one line that reads back whole.
    /// </summary>
    [Fact]
    public void Text_is_written_as_utf8_on_one_line_and_reads_back_whole()
    {
        const string Text = "加微信\n第二行 \"引号\" 反斜杠\\ \u2028分隔\r\n😀";
        using (var first = Journal())
        {
            first.Open();
            first.Append(Messages.Group(Text, id: "1"));
            first.Append(Messages.Group("第二条", id: "2"));
        }

        var bytes = File.ReadAllBytes(Directory.GetFiles(Folder, "*.jsonl").Single());
        var replayed = Journal().Open();

        Assert.Equal(2, bytes.Count(b => b == (byte)'\n'));
        Assert.True(bytes.AsSpan().IndexOf("加微信"u8) >= 0, "hanzi are written as UTF-8");
        Assert.Equal([Text, "第二条"], replayed.Select(q => q.Message.Text));
    }

    [Fact]
    public void Messages_appended_and_not_marked_come_back_whole_after_a_crash()
    {
        var first = Journal();
        first.Open();
        first.Append(Message(1));
        first.Append(Message(2));
        first.Dispose(); // the process dies: no checkpoint was saved

        var pending = Journal().Open();

        Assert.Equal([Message(1), Message(2)], pending.Select(p => p.Message), new MessageComparer());
    }

    [Fact]
    public void A_forwarded_chat_carried_inline_comes_back_whole()
    {
        var inner = new GroupGuard.Core.Forwards.ForwardedMessage
        {
            SenderId = "300",
            SenderName = "资料分享君",
            Time = DateTimeOffset.FromUnixTimeSeconds(1_764_149_000),
            Text = "加微信",
            Cards = [new CardContent("json", "t", null, null)],
            Forwards = [new GroupGuard.Core.Forwards.ForwardRef("deeper")],
        };
        var message = Message(1) with { Forwards = [new GroupGuard.Core.Forwards.ForwardRef("7559712345678901234", [inner], Cut: true), new("by-id")] };
        var first = Journal();
        first.Open();
        first.Append(message);
        first.Dispose();

        var replayed = Assert.Single(Journal().Open()).Message;

        Assert.Equal(message, replayed, new MessageComparer());
        Assert.Equal("加微信", replayed.Forwards[0].Messages![0].Text);
        Assert.True(replayed.Forwards[0].Cut);
        Assert.Null(replayed.Forwards[1].Messages);
    }

    /// <summary>
    /// The pictures of a forwarded message are journaled with it: a replay (after a stop with its
    /// pictures still queued, or a crash) reads them again, a QR-code advert in a chat record included.
    /// </summary>
    [Fact]
    public void The_pictures_of_a_forwarded_message_come_back_with_it()
    {
        var picture = new ImageRef("9A1C2E4B6D8F0A1B2C3D4E5F6A7B8C9D.jpg", "https://multimedia.nt.qq.com.cn/download?appid=1407&fileid=EhQy", "[图片]");
        var nested = new GroupGuard.Core.Forwards.ForwardedMessage { Text = "", Images = [new ImageRef("by-file-id.jpg", null, null)] };
        var inner = new GroupGuard.Core.Forwards.ForwardedMessage
        {
            SenderName = "资料分享君",
            Text = "扫码进群领资料",
            Images = [picture],
            Forwards = [new GroupGuard.Core.Forwards.ForwardRef("", [nested])],
        };
        var message = Message(1) with { Forwards = [new GroupGuard.Core.Forwards.ForwardRef("7559712345678901235", [inner])] };
        var first = Journal();
        first.Open();
        first.Append(message);
        first.Dispose();

        var replayed = Assert.Single(Journal().Open()).Message;

        var read = Assert.Single(Assert.Single(replayed.Forwards).Messages!);
        Assert.Equal([picture], read.Images);
        Assert.Equal([new ImageRef("by-file-id.jpg", null, null)], Assert.Single(Assert.Single(read.Forwards).Messages!).Images);
        Assert.Equal(message, replayed, new MessageComparer());
    }

    [Fact]
    public void Messages_marked_processed_are_not_replayed()
    {
        var journal = Journal();
        journal.Open();
        var one = journal.Append(Message(1));
        journal.Append(Message(2));
        journal.MarkProcessed(one);
        journal.Flush();
        journal.Dispose();

        var pending = Journal().Open();

        Assert.Equal("2", Assert.Single(pending).Message.MessageId);
    }

    /// <summary>
    /// A message whose pictures are still to be read holds the checkpoint before it, its text on
    /// disk, and everything after it, even once all is marked and the worker has caught up; let go,
    /// the checkpoint moves on at once and the moderated text leaves the disk.
    /// </summary>
    [Fact]
    public void A_hold_keeps_its_message_and_those_after_it_for_the_next_start_until_let_go()
    {
        var journal = Journal();
        journal.Open();
        var one = journal.Append(Message(1));
        var two = journal.Append(Message(2));
        var three = journal.Append(Message(3));
        journal.MarkProcessed(one);
        var held = journal.Hold(); // message 2's pictures
        journal.MarkProcessed(two);
        journal.MarkProcessed(three);
        journal.Release();

        Assert.Equal(1, journal.Holds);
        using (var crashed = AsAfterACrash())
        {
            Assert.Equal(["2", "3"], crashed.Open().Select(p => p.Message.MessageId));
        }

        held.Dispose();
        held.Dispose(); // once only

        Assert.Equal(0, journal.Holds);
        using (var crashed = AsAfterACrash())
        {
            Assert.Empty(crashed.Open());
        }

        Assert.DoesNotContain("第2条", string.Concat(Directory.GetFiles(Folder, "*.jsonl").Select(File.ReadAllText)), StringComparison.Ordinal);
        journal.Dispose();
    }

    [Fact]
    public void A_line_torn_by_a_crash_is_skipped_and_later_appends_are_kept()
    {
        WriteOneWithATornTail();

        var reopened = Journal();
        var pending = reopened.Open();
        reopened.Append(Message(2));
        reopened.Dispose();

        Assert.Equal("1", Assert.Single(pending).Message.MessageId);
        Assert.Equal(["1", "2"], Journal().Open().Select(p => p.Message.MessageId));
    }

    [Fact]
    public void Moderated_segments_are_deleted_once_the_checkpoint_passes_them()
    {
        var journal = Journal(segmentBytes: 64 * 1024);
        journal.Open();
        JournalPosition last = default;
        for (var i = 0; i < 400; i++)
        {
            last = journal.Append(Message(i));
        }

        Assert.True(Directory.GetFiles(Folder, "*.jsonl").Length > 1);
        journal.MarkProcessed(last);
        journal.Flush();
        journal.Dispose();

        Assert.Single(Directory.GetFiles(Folder, "*.jsonl"));
        Assert.Empty(Journal().Open());
    }

    [Fact]
    public void Once_everything_written_is_moderated_its_text_leaves_the_disk()
    {
        var journal = Journal();
        journal.Open();
        journal.Append(Message(1));
        var last = journal.Append(Message(2));
        journal.MarkProcessed(last);

        journal.Release();

        var text = string.Concat(Directory.GetFiles(Folder, "*.jsonl").Select(File.ReadAllText));
        Assert.DoesNotContain("加微信", text, StringComparison.Ordinal);
        journal.Append(Message(3));
        journal.Dispose();
        Assert.Equal(["3"], Journal().Open().Select(p => p.Message.MessageId));
    }

    [Fact]
    public void A_message_not_yet_moderated_keeps_its_segment()
    {
        var journal = Journal();
        journal.Open();
        var first = journal.Append(Message(1));
        journal.Append(Message(2));
        journal.MarkProcessed(first);

        journal.Release();
        journal.Dispose();

        Assert.Equal(["2"], Journal().Open().Select(p => p.Message.MessageId));
    }

    [Theory]
    [InlineData(StoreText.Masked)]
    [InlineData(StoreText.None)]
    public void Without_full_text_storage_segments_stay_small_under_steady_load(StoreText storeText)
    {
        var journal = new InboxJournal(
            Options.Create(new PipelineOptions { InboxPath = Folder }),
            _time,
            Options.Create(new PrivacyOptions { StoreText = storeText }));
        journal.Open();
        for (var i = 0; i < 6000; i++)
        {
            journal.Append(Message(i));
        }

        journal.Dispose();

        Assert.All(Directory.GetFiles(Folder, "*.jsonl"), f => Assert.True(new FileInfo(f).Length <= InboxJournal.PrivateSegmentBytes, $"{f} is {new FileInfo(f).Length} bytes"));
        Assert.True(Directory.GetFiles(Folder, "*.jsonl").Length > 1);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Journal_files_are_readable_by_the_service_user_only()
    {
        var journal = Journal();
        journal.Open();
        journal.Append(Message(1));
        journal.Dispose();

        var segment = Directory.GetFiles(Folder, "*.jsonl").Single();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(segment));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Folder));
    }

    /// <summary>
    /// A write a full disk cuts short is refused and leaves nothing of its line: once there is room,
    /// the retry goes on in the same segment, and the next start finds every line whole.
    /// </summary>
    [Fact]
    public void A_write_a_full_disk_cuts_short_is_refused_and_the_retry_follows_a_whole_line()
    {
        var disk = new FullDisk();
        var journal = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = Folder }), _time) { OpenFile = disk.Open };
        journal.Open();
        var first = journal.Append(Message(1));

        disk.Full = true;
        Assert.Throws<IOException>(() => journal.Append(Message(2)));
        disk.Full = false;
        var retried = journal.Append(Message(2));
        journal.Dispose();

        Assert.Equal(first.Segment, retried.Segment);
        using var reopened = Journal();
        Assert.Equal(["1", "2"], reopened.Open().Select(p => p.Message.MessageId));
        Assert.Equal(0, reopened.SkippedAtOpen);
    }

    /// <summary>
    /// Over a long outage of a full disk, with a sender retrying every second, no file is made per
    /// refused event (each made a new empty segment: 123 files after 131 refusals, until no inodes
    /// were left); once there is room the event is taken, and nothing torn is left behind.
    /// </summary>
    [Fact]
    public void Events_refused_while_the_disk_is_full_leave_no_new_files()
    {
        var disk = new FullDisk();
        var journal = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = Folder }), _time) { OpenFile = disk.Open };
        journal.Open();
        journal.Append(Message(1));
        var files = Directory.GetFiles(Folder).Length;

        disk.Full = true;
        for (var retry = 0; retry < 100; retry++)
        {
            Assert.Throws<IOException>(() => journal.Append(Message(2)));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var filesWhileFull = Directory.GetFiles(Folder).Length;
        disk.Full = false;
        journal.Append(Message(2));
        journal.Dispose();

        Assert.Equal(files, filesWhileFull);
        using var reopened = Journal();
        Assert.Equal(["1", "2"], reopened.Open().Select(p => p.Message.MessageId));
        Assert.Equal(0, reopened.SkippedAtOpen);
    }

    /// <summary>
    /// A torn line that cannot be cut off (an I/O error) is never extended: its segment is left, and
    /// a new one is made a second later at the soonest, not at every retry.
    /// </summary>
    [Fact]
    public void A_torn_line_that_cannot_be_cut_off_is_left_behind_with_its_segment()
    {
        var disk = new FullDisk();
        var journal = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = Folder }), _time) { OpenFile = disk.Open };
        journal.Open();
        var first = journal.Append(Message(1));

        (disk.Full, disk.Failing) = (true, true);
        Assert.Throws<IOException>(() => journal.Append(Message(2)));
        (disk.Full, disk.Failing) = (false, false);
        Assert.Throws<IOException>(() => journal.Append(Message(2))); // within the second: no new file
        var filesMeanwhile = Directory.GetFiles(Folder, "*.jsonl").Length;
        _time.Advance(TimeSpan.FromSeconds(1));
        var retried = journal.Append(Message(2));
        journal.Dispose();

        Assert.Equal(1, filesMeanwhile);
        Assert.Equal(first.Segment + 1, retried.Segment);
        Assert.Equal(["1", "2"], Journal().Open().Select(p => p.Message.MessageId));
    }

    [Fact]
    public void A_pulled_sources_cursor_comes_back_from_the_journal_after_a_crash_before_any_checkpoint()
    {
        var first = Journal();
        first.Open();
        first.Append(Message(1) with { Cursor = new SourceCursor("wecom:corp", 41) });
        first.Append(Message(2) with { Cursor = new SourceCursor("wecom:corp", 42) });
        first.Append(Message(3));
        first.Dispose(); // killed: nothing saved but the journal lines

        var second = Journal();
        var pending = second.Open();

        Assert.Equal(42, second.CursorOf("wecom:corp"));
        Assert.Null(second.CursorOf("wecom:other"));
        Assert.Equal(3, pending.Count); // and the messages themselves are replayed: none skipped
        Assert.True(second.Opened.IsCompletedSuccessfully);
    }

    [Fact]
    public void A_cursor_outlives_the_deletion_of_its_moderated_segment()
    {
        var first = Journal();
        first.Open();
        var position = first.Append(Message(1) with { Cursor = new SourceCursor("wecom:corp", 7) });
        first.MarkProcessed(position);
        first.Release(); // caught up: the moderated segment is deleted, the cursor saved first
        first.Dispose();

        Assert.DoesNotContain(Directory.GetFiles(Folder, "*.jsonl"), f => new FileInfo(f).Length > 0);
        var second = Journal();
        Assert.Empty(second.Open());
        Assert.Equal(7, second.CursorOf("wecom:corp"));
    }

    [Fact]
    public void Skipped_records_move_the_cursor_and_it_never_goes_back()
    {
        var first = Journal();
        first.Open();
        first.Append(Message(1) with { Cursor = new SourceCursor("wecom:corp", 10) });
        first.Advance("wecom:corp", 15); // records 11..15 were not group messages
        first.Advance("wecom:corp", 12); // an older position changes nothing
        first.Flush();
        first.Dispose();

        var second = Journal();
        second.Open();

        Assert.Equal(15, second.CursorOf("wecom:corp"));
    }

    [Fact]
    public void A_damaged_cursors_file_falls_back_to_the_cursors_in_the_journal()
    {
        var first = Journal();
        first.Open();
        first.Append(Message(1) with { Cursor = new SourceCursor("wecom:corp", 3) });
        first.Flush();
        first.Dispose();
        File.WriteAllText(Path.Combine(Folder, "cursors"), "{not json");

        var second = Journal();
        second.Open();

        Assert.Equal(3, second.CursorOf("wecom:corp"));
    }

    /// <summary>
    /// Lines written by older builds, before a collection existed (a forwarded message's Images came
    /// last, Forwards before them; the oldest have no Mentions, Images or Cards either), come back
    /// with that collection empty, not null: null failed every such message in detection, an advert
    /// included, and a missing Images stopped the host at every start.
    /// </summary>
    [Fact]
    public void Lines_an_older_build_wrote_come_back_with_their_missing_collections_empty()
    {
        Seed("older-builds.jsonl", segment: 1);

        var replayed = Journal().Open().Select(q => q.Message).ToList();

        Assert.Equal(["7001", "7002", "7003", "7004", "7005", "7006", "7007", "7008"], replayed.Select(m => m.MessageId));
        Assert.All(replayed, m =>
        {
            Assert.NotNull(m.Mentions);
            Assert.NotNull(m.Images);
            Assert.NotNull(m.Cards);
            Assert.NotNull(m.Forwards);
        });
        Assert.Equal(["20101"], replayed[1].Mentions);
        Assert.Empty(replayed[2].Images);
        Assert.Empty(replayed[5].Mentions);
        Assert.Empty(replayed[5].Forwards);
        var inner = Assert.Single(Assert.Single(replayed[6].Forwards).Messages!);
        Assert.Equal("加微信", inner.Text);
        Assert.Empty(inner.Cards);
        Assert.Empty(inner.Images);
        Assert.Empty(inner.Forwards);
        Assert.Equal("https://prize.xyz/a", Assert.Single(replayed[7].Cards).Url);
        Assert.Contains("prize.xyz", replayed[7].ScanText, StringComparison.Ordinal);
    }

    /// <summary>
    /// A line that cannot be made a message (not JSON, an id missing or null, a protocol this build
    /// does not know, a join request without its flag) is skipped, and the lines after it are read.
    /// </summary>
    [Fact]
    public void A_line_that_cannot_be_read_is_skipped_and_the_rest_come_back()
    {
        Seed("damaged.jsonl", segment: 1);

        var journal = Journal();
        var replayed = journal.Open();
        journal.Append(Message(8));
        journal.Dispose();

        Assert.Equal(["7101", "7107"], replayed.Select(q => q.Message.MessageId));
        Assert.Equal(["7101", "7107", "8"], Journal().Open().Select(q => q.Message.MessageId));
    }

    /// <summary>
    /// What the open passes over is said, as a warning per segment with how many lines: each held an
    /// acknowledged message that will not be moderated. Before, it was skipped without a word.
    /// </summary>
    [Fact]
    public void Lines_passed_over_at_open_are_logged_by_segment()
    {
        Seed("damaged.jsonl", segment: 1); // five lines no message can be made of, then a line cut off
        Seed("older-builds.jsonl", segment: 2);
        var logs = new LogCollector<InboxJournal>();
        var journal = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = Folder }), _time, logger: logs);

        var replayed = journal.Open();

        Assert.Equal(10, replayed.Count);
        var warning = Assert.Single(logs.Entries); // none for segment 2, which is whole
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Equal(InboxJournal.SegmentPath(Folder, 1), warning.Values["Segment"]);
        Assert.Equal(5, warning.Values["Lines"]);
        Assert.Contains("cut off", warning.Message, StringComparison.Ordinal);
        Assert.Equal(6, journal.SkippedAtOpen);
        journal.Dispose();
    }

    /// <summary>
    /// A second GroupGuard started from the same folder (<c>dotnet run</c> twice, a unit and a
    /// manual start) is refused as it opens the journal, naming the folder and the settings that
    /// give it one of its own: it would replay the running one's messages and move its checkpoint.
    /// Once the first has closed it, the journal opens again with what is in it.
    /// </summary>
    [Fact]
    public void A_journal_another_process_holds_open_is_refused_naming_its_folder_and_the_settings()
    {
        var running = Journal();
        running.Open();
        running.Append(Message(1));

        using var second = Journal();
        var refused = Assert.Throws<StartupProblemException>(() => second.Open());

        Assert.Contains($"'{Folder}' is in use by another GroupGuard process", refused.Message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Storage:DataFolder", refused.Message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Pipeline:InboxPath", refused.Message, StringComparison.Ordinal);

        running.Dispose();
        using var next = Journal();
        Assert.Equal("1", Assert.Single(next.Open()).Message.MessageId);
    }

    [Fact]
    public void A_torn_end_of_the_last_segment_is_logged_at_open()
    {
        var segment = WriteOneWithATornTail();
        var logs = new LogCollector<InboxJournal>();

        using var reopened = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = Folder }), _time, logger: logs);
        var pending = reopened.Open();

        Assert.Equal("1", Assert.Single(pending).Message.MessageId);
        var warning = Assert.Single(logs.Entries);
        Assert.Equal(segment, warning.Values["Segment"]);
        Assert.Equal(0, warning.Values["Lines"]);
        Assert.Contains("cut off", warning.Message, StringComparison.Ordinal);
        Assert.Equal(1, reopened.SkippedAtOpen);
    }

    [Fact]
    public void A_whole_journal_opens_without_a_word()
    {
        var journal = Journal();
        journal.Open();
        journal.Append(Message(1));
        journal.Dispose();
        var logs = new LogCollector<InboxJournal>();

        using var reopened = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = Folder }), _time, logger: logs);
        reopened.Open();

        Assert.Empty(logs.Entries);
        Assert.Equal(0, reopened.SkippedAtOpen);
    }

    /// <summary>
    /// Caught up, with no new segment to be had (here a folder stands under its name, which no file
    /// can be made at, root or not; in life no inodes left, a quota, a read-only file system): the
    /// journal writes on in the one it has, rather than throwing in the worker's settle, which
    /// stopped the host.
    /// </summary>
    [Fact]
    public void When_no_new_segment_can_be_made_once_caught_up_the_journal_writes_on_in_its_segment()
    {
        var logs = new LogCollector<InboxJournal>();
        var journal = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = Folder }), _time, logger: logs);
        journal.Open();
        var first = journal.Append(Message(1));
        journal.MarkProcessed(first);
        var blocker = Directory.CreateDirectory(InboxJournal.SegmentPath(Folder, first.Segment + 1)).FullName;

        journal.Release();
        var second = journal.Append(Message(2));
        var error = journal.RollError;
        journal.Dispose();
        Directory.Delete(blocker);

        Assert.Equal(first.Segment, second.Segment);
        Assert.NotNull(error);
        var logged = Assert.Single(logs.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, logged.Level);
        Assert.Contains("GroupGuard:Pipeline:InboxPath", logged.Message, StringComparison.Ordinal);
        Assert.Equal(["2"], Journal().Open().Select(q => q.Message.MessageId));
    }

    /// <summary>
    /// A full segment with no new one to be had is written on past its size; the next try comes a
    /// second later on the clock (not at every append), under the next number, past the one in the way.
    /// </summary>
    [Fact]
    public void When_no_new_segment_can_be_made_past_the_size_the_journal_writes_on_and_tries_again_a_second_later()
    {
        var logs = new LogCollector<InboxJournal>();
        var journal = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = Folder, InboxSegmentBytes = 64 * 1024 }), _time, logger: logs);
        journal.Open();
        var blocker = Directory.CreateDirectory(InboxJournal.SegmentPath(Folder, 2)).FullName;

        var positions = Enumerable.Range(0, 400).Select(i => journal.Append(Message(i))).ToList();
        var loggedMeanwhile = logs.Entries.Count;
        _time.Advance(TimeSpan.FromSeconds(1));
        var rolled = journal.Append(Message(400));
        var error = journal.RollError;
        journal.Dispose();
        Directory.Delete(blocker);

        Assert.True(new FileInfo(InboxJournal.SegmentPath(Folder, 1)).Length > 64 * 1024, "the test needs a segment past its size");
        Assert.All(positions, p => Assert.Equal(1, p.Segment));
        Assert.Equal(1, loggedMeanwhile);
        Assert.Equal(3, rolled.Segment);
        Assert.Null(error);
        Assert.Equal(Enumerable.Range(0, 401).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Journal().Open().Select(q => q.Message.MessageId));
    }

    /// <summary>
    /// The data folder deleted under the running service: events went on being answered 204 into a
    /// file no longer in any folder, and the next start found none of them. Within a second the
    /// journal sees its file gone, makes the folder again and writes back what is not yet moderated
    /// (what came meanwhile too), with its checkpoint and the pulled sources' cursors; what comes
    /// next is kept as well.
    /// </summary>
    [Fact]
    public void A_folder_deleted_under_the_running_journal_is_made_again_with_what_was_not_moderated()
    {
        var logs = new LogCollector<InboxJournal>();
        var journal = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = Folder }), _time, logger: logs);
        journal.Open();
        var one = journal.Append(Message(1) with { Cursor = new SourceCursor("wecom:corp", 41) });
        journal.Append(Message(2));
        journal.MarkProcessed(one);
        journal.Flush();

        Directory.Delete(Folder, recursive: true);
        journal.Append(Message(3)); // within the second: into the file it has
        _time.Advance(TimeSpan.FromSeconds(1));
        journal.Append(Message(4));

        Assert.Equal(["2", "3", "4"], ReplayedAfterACrash());
        using (var crashed = AsAfterACrash())
        {
            crashed.Open();
            Assert.Equal(41, crashed.CursorOf("wecom:corp"));
        }

        var warning = Assert.Single(logs.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Equal(Folder, warning.Values["Folder"]);
        journal.Dispose();
    }

    /// <summary>
    /// A backlog over several segments is written back whole when its folder is deleted: every
    /// segment the checkpoint has not passed is held open for it. The worker's settle looks too, and
    /// no longer says that the journal writes on in a segment that is gone.
    /// </summary>
    [Fact]
    public void Every_segment_not_yet_moderated_is_written_back_when_the_folder_is_deleted()
    {
        var logs = new LogCollector<InboxJournal>();
        var journal = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = Folder, InboxSegmentBytes = 64 * 1024 }), _time, logger: logs);
        journal.Open();
        var positions = Enumerable.Range(0, 400).Select(i => journal.Append(Message(i))).ToList();
        journal.MarkProcessed(positions[99]);
        journal.Flush();

        Directory.Delete(Folder, recursive: true);
        journal.Release(); // the worker settles, at once

        Assert.True(positions[^1].Segment > positions[99].Segment + 1, "the test needs a backlog over several segments");
        Assert.Equal(Enumerable.Range(100, 300).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ReplayedAfterACrash());
        Assert.DoesNotContain(logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
        journal.Dispose();
    }

    /// <summary>
    /// While a deleted folder cannot be made again, events are refused (503, so that their senders
    /// retry) rather than answered 204 into a file nobody will find, and an error names the folder;
    /// once it can, what the journal held is written back and the retry is taken.
    /// </summary>
    [Fact]
    public void While_a_deleted_folder_cannot_be_made_again_events_are_refused_and_an_error_names_it()
    {
        var logs = new LogCollector<InboxJournal>();
        var journal = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = Folder }), _time, logger: logs);
        journal.Open();
        journal.Append(Message(1));

        Directory.Delete(Folder, recursive: true);
        File.WriteAllText(Folder, ""); // a file where the folder was: no folder can be made there
        _time.Advance(TimeSpan.FromSeconds(1));
        var refused = Record.Exception(() => journal.Append(Message(2)));
        var refusedAgain = Record.Exception(() => journal.Append(Message(2)));
        File.Delete(Folder);
        _time.Advance(TimeSpan.FromSeconds(1));
        journal.Append(Message(2));

        Assert.IsAssignableFrom<IOException>(refused);
        Assert.IsAssignableFrom<IOException>(refusedAgain);
        var error = Assert.Single(logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error);
        Assert.Equal(Folder, error.Values["Folder"]);
        Assert.Equal(["1", "2"], ReplayedAfterACrash());
        journal.Dispose();
    }

    /// <summary>At start, a journal that can make no segment is a setting to mend, named, not a crash (exit 134 before).</summary>
    [Fact]
    public void A_journal_that_can_make_no_segment_at_start_names_its_setting()
    {
        Directory.CreateDirectory(InboxJournal.SegmentPath(Folder, 1));

        var problem = Assert.Throws<StartupProblemException>(() => Journal().Open());

        Assert.Contains("GroupGuard:Pipeline:InboxPath", problem.Message, StringComparison.Ordinal);
        Assert.Contains(Folder, problem.Message, StringComparison.Ordinal);
    }

    /// <summary>Copies the sample <paramref name="name"/> (Samples/journal) into the inbox as segment <paramref name="segment"/>.</summary>
    private void Seed(string name, long segment)
    {
        Directory.CreateDirectory(Folder);
        File.Copy(
            Path.Combine(AppContext.BaseDirectory, "Samples", "journal", name),
            InboxJournal.SegmentPath(Folder, segment));
    }

    public void Dispose() => _temp.Dispose();

    private sealed class MessageComparer : IEqualityComparer<ChatMessage>
    {
        public bool Equals(ChatMessage? x, ChatMessage? y) =>
            x is not null && y is not null
            && x with { Mentions = [], Images = [], Cards = [], Forwards = [] } == y with { Mentions = [], Images = [], Cards = [], Forwards = [] }
            && x.Mentions.SequenceEqual(y.Mentions) && x.Images.SequenceEqual(y.Images) && x.Cards.SequenceEqual(y.Cards)
            && System.Text.Json.JsonSerializer.Serialize(x.Forwards) == System.Text.Json.JsonSerializer.Serialize(y.Forwards);

        public int GetHashCode(ChatMessage obj) => obj.MessageId.GetHashCode(StringComparison.Ordinal);
    }
}
