using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;
using GroupGuard.Testing;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>Whatever goes wrong while loading, the service keeps its rules and keeps running.</summary>
public sealed class RuleSetProviderTests
{
    // A path no file system takes: resolving it throws ArgumentException, which no file read expects.
    private const string Unresolvable = "rules\0bad";

    private static TempFolder Folder()
    {
        var dir = new TempFolder();
        dir.Write("p.yaml", "pack: p\nrules:\n  - id: p.a\n    terms: [加微信]\n");
        return dir;
    }

    [Fact]
    public void An_unexpected_failure_while_loading_is_a_failed_reload_and_the_last_good_set_stays()
    {
        using var dir = Folder();
        var options = new RulesOptions { Path = dir.Path };
        var log = new LogCollector<RuleSetProvider>();
        var provider = new RuleSetProvider(new SettableOptions<RulesOptions>(options), TimeProvider.System, log);
        Assert.True(provider.Reload());
        var good = provider.Current;

        options.Path = Unresolvable;
        var reloaded = provider.Reload();

        Assert.False(reloaded);
        Assert.Same(good, provider.Current);
        Assert.False(provider.Status.Healthy);
        Assert.Contains("unexpected error while loading the rules: ArgumentException", Assert.Single(provider.Status.Errors), StringComparison.Ordinal);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Error && e.Exception is ArgumentException);
    }

    [Fact]
    public void A_group_limited_to_a_pack_the_folder_has_not_is_warned_of_naming_the_key_until_it_is_mended()
    {
        using var dir = Folder();
        dir.Write("q.yaml", "pack: q\nrules:\n  - id: q.a\n    terms: [刷单]\n");
        var groups = new SettableOptions<Dictionary<string, GroupOverride>>(new()
        {
            ["111"] = new GroupOverride { Packs = ["p", "qq"] },
            ["222"] = new GroupOverride { Packs = ["pp"] },
            ["333"] = new GroupOverride { Packs = ["q"] },
            ["444"] = new GroupOverride { DryRun = true },
        });
        var log = new LogCollector<RuleSetProvider>();
        var provider = new RuleSetProvider(new SettableOptions<RulesOptions>(new RulesOptions { Path = dir.Path }), TimeProvider.System, log, groups: groups);

        Assert.True(provider.Reload());

        Assert.Equal(
            [
                "GroupGuard:Groups:111:Packs names 'qq', which the rules folder has no pack of (its packs: p, q): it is moderated by the others it names only",
                "GroupGuard:Groups:222:Packs names 'pp', which the rules folder has no pack of (its packs: p, q): no pack moderates it",
            ],
            provider.Status.Warnings);
        Assert.Equal(2, log.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("GroupGuard:Groups:", StringComparison.Ordinal)));

        // The settings mended (appsettings.json edited): the warnings go without a rules reload.
        groups.Set(new() { ["111"] = new GroupOverride { Packs = ["p", "q"] }, ["222"] = new GroupOverride { Packs = ["p"] } });

        Assert.Empty(provider.Status.Warnings);
        Assert.True(provider.Status.Healthy);
    }

    [Fact]
    public void A_reload_logs_only_the_warnings_new_since_the_last_load_and_counts_the_rest_in_one_line()
    {
        using var dir = Folder();
        dir.Write("allow_654321.txt", "加微信\n");
        var log = new LogCollector<RuleSetProvider>();
        var provider = new RuleSetProvider(new SettableOptions<RulesOptions>(new RulesOptions { Path = dir.Path }), TimeProvider.System, log);
        List<LogEntry> Said(int from) => [.. log.Entries.Skip(from)];

        // The start: every warning.
        Assert.True(provider.Reload());
        Assert.Single(log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("allow_654321.txt", StringComparison.Ordinal));

        // A reload with one more (an edit, or a /gg 放行): that one is logged, the old one counted.
        var before = log.Entries.Count;
        dir.Write("Allow-777.txt", "刷单\n");
        Assert.True(provider.Reload());
        var warned = Assert.Single(Said(before), e => e.Level == LogLevel.Warning);
        Assert.Contains("Allow-777.txt", warned.Message, StringComparison.Ordinal);
        Assert.Contains(Said(before), e => e.Level == LogLevel.Information && e.Message == "Rules: 1 warning unchanged since the last load, not logged again; rules check and /healthz list them");

        // A broken edit and its mending: errors each time, no warning said again.
        before = log.Entries.Count;
        dir.Write("p.yaml", "pack: p\nrules:\n  - id: p.a\n    severity: dire\n    terms: [加微信]\n");
        Assert.False(provider.Reload());
        dir.Write("p.yaml", "pack: p\nrules:\n  - id: p.a\n    terms: [加微信, 刷单]\n");
        Assert.True(provider.Reload());
        Assert.DoesNotContain(Said(before), e => e.Level == LogLevel.Warning);
        Assert.Contains(Said(before), e => e.Message.StartsWith("Rules: 2 warnings unchanged since the last load", StringComparison.Ordinal));

        // Everything is still listed where it is looked up.
        Assert.Equal(2, provider.Status.Warnings.Count);

        // A warning mended and then back again is new again.
        File.Delete(dir.File("Allow-777.txt"));
        Assert.True(provider.Reload());
        before = log.Entries.Count;
        dir.Write("Allow-777.txt", "刷单\n");
        Assert.True(provider.Reload());
        Assert.Contains("Allow-777.txt", Assert.Single(Said(before), e => e.Level == LogLevel.Warning).Message, StringComparison.Ordinal);
    }
}
