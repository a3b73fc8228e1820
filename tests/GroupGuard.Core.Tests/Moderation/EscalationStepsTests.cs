using GroupGuard.Core.Moderation;

namespace GroupGuard.Core.Tests.Moderation;

/// <summary>Escalation steps an operator writes: the slips that would punish members harder than meant are refused at start, by key.</summary>
public sealed class EscalationStepsTests
{
    private const string Key = "GroupGuard:Moderation:Escalation";

    private static EscalationStep Step(int count, ModerationAction action, int minutes = 10) => new() { Count = count, Action = action, MuteMinutes = minutes };

    private static List<string> Check(params EscalationStep[] steps)
    {
        var failures = new List<string>();
        ModerationOptionsValidator.CheckSteps([.. steps], Key, failures);
        return failures;
    }

    [Fact]
    public void The_default_steps_and_a_steady_climb_to_a_kick_are_taken()
    {
        Assert.Empty(Check([.. new ModerationOptions().Steps]));
        Assert.Empty(Check(Step(1, ModerationAction.Warn), Step(2, ModerationAction.Mute, 10), Step(3, ModerationAction.Mute, 60), Step(5, ModerationAction.Kick)));
        Assert.Empty(Check(Step(3, ModerationAction.Mute, 60), Step(2, ModerationAction.Mute, 10))); // written out of order, climbing all the same
    }

    [Fact]
    public void A_kick_at_the_first_offence_is_refused_naming_the_step()
    {
        var failure = Assert.Single(Check(Step(1, ModerationAction.Kick)));

        Assert.StartsWith($"{Key}:0 kicks at the first offence", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ModerationAction.Kick, 10, ModerationAction.Mute, 60, "(mute 60 min at offence 3) is milder than")]
    [InlineData(ModerationAction.Mute, 60, ModerationAction.Mute, 10, "(mute 10 min at offence 3) is milder than")]
    [InlineData(ModerationAction.Mute, 10, ModerationAction.Warn, 10, "(warn at offence 3) is milder than")]
    public void A_later_offence_with_a_milder_step_is_refused(ModerationAction second, int secondMinutes, ModerationAction third, int thirdMinutes, string words)
    {
        var failure = Assert.Single(Check(Step(2, second, secondMinutes), Step(3, third, thirdMinutes)));

        Assert.StartsWith($"{Key}:1 ", failure, StringComparison.Ordinal);
        Assert.Contains(words, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_steps_for_one_offence_are_refused()
    {
        var failure = Assert.Single(Check(Step(2, ModerationAction.Mute, 10), Step(2, ModerationAction.Mute, 30)));

        Assert.Contains("Count 2 is the Count of", failure, StringComparison.Ordinal);
    }
}
