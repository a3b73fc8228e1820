using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Configuration;

namespace GroupGuard.Core.Tests.Moderation;

/// <summary><c>GroupGuard:Groups:&lt;id&gt;:ExemptUsers</c>: the members one group trusts, checked at start under their own name.</summary>
public sealed class GroupTrustOptionsTests
{
    [Fact]
    public void A_groups_trusted_members_bind_from_settings_for_that_group_only()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GroupGuard:Groups:123456:ExemptUsers:0"] = "10001",
            ["GroupGuard:Groups:123456:ExemptUsers:1"] = "wangls",
            ["GroupGuard:Groups:654321:DryRun"] = "true",
        }).Build();

        var groups = settings.GetSection(SettingsEntries.GroupsSection).Get<Dictionary<string, GroupOverride>>()!;

        Assert.True(groups["123456"].Trusts("10001"));
        Assert.True(groups["123456"].Trusts("wangls"));
        Assert.False(groups["123456"].Trusts("10002"));
        Assert.False(groups["654321"].Trusts("10001"));
        Assert.True(new GroupOverridesValidator().Validate(null, groups).Succeeded);
    }

    [Fact]
    public void An_id_no_member_has_is_refused_naming_the_setting_and_the_entry()
    {
        var groups = new Dictionary<string, GroupOverride> { ["123456"] = new() { ExemptUsers = ["10001", "10002 ", "王老师"] } };

        var result = new GroupOverridesValidator().Validate(null, groups);

        Assert.True(result.Failed);
        Assert.Equal(
            [
                "GroupGuard:Groups:123456:ExemptUsers:1 is no user id (a QQ number or the platform's id: letters, digits, _ - . : @, no spaces, at most 64 characters), got '10002 ': it would spare no member",
                "GroupGuard:Groups:123456:ExemptUsers:2 is no user id (a QQ number or the platform's id: letters, digits, _ - . : @, no spaces, at most 64 characters), got '王老师': it would spare no member",
            ],
            result.Failures);
    }

    [Fact]
    public void More_than_two_hundred_trusted_members_in_a_group_are_refused()
    {
        var many = Enumerable.Range(10001, GroupOverride.MaxTrusted + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var groups = new Dictionary<string, GroupOverride> { ["123456"] = new() { ExemptUsers = many } };

        var result = new GroupOverridesValidator().Validate(null, groups);

        Assert.Equal("GroupGuard:Groups:123456:ExemptUsers lists 201 members; a group trusts at most 200", Assert.Single(result.Failures!));
        Assert.True(new GroupOverridesValidator().Validate(null, new Dictionary<string, GroupOverride> { ["123456"] = new() { ExemptUsers = many[..200] } }).Succeeded);
    }

    [Fact]
    public void One_value_where_the_list_is_taken_is_named_as_for_the_service_wide_list()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GroupGuard:Groups:123456:ExemptUsers"] = "10001", // as GroupGuard__Groups__123456__ExemptUsers=10001 gives it
        }).Build();
        var failures = new List<string>();

        SettingsShape.Check(settings.GetSection(SettingsEntries.GroupsSection), typeof(Dictionary<string, GroupOverride>), failures);

        Assert.StartsWith("GroupGuard:Groups:123456:ExemptUsers holds one value where it takes a list", Assert.Single(failures), StringComparison.Ordinal);
    }
}
