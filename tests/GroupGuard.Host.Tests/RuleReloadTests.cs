using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Host.Tests;

/// <summary>Editing the rules folder while the service runs.</summary>
public sealed class RuleReloadTests
{
    private static async Task<JsonElement> HealthAsync(GroupGuardFactory service)
    {
        using var document = JsonDocument.Parse(await service.CreateClient().GetStringAsync("/healthz"));
        return document.RootElement.Clone();
    }

    private static bool IsReload(LogEntry entry) =>
        entry.Category == typeof(GroupGuard.Host.Rules.RuleReloader).FullName
        && entry.Message.StartsWith("Rules changed on disk", StringComparison.Ordinal);

    /// <summary>Makes <paramref name="edit"/>, then waits for the folder watch to say what it made of it.</summary>
    private static async Task<LogEntry> EditAsync(GroupGuardFactory service, Action edit)
    {
        var before = service.Logs.Entries.Count(IsReload);
        edit();
        var entries = await service.Logs.Recording.WaitUntilAsync(e => e.Count(IsReload) > before, "the folder watch to notice the edit");
        return entries.Where(IsReload).ElementAt(before);
    }

    [Fact]
    public async Task A_changed_rule_file_is_in_force_without_a_restart_and_a_bad_edit_keeps_the_last_good_set()
    {
        using var service = new GroupGuardFactory();
        var first = await HealthAsync(service);
        var firstVersion = first.GetProperty("rules").GetProperty("version").GetString();
        var pack = Path.Combine(service.Folder, "rules", "test.yaml");

        // A new term: messages with it are flagged once the set is reloaded.
        var reload = await EditAsync(service, () => File.WriteAllText(pack, GroupGuardFactory.RulePack.Replace("[加微信, 私聊领取]", "[加微信, 私聊领取, 今天的作业]", StringComparison.Ordinal)));
        Assert.StartsWith("Rules changed on disk: reloaded", reload.Message, StringComparison.Ordinal);
        var reloaded = await HealthAsync(service);
        Assert.NotEqual(firstVersion, reloaded.GetProperty("rules").GetProperty("version").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await service.PostV11Async(GroupGuardFactory.Sample("lagrange-group.json"))).StatusCode);
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        Assert.Equal("今天的作业", incident.MatchedTerm);
        Assert.Equal(reloaded.GetProperty("rules").GetProperty("version").GetString(), incident.RuleSetVersion);

