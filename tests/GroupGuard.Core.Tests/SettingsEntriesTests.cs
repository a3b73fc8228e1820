using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Configuration;

namespace GroupGuard.Core.Tests;

/// <summary>Entries of lists and dictionaries of settings that the binder would leave out without a word.</summary>
public sealed class SettingsEntriesTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void The_binder_drops_an_entry_with_a_value_of_the_wrong_kind_and_the_check_names_it()
    {
        var settings = Settings(
            ("GroupGuard:Groups:123:DryRun", "yes"),
            ("GroupGuard:Groups:123:Packs:0", "ads"),
            ("GroupGuard:Groups:456:DryRun", "true"),
            ("GroupGuard:Moderation:Escalation:0:Action", "ban"),
            ("GroupGuard:Moderation:Escalation:1:Action", "Kick"),
            ("GroupGuard:Moderation:Escalation:1:Count", "3"));

        // What the service would otherwise run with: group 123's dry run and pack list gone, the first step gone.
        var groups = settings.GetSection("GroupGuard:Groups").Get<Dictionary<string, GroupOverride>>()!;
        var moderation = settings.GetSection(ModerationOptions.Section).Get<ModerationOptions>()!;
        Assert.Equal(["456"], groups.Keys);
        Assert.Equal([ModerationAction.Kick], moderation.Escalation!.Select(s => s.Action));

        var failures = new List<string>();
        SettingsEntries.Check<GroupOverride>(settings, "GroupGuard:Groups", failures);
        SettingsEntries.Check<EscalationStep>(settings, "GroupGuard:Moderation:Escalation", failures);

        Assert.Equal(2, failures.Count);
        Assert.StartsWith("Failed to convert configuration value 'yes' at 'GroupGuard:Groups:123:DryRun' to type 'System.Boolean'.", failures[0], StringComparison.Ordinal);
        Assert.EndsWith("(left so, the whole of GroupGuard:Groups:123 would be ignored without a word)", failures[0], StringComparison.Ordinal);
        Assert.StartsWith("Failed to convert configuration value 'ban' at 'GroupGuard:Moderation:Escalation:0:Action'", failures[1], StringComparison.Ordinal);
        Assert.Contains("Use one of: log, warn, recall, mute, kick.", failures[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Entries_that_bind_and_sections_that_are_absent_pass()
    {
        var settings = Settings(("GroupGuard:Groups:123:DryRun", "True"), ("GroupGuard:Groups:123:Escalation:0:Action", "MUTE"));
        var failures = new List<string>();

        SettingsEntries.Check<GroupOverride>(settings, "GroupGuard:Groups", failures);
        SettingsEntries.Check<EscalationStep>(settings, "GroupGuard:Groups:123:Escalation", failures);
        SettingsEntries.Check<EscalationStep>(settings, "GroupGuard:Moderation:Escalation", failures);

        Assert.Empty(failures);
    }
}
