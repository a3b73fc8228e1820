using GroupGuard.Core;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests;

/// <summary><c>groupguard incidents mark</c>: a human's verdict, and the line that would have prevented the hit.</summary>
public sealed class MarkTests
{
    [Fact]
    public async Task Marking_a_false_positive_records_it_suggests_an_allow_line_and_it_stops_counting()
    {
        using var service = new GroupGuardFactory();
        await service.PostV11Async(GroupGuardFactory.GroupEvent(31, "我们用加微信群的方式通知家长"));
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        var environment = StartupAndHealthTests.Environment(service);

        var outcome = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60),
            "incidents", "mark", incident.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--false-positive", "--note", "通知家长，不是广告");
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var marked = await store.GetAsync(incident.Id, CancellationToken.None);
        var offences = await store.CountOffencesAsync("qq", "123456", "20002", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, dryRun: false, CancellationToken.None);

        Assert.Equal(0, outcome.ExitCode);
        // Whole words with an ordinary one beside the hit (not 用加微信群, cut through 用加), for the rule or the group.
        Assert.Contains("unless: [加微信群的方式]", outcome.Output, StringComparison.Ordinal);
        Assert.Contains("test.yaml", outcome.Output, StringComparison.Ordinal);
        Assert.Contains("allow-123456.txt", outcome.Output, StringComparison.Ordinal);
        Assert.True(marked!.FalsePositive);
        Assert.Equal("通知家长，不是广告", marked.ReviewNote);
        Assert.Equal(0, offences);
        Assert.StartsWith("cli:", marked.ReviewedBy, StringComparison.Ordinal);
        var audit = await service.Services.GetRequiredService<Core.Accounts.IAccountStore>().ReadAuditAsync(null, 5, CancellationToken.None);
        Assert.Contains(audit, a => a.Action == "mark_false_positive" && a.Target == $"incident {incident.Id}" && a.Actor.StartsWith("cli:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Marking_an_unknown_incident_says_so()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();

        var outcome = await GroupGuardProcess.RunAsync(service.Folder, StartupAndHealthTests.Environment(service), TimeSpan.FromSeconds(60),
            "incidents", "mark", "999", "--false-positive");

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("no incident 999", outcome.Error, StringComparison.Ordinal);
    }
}
