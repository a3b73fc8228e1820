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

}
