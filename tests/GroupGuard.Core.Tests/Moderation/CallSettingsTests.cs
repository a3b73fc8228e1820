using GroupGuard.Core.Moderation;

namespace GroupGuard.Core.Tests.Moderation;

/// <summary>The call settings every adapter checks at start-up: each failure names its key and value.</summary>
public sealed class CallSettingsTests
{
    private static List<string> Check(double perSecond = 2, double timeout = 5, double budget = 20, int attempts = 3)
    {
        var failures = new List<string>();
        CallSettings.Check(failures, "GroupGuard:Test", perSecond, timeout, budget, attempts);
        return failures;
    }

    [Fact]
    public void The_defaults_and_the_bounds_themselves_are_accepted()
    {
        Assert.Empty(Check());
        Assert.Empty(Check(perSecond: CallSettings.MinPerSecond, timeout: 0.1, budget: 0.1, attempts: 1));
        Assert.Empty(Check(perSecond: CallSettings.MaxPerSecond, timeout: CallSettings.MaxTimeoutSeconds, budget: CallSettings.MaxBudgetSeconds, attempts: CallSettings.MaxAttempts));
    }

    [Fact]
    public void Values_past_what_the_clock_can_count_are_refused_at_start_rather_than_failing_every_action()
    {
        var failures = Check(perSecond: 1e-12, timeout: 1e12, budget: double.MaxValue, attempts: int.MaxValue);

        Assert.Equal(
            [
                "GroupGuard:Test:MaxActionsPerSecond must be at least 0.01 (one call every 100 s), got 1E-12",
                "GroupGuard:Test:ActionTimeoutSeconds must be at most 300 s, got 1000000000000",
                "GroupGuard:Test:ActionBudgetSeconds must be at most 3600 s, got 1.7976931348623157E+308",
                "GroupGuard:Test:MaxAttempts must be at most 100, got 2147483647",
            ],
            failures);
    }

    [Fact]
    public void Zero_negative_infinite_and_not_a_number_are_refused()
    {
        var failures = Check(perSecond: double.PositiveInfinity, timeout: 0, budget: double.NaN, attempts: 0);

        Assert.Equal(
            [
                "GroupGuard:Test:MaxActionsPerSecond must be a number greater than 0, got Infinity",
                "GroupGuard:Test:ActionTimeoutSeconds must be a number greater than 0, got 0",
                "GroupGuard:Test:ActionBudgetSeconds must be a number greater than 0, got NaN",
                "GroupGuard:Test:MaxAttempts must be at least 1, got 0",
            ],
            failures);
    }

    [Fact]
    public void A_budget_shorter_than_one_timeout_is_refused_naming_both_keys()
    {
        var failure = Assert.Single(Check(timeout: 10, budget: 5));

        Assert.Equal("GroupGuard:Test:ActionBudgetSeconds (5) must be at least GroupGuard:Test:ActionTimeoutSeconds (10), or not even one call could run to its timeout", failure);
    }

    [Fact]
    public void A_rate_too_fast_for_any_platform_is_refused()
    {
        Assert.Equal(["GroupGuard:Test:MaxActionsPerSecond must be at most 1000, got 5000"], Check(perSecond: 5000));
    }
}
