using System.Net;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Host.Digests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests;

/// <summary>A group no leader lists is in no digest: the log says so once, naming the group and the setting, and /healthz lists it.</summary>
public sealed class LeaderCoverageTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero));
    private readonly LogCollector<LeaderCoverage> _log = new();

    private static LeaderOptions Leader(params string[] groups) => new() { Name = "王主任", Groups = [.. groups], Channels = ["office-robot"] };

    private List<string> Warnings() => [.. _log.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message)];

    [Fact]
    public void A_group_no_leader_lists_is_warned_of_once_naming_the_group_and_the_setting()
    {
        using var coverage = new LeaderCoverage(new SettableOptions<List<LeaderOptions>>([Leader("111")]), _time, _log);

        coverage.Seen("qq", "111");
        coverage.Seen("qq", "222");
        coverage.Seen("qq", "222");
        _time.Advance(TimeSpan.FromHours(1));
        coverage.Seen("qq", "222");

        var warning = Assert.Single(Warnings());
        Assert.Equal("qq group 222 is listed by no leader (GroupGuard:Leaders): what happens in it is in no digest. Add it to a leader's Groups, or \"*\" for every group; /healthz lists such groups under uncovered_groups", warning);
        var (count, groups) = coverage.Snapshot();
        Assert.Equal(1, count);
        var group = Assert.Single(groups);
        Assert.Equal("qq", group.Platform);
        Assert.Equal("222", group.GroupId);
        Assert.Equal(_time.GetUtcNow().AddHours(-1), group.Since); // when it was first heard
    }

    [Fact]
    public void A_leader_of_every_group_leaves_none_uncovered()
    {
        using var coverage = new LeaderCoverage(new SettableOptions<List<LeaderOptions>>([Leader("111"), Leader("*")]), _time, _log);

        coverage.Seen("qq", "222");
        coverage.Seen("wecom", "wrOgQhDgAAMYQiS5ol9G7gK9JV");

        Assert.Empty(Warnings());
        Assert.Equal(0, coverage.Snapshot().Count);
    }

    [Fact]
    public void A_leader_added_for_the_group_takes_it_off_the_list_and_one_taken_away_has_it_warned_of_again()
    {
        var leaders = new SettableOptions<List<LeaderOptions>>([Leader("111")]);
        using var coverage = new LeaderCoverage(leaders, _time, _log);
        coverage.Seen("qq", "222");

        leaders.CurrentValue = [Leader("111", "222")]; // appsettings.json edited while the service runs
        Assert.Equal(0, coverage.Snapshot().Count);
        coverage.Seen("qq", "222");

        _time.Advance(TimeSpan.FromMinutes(5));
        leaders.CurrentValue = [Leader("111")];
        coverage.Seen("qq", "222");

        Assert.Equal(2, Warnings().Count(w => w.Contains("group 222 ", StringComparison.Ordinal)));
        Assert.Equal(1, coverage.Snapshot().Count);
    }

    [Fact]
    public void Many_groups_heard_at_once_are_a_few_lines_and_one_with_the_count_of_the_rest()
    {
        using var coverage = new LeaderCoverage(new SettableOptions<List<LeaderOptions>>([Leader("111")]), _time, _log);

        for (var i = 0; i < 30; i++)
        {
            coverage.Seen("qq", $"{200 + i}");
        }

        _time.Advance(LogThrottle.Interval);

        var warnings = Warnings();
        Assert.Equal(LogThrottle.MaxReasons, warnings.Count(w => w.Contains(" is listed by no leader", StringComparison.Ordinal)));
        Assert.Contains($"{30 - LogThrottle.MaxReasons} more groups listed by no leader (GroupGuard:Leaders) were heard in 10 s", Assert.Single(warnings, w => w.Contains("more groups", StringComparison.Ordinal)), StringComparison.Ordinal);
        var (count, groups) = coverage.Snapshot();
        Assert.Equal(30, count);
        Assert.Equal(LeaderCoverage.MaxListed, groups.Count);
    }

    [Fact]
    public async Task The_service_warns_of_a_group_no_leader_lists_once_and_health_lists_it()
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Channels:archive:Type"] = "file",
            ["GroupGuard:Channels:archive:Path"] = "data/digests",
            ["GroupGuard:Leaders:0:Name"] = "王主任",
            ["GroupGuard:Leaders:0:Groups:0"] = "654321",
            ["GroupGuard:Leaders:0:Channels:0"] = "archive",
        });

        Assert.Equal(HttpStatusCode.NoContent, (await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "加微信", groupId: 123456))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "明天交作业", groupId: 123456))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "明天交作业", groupId: 654321))).StatusCode);
        await service.IncidentsAfterAsync(3);

        var warning = Assert.Single(service.Logs.Entries, e => e.Message.Contains("listed by no leader", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.StartsWith("qq group 123456 is listed by no leader (GroupGuard:Leaders)", warning.Message, StringComparison.Ordinal);
        using var health = JsonDocument.Parse(await service.CreateClient().GetStringAsync("/healthz"));
        var uncovered = health.RootElement.GetProperty("uncovered_groups");
        Assert.Equal(1, uncovered.GetProperty("count").GetInt32());
        var group = Assert.Single(uncovered.GetProperty("groups").EnumerateArray());
        Assert.Equal("123456", group.GetProperty("group_id").GetString());
        Assert.Equal("qq", group.GetProperty("platform").GetString());
        // Advice, not a problem: a group may be left out of every digest on purpose.
        Assert.DoesNotContain(health.RootElement.GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("123456", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_no_leader_configured_the_default_one_covers_every_group()
    {
        using var service = new GroupGuardFactory();

        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "明天交作业", groupId: 123456));
        await service.IncidentsAfterAsync(1);

        Assert.DoesNotContain(service.Logs.Entries, e => e.Message.Contains("listed by no leader", StringComparison.Ordinal));
        using var health = JsonDocument.Parse(await service.CreateClient().GetStringAsync("/healthz"));
        Assert.Equal(0, health.RootElement.GetProperty("uncovered_groups").GetProperty("count").GetInt32());
    }
}
