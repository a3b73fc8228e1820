using GroupGuard.Core.Members;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Core.Tests.Moderation;

/// <summary>A group's settings with the packs changed (a picture's built-in pack added) keep every other setting.</summary>
public sealed class GroupOverrideTests
{
    [Fact]
    public void A_group_limited_to_some_packs_keeps_its_announcements_join_screening_and_the_rest_when_a_pack_is_added()
    {
        // A group that announces every recall and screens its own join requests, with its own packs:
        // its picture incidents (the built-in pack added to its list) were judged without either.
        var group = new GroupOverride
        {
            Packs = ["ads"],
            DryRun = true,
            Escalation = [new EscalationStep { Count = 2, Action = ModerationAction.Kick }],
            Announce = Announcements.All,
            Join = new JoinOverride { AutoApprove = true },
            ExemptUsers = ["10001"],
        };

        var pictures = group.WithPacks(["ads", "images"]);

        Assert.Equal(["ads", "images"], pictures.Packs);
        Assert.Equal(["ads"], group.Packs); // the group's own settings are not changed
        foreach (var property in typeof(GroupOverride).GetProperties().Where(p => p.Name != nameof(GroupOverride.Packs)))
        {
            Assert.NotNull(property.GetValue(group)); // every setting is set above, so none can be dropped unseen
            Assert.Equal(property.GetValue(group), property.GetValue(pictures));
        }
    }
}
