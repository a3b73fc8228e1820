using GroupGuard.Core.Members;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Core.Tests.Moderation;

/// <summary><c>GroupGuard:Join</c> and a group's <c>Join</c>: what is in force, and errors that name the setting.</summary>
public sealed class JoinOptionsTests
{
    [Fact]
    public void Unset_the_service_rejects_spam_categories_leaves_clean_requests_and_rejects_blocked_users()
    {
        var policy = JoinOverride.Resolve(new JoinOptions(), null);

        Assert.Equal(new[] { "ads", "fraud", "gambling", "porn" }, policy.RejectOn);
        Assert.Equal((true, false, true), (policy.Enabled, policy.AutoApprove, policy.RejectBlocked));
        Assert.Equal(JoinOptions.DefaultReason, policy.Reason);
    }

    [Fact]
    public void A_groups_own_settings_win_key_by_key_and_an_empty_list_rejects_on_nothing()
    {
        var service = new JoinOptions { RejectOn = ["ads", "porn"], Reason = "服务的理由", AutoApprove = true };

        var policy = JoinOverride.Resolve(service, new JoinOverride { RejectOn = [], Reason = "本群理由" });

        Assert.Empty(policy.RejectOn);
        Assert.Equal(("本群理由", true), (policy.Reason, policy.AutoApprove));
    }

    [Fact]
    public void A_blank_category_or_a_long_reason_is_refused_naming_the_setting()
    {
        var result = new JoinOptionsValidator().Validate(null, new JoinOptions { RejectOn = ["ads", " "], Reason = new string('长', JoinOptions.MaxReasonLength + 1) });

        Assert.True(result.Failed);
        Assert.Contains("GroupGuard:Join:RejectOn:1", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Join:Reason", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_groups_join_settings_are_checked_under_its_own_name()
    {
        var groups = new Dictionary<string, GroupOverride> { ["123456"] = new() { Join = new JoinOverride { Reason = "两行\n理由" } } };

        var result = new GroupOverridesValidator().Validate(null, groups);

        Assert.True(result.Failed);
        Assert.Contains("GroupGuard:Groups:123456:Join:Reason must be one line", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_group_whose_id_is_none_is_refused_since_its_settings_would_apply_to_no_group()
    {
        var groups = new Dictionary<string, GroupOverride> { ["123456 "] = new() { DryRun = true }, ["654321"] = new() { DryRun = true } };

        var result = new GroupOverridesValidator().Validate(null, groups);

        Assert.True(result.Failed);
        Assert.Equal("GroupGuard:Groups:123456  is no group id (letters, digits, _ - . : @, no spaces): its settings would apply to no group", Assert.Single(result.Failures!));
    }
}
