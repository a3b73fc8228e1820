using GroupGuard.Core.Digests;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace GroupGuard.Core.Tests;

/// <summary>One plain value where a setting takes a list, which the binder ignores without a word.</summary>
public sealed class SettingsShapeTests
{
    private static IConfigurationRoot Settings(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void One_value_where_a_list_is_taken_is_named_with_how_a_list_is_written_at_any_depth()
    {
        var settings = Settings(
            ("GroupGuard:Moderation:ExemptUsers", "10001"),                 // as GroupGuard__Moderation__ExemptUsers=10001 gives it
            ("GroupGuard:Moderation:Escalation:0:Action", "mute"),
            ("GroupGuard:Groups:123:Packs", "ads"),                         // inside a map's entry
            ("GroupGuard:Groups:456:Packs:0", "ads"),                       // a list: fine
            ("GroupGuard:Groups:789", "on"));                               // a whole entry as one value: the binder's check says so

        // What the service would otherwise run with: no exempt user, group 123 with every pack.
        Assert.Empty(settings.GetSection(ModerationOptions.Section).Get<ModerationOptions>()!.ExemptUsers);
        Assert.Null(settings.GetSection(SettingsEntries.GroupsSection).Get<Dictionary<string, GroupOverride>>()!["123"].Packs);

        var failures = new List<string>();
        SettingsShape.Check(settings.GetSection(ModerationOptions.Section), typeof(ModerationOptions), failures);
        SettingsShape.Check(settings.GetSection(SettingsEntries.GroupsSection), typeof(Dictionary<string, GroupOverride>), failures);

        Assert.Equal(
            [
                "GroupGuard:Moderation:ExemptUsers holds one value where it takes a list, and would be ignored: write it as a list (JSON \"ExemptUsers\": [ … ]; environment GroupGuard__Moderation__ExemptUsers__0=…, GroupGuard__Moderation__ExemptUsers__1=…)",
                "GroupGuard:Groups:123:Packs holds one value where it takes a list, and would be ignored: write it as a list (JSON \"Packs\": [ … ]; environment GroupGuard__Groups__123__Packs__0=…, GroupGuard__Groups__123__Packs__1=…)",
            ],
            failures);
    }

    /// <summary>A list of settings objects (the leaders), each with lists of its own; and a map given one value.</summary>
    [Fact]
    public void A_list_of_objects_is_looked_into_and_a_map_given_one_value_is_named_as_a_map()
    {
        var settings = Settings(
            ("GroupGuard:Digests:Leaders:0:Name", "wang"),
            ("GroupGuard:Digests:Leaders:0:Groups", "*"),
            ("GroupGuard:Digests:Leaders:0:Channels:0", "wang-mail"),
            ("GroupGuard:Digests:Leaders:1:Name", "li"),
            ("GroupGuard:Digests:Leaders:1:Channels", "li-mail"),
            ("GroupGuard:Groups", "123"));

        var failures = new List<string>();
        SettingsShape.Check(settings.GetSection("GroupGuard:Digests:Leaders"), typeof(List<LeaderOptions>), failures);
        SettingsShape.Check(settings.GetSection(SettingsEntries.GroupsSection), typeof(Dictionary<string, GroupOverride>), failures);

        Assert.Equal(3, failures.Count);
        Assert.StartsWith("GroupGuard:Digests:Leaders:0:Groups holds one value where it takes a list", failures[0], StringComparison.Ordinal);
        Assert.StartsWith("GroupGuard:Digests:Leaders:1:Channels holds one value where it takes a list", failures[1], StringComparison.Ordinal);
        Assert.Equal(
            "GroupGuard:Groups holds one value where it takes named entries, and would be ignored: write it as an object of entries (JSON \"Groups\": { \"name\": … }; environment GroupGuard__Groups__<name>__…)",
            failures[2]);
    }

    /// <summary>
    /// Lists written as lists, empty ones (an empty JSON array; an empty variable to clear one) and
    /// settings that are plain values pass; the validator reads the section as it is at each
    /// validation, so a reload that brings the mistake fails the settings (the last good stay).
    /// </summary>
    [Fact]
    public void Lists_written_as_lists_and_empty_values_pass_and_the_validator_follows_a_reload()
    {
        var settings = Settings(
            ("GroupGuard:Moderation:ExemptUsers:0", "10001"),
            ("GroupGuard:Moderation:ExemptUsers:1", "10002"),
            ("GroupGuard:Moderation:DryRun", "true"),
            ("GroupGuard:Moderation:Escalation", ""));
        var validator = new SettingsShapeValidator<ModerationOptions>(settings.GetSection(ModerationOptions.Section));

        Assert.True(validator.Validate(Options.DefaultName, new ModerationOptions()).Succeeded);

        settings["GroupGuard:Moderation:ExemptUsers:0"] = null;
        settings["GroupGuard:Moderation:ExemptUsers:1"] = null;
        settings["GroupGuard:Moderation:ExemptUsers"] = "10003";
        var failed = validator.Validate(Options.DefaultName, new ModerationOptions());

        Assert.True(failed.Failed);
        Assert.StartsWith("GroupGuard:Moderation:ExemptUsers holds one value where it takes a list", Assert.Single(failed.Failures!), StringComparison.Ordinal);
    }
    /// <summary>
    /// A misspelt key is no setting, and the binder leaves it out without a word: the service ran
    /// on what it was meant to replace (a misspelt connection string left it on a new, empty
    /// database beside the configured one). It is named with the setting it was probably meant as,
    /// at any depth (a group's entry, an escalation step); one near no setting names the section's
    /// settings; keys that differ from a setting only in case are the setting, as the binder reads them.
    /// </summary>
    [Fact]
    public void A_key_that_is_no_setting_is_named_with_the_setting_it_was_probably_meant_as()
    {
        var settings = Settings(
            ("GroupGuard:Moderation:dryrun", "true"),                          // case is no mistake
            ("GroupGuard:Moderation:EscalationWindowHour", "12"),
            ("GroupGuard:Moderation:Escalation:0:Cuont", "2"),
            ("GroupGuard:Moderation:Colour", "blue"),
            ("GroupGuard:Groups:123:Pack:0", "ads"));

        var failures = new List<string>();
        SettingsShape.Check(settings.GetSection(ModerationOptions.Section), typeof(ModerationOptions), failures);
        SettingsShape.Check(settings.GetSection(SettingsEntries.GroupsSection), typeof(Dictionary<string, GroupOverride>), failures);

        Assert.Equal(4, failures.Count);
        Assert.Contains("GroupGuard:Moderation:EscalationWindowHour is not a setting and would be ignored: probably meant GroupGuard:Moderation:EscalationWindowHours", failures);
        Assert.Contains("GroupGuard:Moderation:Escalation:0:Cuont is not a setting and would be ignored: probably meant GroupGuard:Moderation:Escalation:0:Count", failures);
        Assert.Contains("GroupGuard:Groups:123:Pack is not a setting and would be ignored: probably meant GroupGuard:Groups:123:Packs", failures);
        var colour = Assert.Single(failures, f => f.StartsWith("GroupGuard:Moderation:Colour is not a setting and would be ignored: remove it, or write one of the settings of GroupGuard:Moderation: ", StringComparison.Ordinal));
        Assert.Contains("DryRun", colour, StringComparison.Ordinal);
        Assert.Contains("EscalationWindowHours", colour, StringComparison.Ordinal);
    }
}
