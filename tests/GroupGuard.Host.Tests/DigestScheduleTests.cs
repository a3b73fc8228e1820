using GroupGuard.Host.Digests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace GroupGuard.Host.Tests;

/// <summary>Leaders' digest schedules follow a configuration reload, without a restart.</summary>
public sealed class DigestScheduleTests
{
    private static Dictionary<string, string?> Settings() => new()
    {
        ["GroupGuard:Leaders:0:Name"] = "王主任",
        ["GroupGuard:Leaders:0:Groups:0"] = "123456",
        ["GroupGuard:Leaders:0:Schedule"] = "0 0 8 * * ?",
        ["GroupGuard:Leaders:0:TimeZone"] = "Asia/Shanghai",
        ["GroupGuard:Leaders:0:Channels:0"] = "archive",
        ["GroupGuard:Leaders:1:Name"] = "李老师",
        ["GroupGuard:Leaders:1:Groups:0"] = "777",
        ["GroupGuard:Leaders:1:Schedule"] = "0 0 18 * * ?",
        ["GroupGuard:Leaders:1:Channels:0"] = "archive",
        ["GroupGuard:Channels:archive:Type"] = "file",
        ["GroupGuard:Channels:archive:Path"] = "digests",
    };

    [Fact]
    public async Task A_reload_reschedules_adds_and_removes_leaders_digests()
    {
        using var service = new GroupGuardFactory(Settings());
        _ = service.CreateClient();
        var scheduler = await service.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        Assert.Equal("0 0 8 * * ?", await CronOf(scheduler, "王主任"));

        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();
        configuration["GroupGuard:Leaders:0:Schedule"] = "0 30 7 * * ?";
        configuration["GroupGuard:Leaders:1:Name"] = "赵校长"; // 李老师 goes, 赵校长 comes
        await ReloadAsync(service, configuration);

        Assert.Equal("0 30 7 * * ?", await CronOf(scheduler, "王主任"));
        Assert.Equal("0 0 18 * * ?", await CronOf(scheduler, "赵校长"));
        Assert.Null(await scheduler.GetTrigger(new TriggerKey("digest-trigger:李老师", "groupguard")));
        Assert.Null(await scheduler.GetJobDetail(new JobKey("digest:李老师", "groupguard")));
        var job = await scheduler.GetJobDetail(new JobKey("digest:赵校长", "groupguard"));
        Assert.Equal("赵校长", job!.JobDataMap.GetString("leader"));
    }

    [Fact]
    public async Task A_reload_with_a_mistake_changes_no_schedule_and_says_which_key()
    {
        using var service = new GroupGuardFactory(Settings());
        _ = service.CreateClient();
        var scheduler = await service.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var sync = service.Services.GetRequiredService<DigestScheduleSync>();

        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();
        configuration["GroupGuard:Leaders:0:Schedule"] = "every morning";
        configuration["GroupGuard:Leaders:1:Schedule"] = "0 0 19 * * ?";

        Assert.Null(await sync.SyncAsync(CancellationToken.None));
        Assert.Equal("0 0 8 * * ?", await CronOf(scheduler, "王主任"));
        Assert.Equal("0 0 18 * * ?", await CronOf(scheduler, "李老师"));
        Assert.Contains(service.Logs.Entries, e => e.Message.Contains("GroupGuard:Leaders:0:Schedule", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0 0 8 30 2 ?")] // the 30th of February
    [InlineData("0 0 8 * * ? 2020")] // a year past
    public async Task A_schedule_that_never_fires_stops_the_start_naming_the_key(string schedule)
    {
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        foreach (var (key, value) in Settings())
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }

        environment["GroupGuard__Leaders__1__Schedule"] = schedule;

        // Quartz itself refuses such a trigger, and did so with a crash that named no setting.
        var outcome = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60));

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains($"GroupGuard:Leaders:1:Schedule '{schedule}' never fires from now on", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Output + outcome.Error, StringComparison.Ordinal); // a message, not a crash
    }

    [Fact]
    public async Task A_reload_to_a_group_id_with_a_space_changes_nothing_and_says_which_key()
    {
        using var service = new GroupGuardFactory(Settings());
        _ = service.CreateClient();
        var sync = service.Services.GetRequiredService<DigestScheduleSync>();

        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();
        configuration["GroupGuard:Leaders:1:Groups:0"] = "777 "; // would match no incident: every digest "quiet"

        Assert.Null(await sync.SyncAsync(CancellationToken.None));
        Assert.Contains(service.Logs.Entries, e => e.Message.Contains("GroupGuard:Leaders:1:Groups has '777 ', which is no group id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reload_to_a_schedule_that_never_fires_changes_no_schedule_and_says_which_key()
    {
        using var service = new GroupGuardFactory(Settings());
        _ = service.CreateClient();
        var scheduler = await service.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var sync = service.Services.GetRequiredService<DigestScheduleSync>();

        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();
        configuration["GroupGuard:Leaders:0:Schedule"] = "0 0 8 31 4 ?"; // the 31st of April

        Assert.Null(await sync.SyncAsync(CancellationToken.None));
        Assert.Equal("0 0 8 * * ?", await CronOf(scheduler, "王主任"));
        Assert.Contains(service.Logs.Entries, e => e.Message.Contains("GroupGuard:Leaders:0:Schedule '0 0 8 31 4 ?' never fires", StringComparison.Ordinal));
    }

    private static async Task<string?> CronOf(IScheduler scheduler, string leader) =>
        (await scheduler.GetTrigger(new TriggerKey("digest-trigger:" + leader, "groupguard")) as ICronTrigger)?.CronExpressionString;

    /// <summary>Reloads the configuration and waits for the sync that reload sets off.</summary>
    private static async Task ReloadAsync(GroupGuardFactory service, IConfigurationRoot configuration)
    {
        var sync = service.Services.GetRequiredService<DigestScheduleSync>();
        var synced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sync.Synced += _ => synced.TrySetResult();
        configuration.Reload();
        await synced.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
