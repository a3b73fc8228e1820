using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests;

/// <summary>What the service does at start with what an earlier run left in its inbox journal.</summary>
public sealed class JournalReplayTests
{
    /// <summary>
    /// Lines an older build wrote (without Forwards, Images, Cards or Mentions) are moderated as
    /// any message: each advert among them is an incident, none fails, and the service goes on.
    /// Read back with null collections, every one of them was passed unmoderated, and the one
    /// without Images stopped the host, at every start.
    /// </summary>
    [Fact]
    public async Task Lines_an_older_build_left_are_moderated_at_start_and_the_service_goes_on()
    {
        using var inbox = new TempFolder();
        Seed(inbox.Path, "older-builds.jsonl", segment: 1);
        using var service = new GroupGuardFactory(new Dictionary<string, string?> { ["GroupGuard:Pipeline:InboxPath"] = inbox.Path });
        _ = service.CreateClient(); // starts it

        var incidents = await service.IncidentsAfterAsync(8);
        var answer = await service.PostV11Async(GroupGuardFactory.GroupEvent(9001, "加微信"));
        await service.HandledAsync("9001");

        Assert.Equal(["7001", "7003", "7004", "7006", "7007", "7008"], incidents.Select(i => i.MessageId).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(0, service.Services.GetRequiredService<PipelineStats>().FailedCount);
        Assert.DoesNotContain(service.Logs.Entries, e => e.Message.Contains("failed unexpectedly", StringComparison.Ordinal));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, answer.StatusCode);
    }

    /// <summary>
    /// Lines that cannot be read (damaged, or cut off by a crash) are skipped and said at start, by
    /// segment; the readable ones around them are moderated and the service runs.
    /// </summary>
    [Fact]
    public async Task Damaged_lines_left_in_the_journal_are_skipped_and_said_at_start()
    {
        using var inbox = new TempFolder();
        Seed(inbox.Path, "damaged.jsonl", segment: 1);
        Seed(inbox.Path, "older-builds.jsonl", segment: 2);
        using var service = new GroupGuardFactory(new Dictionary<string, string?> { ["GroupGuard:Pipeline:InboxPath"] = inbox.Path });
        _ = service.CreateClient(); // starts it

        var incidents = await service.IncidentsAfterAsync(10);

        Assert.Equal(["7101", "7107", "7001", "7002", "7003", "7004", "7005", "7006", "7007", "7008"], service.Handled.Items.Select(m => m.MessageId));
        Assert.Contains(incidents, i => i.MessageId == "7107");
        var warning = Assert.Single(service.Logs.Entries, e => e.Category == typeof(InboxJournal).FullName && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Contains(InboxJournal.SegmentPath(inbox.Path, 1), warning.Message, StringComparison.Ordinal);
        Assert.Equal(5, warning.Values["Lines"]);
    }

    /// <summary>Copies the sample <paramref name="name"/> (Samples/journal) into <paramref name="folder"/> as segment <paramref name="segment"/>.</summary>
    internal static void Seed(string folder, string name, long segment)
    {
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Samples", "journal", name), InboxJournal.SegmentPath(folder, segment));
    }
}
