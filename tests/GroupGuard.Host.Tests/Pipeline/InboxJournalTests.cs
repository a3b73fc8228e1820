using GroupGuard.Core;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Pipeline;

public sealed class InboxJournalTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gg-inbox-" + Guid.NewGuid().ToString("n"));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-26T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private InboxJournal Journal(long segmentBytes = 16 * 1024 * 1024) =>
        new(Options.Create(new PipelineOptions { InboxPath = _folder, InboxSegmentBytes = segmentBytes }), _time);

    private static ChatMessage Message(int n) => new()
    {
        Platform = "qq",
        Protocol = "onebot.v11",
        BotId = "1",
        GroupId = "100",
        GroupName = "家长群",
        UserId = "200",
        SenderRole = SenderRole.Admin,
        SenderName = "王老师",
        MessageId = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Time = DateTimeOffset.FromUnixTimeSeconds(1_764_150_000 + n),
        Text = $"第{n}条 加微信",
        Mentions = ["300"],
        MentionsAll = n % 2 == 0,
        ReplyTo = "77",
        Images = [new ImageRef("a.jpg", "http://127.0.0.1/a.jpg", "[图片]")],
        Cards = [new CardContent("json", "标题", "描述", "https://example.com")],
    };

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

    [Fact]
    public void A_line_torn_by_a_crash_is_skipped_and_later_appends_are_kept()
    {
        var journal = Journal();
        journal.Open();
        journal.Append(Message(1));
        journal.Dispose();
        var segment = Directory.GetFiles(_folder, "*.jsonl").Single();
        File.AppendAllText(segment, "{\"Platform\":\"qq\",\"Proto");

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

        Assert.True(Directory.GetFiles(_folder, "*.jsonl").Length > 1);
        journal.MarkProcessed(last);
        journal.Flush();
        journal.Dispose();

        Assert.Single(Directory.GetFiles(_folder, "*.jsonl"));
        Assert.Empty(Journal().Open());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not a test failure.
        }
    }

    private sealed class MessageComparer : IEqualityComparer<ChatMessage>
    {
        public bool Equals(ChatMessage? x, ChatMessage? y) =>
            x is not null && y is not null
            && x with { Mentions = [], Images = [], Cards = [] } == y with { Mentions = [], Images = [], Cards = [] }
            && x.Mentions.SequenceEqual(y.Mentions) && x.Images.SequenceEqual(y.Images) && x.Cards.SequenceEqual(y.Cards);

        public int GetHashCode(ChatMessage obj) => obj.MessageId.GetHashCode(StringComparison.Ordinal);
    }
}
