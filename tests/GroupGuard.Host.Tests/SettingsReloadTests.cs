using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Tests;

/// <summary>Settings edited while the service runs: a mistake keeps the last good settings of its kind, and is said by key.</summary>
public sealed class SettingsReloadTests
{
    [Fact]
    public async Task A_typo_in_one_field_of_a_dry_run_group_saved_while_the_service_runs_keeps_the_group_in_dry_run()
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Groups:123456:DryRun"] = "true",
            ["GroupGuard:Groups:123456:Escalation:0:Count"] = "2",
            ["GroupGuard:Groups:123456:Escalation:0:Action"] = "warn",
        });
        _ = service.CreateClient();
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "想要资料的加微信"));
        Assert.Equal(ActionStatus.DryRun, (await service.SettledAsync(1, i => i.MessageId == "1")).ActionStatus);

        // An unrelated field of the same group, of the wrong kind: the binder would drop the group's whole entry.
        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();
        configuration["GroupGuard:Groups:123456:Join:AutoApprove"] = "yes";
        configuration.Reload();
        await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "想要资料的加微信", userId: 20003));
        var second = await service.SettledAsync(2, i => i.MessageId == "2");

        // Before, the advert was really recalled: the group had lost its dry run (and its escalation).
        Assert.Equal(ActionStatus.DryRun, second.ActionStatus);
        var group = service.Services.GetRequiredService<IOptionsMonitor<Dictionary<string, GroupOverride>>>().CurrentValue["123456"];
        Assert.True(group.DryRun);
        Assert.Equal([ModerationAction.Warn], group.Escalation!.Select(s => s.Action));
        Assert.Contains(service.Logs.Entries, e => e.Message.Contains("the last good ones kept", StringComparison.Ordinal)
            && e.Message.Contains("'yes' at 'GroupGuard:Groups:123456:Join:AutoApprove'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_escalation_step_or_alert_rule_saved_while_the_service_runs_keeps_the_last_good_steps_and_rules()
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Moderation:Escalation:0:Count"] = "2",
            ["GroupGuard:Moderation:Escalation:0:Action"] = "mute",
            ["GroupGuard:Moderation:Escalation:1:Count"] = "3",
            ["GroupGuard:Moderation:Escalation:1:Action"] = "kick",
            ["GroupGuard:Alerts:0:Name"] = "serious",
            ["GroupGuard:Alerts:0:Groups:0"] = "*",
            ["GroupGuard:Alerts:0:Channels:0"] = "alerts-file",
            ["GroupGuard:Channels:alerts-file:Type"] = "file",
            ["GroupGuard:Channels:alerts-file:Path"] = "data/alerts",
        });
        _ = service.CreateClient();
        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();

        configuration["GroupGuard:Moderation:Escalation:1:Action"] = "ban";
        configuration["GroupGuard:Alerts:0:CoalesceSeconds"] = "1m";
        configuration.Reload();

        // Before, the kick at the 3rd offence and the alert rule were gone without a word.
        var moderation = service.Services.GetRequiredService<IOptionsMonitor<ModerationOptions>>().CurrentValue;
        Assert.Equal([ModerationAction.Mute, ModerationAction.Kick], moderation.Steps.Select(s => s.Action));
        var alerts = service.Services.GetRequiredService<IOptionsMonitor<List<AlertRuleOptions>>>().CurrentValue;
        Assert.Equal(["serious"], alerts.Select(a => a.Name));
        Assert.Contains(service.Logs.Entries, e => e.Message.Contains("the last good ones kept", StringComparison.Ordinal)
            && e.Message.Contains("'ban' at 'GroupGuard:Moderation:Escalation:1:Action'", StringComparison.Ordinal));
        Assert.Contains(service.Logs.Entries, e => e.Message.Contains("the last good ones kept", StringComparison.Ordinal)
            && e.Message.Contains("'1m' at 'GroupGuard:Alerts:0:CoalesceSeconds'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_change_to_a_setting_read_only_at_start_saved_while_the_service_runs_is_a_warning_naming_it()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();

        configuration["GroupGuard:Pipeline:QueueCapacity"] = "500";
        configuration["GroupGuard:OneBot:Connections:0:Url"] = "ws://127.0.0.1:3001";
        configuration.Reload();
        configuration["GroupGuard:Moderation:EscalationWindowHours"] = "48"; // the file saved again, with a setting that follows a reload
        configuration.Reload();

        var warnings = service.Logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("read only at start", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Equal(2, warnings.Count); // each once
        Assert.Contains(warnings, w => w.Contains("GroupGuard:Pipeline:QueueCapacity changed", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("GroupGuard:OneBot:Connections changed", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_setting_read_only_at_start_says_so_in_the_readme()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var rows = readme.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
        foreach (var key in RestartOnlySettings.Keys)
        {
            // Its row (`GroupGuard:Telemetry:Prometheus` / `OtlpEndpoint` is the row of both), else where the text names it.
            var (parent, leaf) = (key[..key.LastIndexOf(':')], key[(key.LastIndexOf(':') + 1)..]);
            var said = rows.FirstOrDefault(r => r.Contains($"`{key}`", StringComparison.Ordinal))
                ?? rows.FirstOrDefault(r => r.Contains($"`{parent}:", StringComparison.Ordinal) && r.Contains($"`{leaf}`", StringComparison.Ordinal))
                ?? readme[readme.IndexOf($"`{key}`", StringComparison.Ordinal)..][..120];
            Assert.True(said.Contains("restart", StringComparison.Ordinal), $"README does not say that {key} needs a restart: {said}");
        }
    }

    [Fact]
    public async Task A_settings_file_left_in_the_folder_the_service_starts_from_is_named_in_a_warning_as_not_read()
    {
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        // Where an operator would put it: beside the data folder and rules, not beside the executable.
        var settings = Path.Combine(service.Folder, "appsettings.json");
        File.WriteAllText(settings, """{ "GroupGuard": { "Moderation": { "DryRun": true } } }""");
        using var process = GroupGuardProcess.Start(service.Folder, environment);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = new Uri(environment["ASPNETCORE_URLS"]) };
        try
        {
            await GroupGuardProcess.WaitHealthyAsync(http, process);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }

        var log = await stdout + await stderr;
        var line = Assert.Single(log.Split('\n'), l => l.Contains("is not read", StringComparison.Ordinal));
        Assert.Contains(settings, line, StringComparison.Ordinal);
        Assert.Contains(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_of_the_settings_beside_the_executable_in_the_start_folder_is_no_mistake_and_another_environment_s_file_is_not_looked_at()
    {
        using var dir = new TempFolder();
        var beside = dir.Folder("opt");
        var current = dir.Folder("work");
        File.WriteAllText(Path.Combine(beside, "appsettings.json"), """{ "Logging": {} }""");
        File.WriteAllText(Path.Combine(current, "appsettings.json"), """{ "Logging": {} }""");
        File.WriteAllText(Path.Combine(current, "appsettings.Development.json"), "{}");

        // The source folder of a build (dotnet run from src/GroupGuard.Host): the build copied it, so it is read.
        Assert.Empty(SettingsFiles.NotRead(current, beside, "Production"));
        Assert.Empty(SettingsFiles.NotRead(beside, beside, "Production")); // started from beside the executable

        File.WriteAllText(Path.Combine(current, "appsettings.Production.json"), "{}");
        File.WriteAllText(Path.Combine(current, "appsettings.json"), """{ "Logging": { "LogLevel": {} } }""");
        Assert.Equal(
            [Path.Combine(current, "appsettings.json"), Path.Combine(current, "appsettings.Production.json")],
            SettingsFiles.NotRead(current, beside, "Production"));
    }

    /// <summary>
    /// appsettings.production.json beside the executable, for the environment Production: on Linux
    /// it was not read, and nothing said so. A warning names it and the name that is read; the
    /// names read, and another environment's file, are no mistake.
    /// </summary>
    [Fact]
    public void A_settings_file_beside_the_executable_whose_name_differs_only_by_case_is_named_in_a_warning_with_the_name_read()
    {
        using var dir = new TempFolder();
        var beside = dir.Folder("opt");
        File.WriteAllText(Path.Combine(beside, "Appsettings.json"), "{}");
        File.WriteAllText(Path.Combine(beside, "appsettings.production.json"), "{}");
        File.WriteAllText(Path.Combine(beside, "appsettings.development.json"), "{}"); // another environment's: not looked at
        var logs = new LogCollector();

        SettingsFiles.WarnWrongCase(logs.CreateLogger(typeof(SettingsFiles).FullName!), beside, "Production");

        Assert.Equal(
            [
                $"Warning: Appsettings.json in {beside} is not read: file names are case-sensitive here, and the service reads appsettings.json (the environment is Production). Rename the file",
                $"Warning: appsettings.production.json in {beside} is not read: file names are case-sensitive here, and the service reads appsettings.Production.json (the environment is Production). Rename the file",
            ],
            logs.Entries.Select(e => e.ToString()));

        // Named as read (beside a stray copy in the wrong case, which still is not read): only the stray one.
        File.Delete(Path.Combine(beside, "Appsettings.json"));
        File.WriteAllText(Path.Combine(beside, "appsettings.json"), "{}");
        File.WriteAllText(Path.Combine(beside, "appsettings.Production.json"), "{}");
        Assert.Equal([("appsettings.production.json", "appsettings.Production.json")], SettingsFiles.WrongCase(beside, "Production"));
        File.Delete(Path.Combine(beside, "appsettings.production.json"));
        Assert.Empty(SettingsFiles.WrongCase(beside, "Production"));
    }

    /// <summary>
    /// A section no setting is read from, added while the service runs (GroupGuard:Leader for
    /// GroupGuard:Leaders): it stops a start, but at a reload it was ignored without a word. A warning
    /// names it and the section probably meant, once; a key that is no setting inside a section
    /// keeps, as before, the last good settings of its kind, with an error naming it.
    /// </summary>
    [Fact]
    public void A_section_no_setting_is_read_from_added_while_the_service_runs_is_a_warning_naming_the_one_probably_meant()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();

        configuration["GroupGuard:Leader:0:Name"] = "王主任";
        configuration["GroupGuard:Moderation:DryRunn"] = "true";
        configuration.Reload();
        configuration["GroupGuard:Leader:0:Groups:0"] = "123456"; // another edit of the same file: said once
        configuration.Reload();

        var warning = Assert.Single(service.Logs.Entries, e => e.Message.Contains("GroupGuard:Leader ", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(
            "Settings reloaded: GroupGuard:Leader is not a setting and would be ignored: probably meant GroupGuard:Leaders. The service goes on with the settings it has, and the next start would refuse it: mend it before a restart",
            warning.Message);
        Assert.Contains(service.Logs.Entries, e => e.Level == LogLevel.Error
            && e.Message == "Settings reloaded with a mistake, the last good ones kept until it is mended: GroupGuard:Moderation:DryRunn is not a setting and would be ignored: probably meant GroupGuard:Moderation:DryRun");
        Assert.False(service.Services.GetRequiredService<IOptionsMonitor<ModerationOptions>>().CurrentValue.DryRun);
    }

    [Fact]
    public async Task A_settings_file_that_is_a_link_is_polled_so_that_an_edit_of_the_file_it_leads_to_is_read()
    {
        using var dir = new TempFolder();
        var real = dir.Write(Path.Combine("etc", "appsettings.Production.json"), """{ "GroupGuard": { "Moderation": { "ClearMinutes": 10 } } }""");
        var beside = dir.Folder("opt");
        File.WriteAllText(Path.Combine(beside, "appsettings.json"), "{}");
        Assert.False(SettingsFiles.ShouldPoll(beside, null)); // no link: the default watcher does

        File.CreateSymbolicLink(Path.Combine(beside, "appsettings.Production.json"), real);

        Assert.Equal(["appsettings.Production.json"], SettingsFiles.Linked(beside));
        Assert.True(SettingsFiles.ShouldPoll(beside, null));
        Assert.False(SettingsFiles.ShouldPoll(beside, "0")); // the operator's choice stands

        // What polling does with such a file (DOTNET_USE_POLLING_FILE_WATCHER sets both): an edit of
        // the file at the end of the link is read.
        using var files = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(beside) { UsePollingFileWatcher = true, UseActivePolling = true };
        var settings = new ConfigurationBuilder().SetFileProvider(files).AddJsonFile("appsettings.Production.json", optional: false, reloadOnChange: true).Build();
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = settings.GetReloadToken().RegisterChangeCallback(state => reloaded.TrySetResult(), null);
        File.WriteAllText(real, """{ "GroupGuard": { "Moderation": { "ClearMinutes": 30 } } }""");
        File.SetLastWriteTimeUtc(real, File.GetLastWriteTimeUtc(real).AddSeconds(2)); // a coarse file system's clock: a later time all the same

        await reloaded.Task.WaitAsync(TimeSpan.FromMinutes(1)); // a safety net: polling looks every 4 s
        Assert.Equal("30", settings["GroupGuard:Moderation:ClearMinutes"]);
    }

    [Fact]
    public void A_channel_added_or_changed_while_the_service_runs_is_the_one_sent_to()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();
        var channels = service.Services.GetRequiredService<GroupGuard.Core.Digests.IDigestChannels>();
        var before = channels.Get("boss-file");

        configuration["GroupGuard:Channels:boss-file:Type"] = "file";
        configuration["GroupGuard:Channels:boss-file:Path"] = Path.Combine(service.Folder, "boss");
        configuration.Reload();
        var added = channels.Get("boss-file");
        configuration["GroupGuard:Moderation:EscalationWindowHours"] = "48"; // another setting: the channels stay as they are
        configuration.Reload();
        var untouched = channels.Get("boss-file");
        configuration["GroupGuard:Channels:boss-file:Path"] = Path.Combine(service.Folder, "boss-2");
        configuration.Reload();
        var changed = channels.Get("boss-file");

        Assert.Null(before);
        Assert.NotNull(added);
        Assert.Same(added, untouched);
        Assert.NotNull(changed);
        Assert.NotSame(added, changed);
        Assert.Contains("boss-file", channels.Names);
    }

    [Fact]
    public async Task A_reload_with_a_setting_out_of_range_keeps_the_last_good_settings_and_moderation_goes_on()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();

        configuration["GroupGuard:Moderation:EscalationWindowHours"] = "0";
        configuration["GroupGuard:Pipeline:QueueCapacity"] = "many";
        configuration.Reload();
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "想要资料的加微信"));

        // Before, the next message threw in the worker and the host stopped.
        var incident = await service.SettledAsync(1, _ => true);
        Assert.Equal("ads.contact", incident.Rule);
        Assert.NotEqual(GroupGuard.Core.ActionStatus.Pending, incident.ActionStatus);
        Assert.Equal(24, service.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<GroupGuard.Core.Moderation.ModerationOptions>>().CurrentValue.EscalationWindowHours);
        Assert.Contains(service.Logs.Entries, e => e.Message.Contains("the last good ones kept", StringComparison.Ordinal)
            && e.Message.Contains("GroupGuard:Moderation:EscalationWindowHours must be between 1 and 8760, got 0", StringComparison.Ordinal));
    }
}
