using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>
/// A graceful stop says in one line what became of the messages the service had taken: how many it
/// drained from its queue and in how long, and whether the inbox journal still holds any, which the
/// next start moderates. Before, the log said only that a drain began.
/// </summary>
public sealed class StopReportTests
{
    [Fact]
    public async Task A_stop_after_everything_was_moderated_says_nothing_is_left_in_the_journal()
    {
        var service = new GroupGuardFactory();
        try
        {
            _ = service.CreateClient();
            await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "今天几点放学"));
            await service.Handled.WaitForCountAsync(1, "the message to be moderated");
        }
        finally
        {
            service.Dispose(); // stops the host as a SIGTERM does
        }

        var line = Assert.Single(service.Logs.Entries, e => e.Message.StartsWith("Stopped: ", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, line.Level);
        Assert.Matches(@"^Stopped: drained 0 queued messages in \d+\.\d s; nothing left in the journal$", line.Message);
    }

    [Fact]
    public void Messages_left_in_the_journal_are_counted_and_said_to_be_moderated_at_the_next_start()
    {
        using var temp = new TempFolder();
        var folder = temp.File("inbox");
        var time = new FakeTimeProvider();
        using (var journal = new InboxJournal(Options.Create(new PipelineOptions { InboxPath = folder }), time))
        {
            journal.Open();
            var first = journal.Append(Messages.Group("收到", id: "1"));
            journal.Append(Messages.Group("加微信", id: "2"));
            journal.Append(Messages.Group("好的", id: "3"));
            journal.MarkProcessed(first);
            journal.Flush();
        }

        var logs = new LogCollector<StopReport>();
        var report = new StopReport(logs);
        report.Drained(5, TimeSpan.FromSeconds(1.5));
        report.Stopped(folder);

        Assert.Equal(
            [$"Information: Stopped: drained 5 queued messages in 1.5 s; 2 message(s) left in the inbox journal ({folder}) are moderated at the next start"],
            logs.Lines);
    }
}