        // A broken edit: reported with path and line; the set in force stays.
        var refused = await EditAsync(service, () => File.WriteAllText(pack, "pack: test-ads\nrules:\n  - id: ads.contact\n    severity: dire\n    terms: [x1]\n"));
        Assert.StartsWith("Rules changed on disk: NOT reloaded", refused.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, refused.Level); // seen in a log read at warnings and above
        Assert.Equal(LogLevel.Information, reload.Level);
        var broken = await HealthAsync(service);
        Assert.Equal("errors", broken.GetProperty("rules").GetProperty("status").GetString());
        Assert.Equal("degraded", broken.GetProperty("status").GetString());
        Assert.Contains(broken.GetProperty("rules").GetProperty("errors").EnumerateArray(), e => e.GetString()!.Contains("test.yaml:4:", StringComparison.Ordinal));
        Assert.Equal(reloaded.GetProperty("rules").GetProperty("version").GetString(), broken.GetProperty("rules").GetProperty("version").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await service.PostV11Async(GroupGuardFactory.Sample("napcat-group-array.json"))).StatusCode);
        Assert.Equal(2, (await service.IncidentsAfterAsync(2)).Count);
    }

    [Fact]
    public async Task Rules_Path_pointed_at_another_folder_while_the_service_runs_loads_that_folder()
    {
        using var service = new GroupGuardFactory();
        await HealthAsync(service); // started, watching
        var other = Path.Combine(service.Folder, "rules-2");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "test.yaml"), GroupGuardFactory.RulePack.Replace("[加微信, 私聊领取]", "[今天的作业]", StringComparison.Ordinal));
        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();

        var reload = await EditAsync(service, () =>
        {
            configuration["GroupGuard:Rules:Path"] = other;
            configuration.Reload();
        });

        // Before, the folder the service started with stayed in force until a restart.
        Assert.StartsWith("Rules changed on disk: reloaded", reload.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await service.PostV11Async(GroupGuardFactory.Sample("lagrange-group.json"))).StatusCode);
        Assert.Equal("今天的作业", Assert.Single(await service.IncidentsAfterAsync(1)).MatchedTerm);
    }

    [Fact]
    public async Task An_edit_with_thousands_of_bad_lines_logs_a_hundred_and_the_health_report_counts_them_all()
    {
        using var service = new GroupGuardFactory();
        await HealthAsync(service); // started, watching
        var rules = Path.Combine(service.Folder, "rules");
        var errorsBefore = service.Logs.Entries.Count(e => e.Level == LogLevel.Error);

        var refused = await EditAsync(service, () =>
        {
            File.WriteAllText(Path.Combine(rules, "bad.txt"), string.Concat(Enumerable.Repeat("！！\n", 5_000)));
            File.WriteAllText(Path.Combine(rules, "bad.yaml"), "pack: bad\nrules:\n  - id: bad.list\n    terms_file: bad.txt\n");
        });

        Assert.StartsWith("Rules changed on disk: NOT reloaded", refused.Message, StringComparison.Ordinal);
        var health = (await HealthAsync(service)).GetProperty("rules");
        Assert.Equal(5_000, health.GetProperty("error_count").GetInt32());
        Assert.Equal(20, health.GetProperty("errors").GetArrayLength());
        var logged = service.Logs.Entries.Where(e => e.Level == LogLevel.Error).Skip(errorsBefore).Select(e => e.Message).ToList();
        Assert.InRange(logged.Count, 101, 110);
        Assert.Contains(logged, m => m.Contains("4,900 more problems not listed (the first 100 are)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_misnamed_allow_list_added_while_the_service_runs_is_a_warning_in_the_log_once_and_the_health_report()
    {
        using var service = new GroupGuardFactory();
        await HealthAsync(service); // started, watching
        var rules = Path.Combine(service.Folder, "rules");

        var reload = await EditAsync(service, () => File.WriteAllText(Path.Combine(rules, "allow_654321.txt"), "加微信\n"));

        Assert.StartsWith("Rules changed on disk: reloaded", reload.Message, StringComparison.Ordinal);
        var logged = Assert.Single(service.Logs.Entries, e => e.Message.Contains("allow_654321.txt", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.EndsWith("allow_654321.txt: not read: probably meant allow-654321.txt (a group's allow list is allow-<group id>.txt, in lower case)", logged.Message, StringComparison.Ordinal);
        var warning = Assert.Single((await HealthAsync(service)).GetProperty("rules").GetProperty("warnings").EnumerateArray()).GetString()!;
        Assert.EndsWith("allow_654321.txt: not read: probably meant allow-654321.txt (a group's allow list is allow-<group id>.txt, in lower case)", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_regex_that_can_never_match_loads_and_is_a_warning_in_the_health_report_and_the_log()
    {
        using var service = new GroupGuardFactory(rulePack: GroupGuardFactory.RulePack + "\n  - id: ads.contact-id\n    regex: '薇信号\\d+'\n");

        var health = await HealthAsync(service);

        var rules = health.GetProperty("rules");
        Assert.Equal(0, rules.GetProperty("error_count").GetInt32());
        var warning = Assert.Single(rules.GetProperty("warnings").EnumerateArray()).GetString()!;
        Assert.Contains("test.yaml:13:", warning, StringComparison.Ordinal);
        Assert.Contains("write '微' instead", warning, StringComparison.Ordinal);
        Assert.Contains(service.Logs.Entries, e => e.Message.Contains("ads.contact-id", StringComparison.Ordinal) && e.Message.Contains("'薇'", StringComparison.Ordinal));
    }
}
