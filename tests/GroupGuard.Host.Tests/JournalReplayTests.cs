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

    /// <summary>Copies the sample <paramref name="name"/> (Samples/journal) into <paramref name="folder"/> as segment <paramref name="segment"/>.</summary>
    internal static void Seed(string folder, string name, long segment)
    {
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Samples", "journal", name), InboxJournal.SegmentPath(folder, segment));
    }
}
