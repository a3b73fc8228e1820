using GroupGuard.Core.Moderation;
using GroupGuard.Testing;

namespace GroupGuard.Core.Tests.Moderation;

/// <summary>Retention that deletes must keep every offence the escalation window still counts.</summary>
public sealed class RetentionSettingsTests
{
    /// <summary>The settings bound and checked as at the service's start; the failure message, or null.</summary>
    private static string? Check(string mode, int days, int windowHours)
    {
        var moderation = new SettableOptions<ModerationOptions>(new ModerationOptions { EscalationWindowHours = windowHours });
        var privacy = new PrivacyOptions { RetentionMode = Enum.Parse<RetentionMode>(mode, ignoreCase: true), RetentionDays = days };
        var result = new PrivacyOptionsValidator(moderation).Validate(null, privacy);
        return result.Failed ? result.FailureMessage : null;
    }

    [Fact]
    public void Deleting_offences_the_escalation_window_still_counts_stops_the_start_naming_both_settings()
    {
        var error = Check("delete", 7, 720);

        Assert.NotNull(error);
        Assert.Contains("GroupGuard:Privacy:RetentionDays is 7 with RetentionMode delete", error, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Moderation:EscalationWindowHours (720)", error, StringComparison.Ordinal);
        Assert.Contains("keep at least 30 days", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("delete", 30, 720)] // just enough
    [InlineData("delete", 1, 24)] // the default window
    [InlineData("mask", 7, 720)] // masking keeps the offence, without its text
    public void Retention_that_keeps_what_escalation_counts_is_taken(string mode, int days, int windowHours) =>
        Assert.Null(Check(mode, days, windowHours));
}
