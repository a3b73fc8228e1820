using GroupGuard.Host.Commands;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Commands;

public sealed class CommandLimiterTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_member_has_five_a_minute_and_is_told_once_when_over()
    {
        var limiter = new CommandLimiter(_clock);

        for (var i = 0; i < CommandLimiter.PerUser; i++)
        {
            Assert.Equal(CommandAllowance.Allowed, limiter.Take("qq", "1", "a"));
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(CommandAllowance.LimitedTell, limiter.Take("qq", "1", "a"));
        Assert.Equal(CommandAllowance.LimitedQuiet, limiter.Take("qq", "1", "a"));
        Assert.Equal(CommandAllowance.Allowed, limiter.Take("qq", "1", "b")); // another admin of the group
        Assert.Equal(CommandAllowance.Allowed, limiter.Take("qq", "2", "a")); // the same admin in another group

        // The window slides: a minute after the first command, its place is free again.
        _clock.Advance(CommandLimiter.Window - TimeSpan.FromSeconds(CommandLimiter.PerUser));
        Assert.Equal(CommandAllowance.Allowed, limiter.Take("qq", "1", "a"));
        Assert.Equal(CommandAllowance.LimitedQuiet, limiter.Take("qq", "1", "a")); // told within the last minute already
    }

    [Fact]
    public void A_group_has_twenty_a_minute_however_many_admins_it_has()
    {
        var limiter = new CommandLimiter(_clock);

        for (var i = 0; i < CommandLimiter.PerGroup; i++)
        {
            Assert.Equal(CommandAllowance.Allowed, limiter.Take("qq", "1", $"admin{i}"));
        }

        Assert.Equal(CommandAllowance.LimitedTell, limiter.Take("qq", "1", "another"));
        Assert.Equal(CommandAllowance.LimitedQuiet, limiter.Take("qq", "1", "yet-another"));
        Assert.Equal(CommandAllowance.Allowed, limiter.Take("wechat", "1", "another")); // the same id on another platform is another group

        _clock.Advance(CommandLimiter.Window);
        Assert.Equal(CommandAllowance.Allowed, limiter.Take("qq", "1", "another"));
    }

    [Theory]
    [InlineData("/gg", true)]
    [InlineData("!管理", true)]
    [InlineData("", false)]
    [InlineData("/g g", false)]
    [InlineData("/a-prefix-far-too-long", false)]
    public void The_prefix_is_checked_at_start_naming_the_setting(string prefix, bool ok)
    {
        var result = new CommandsOptionsValidator().Validate(null, new CommandsOptions { Prefix = prefix });

        Assert.Equal(ok, result.Succeeded);
        if (!ok)
        {
            Assert.Contains("GroupGuard:Commands:Prefix", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
