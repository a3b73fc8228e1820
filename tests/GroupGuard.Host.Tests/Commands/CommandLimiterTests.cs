using GroupGuard.Host.Commands;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Commands;

public sealed class CommandLimiterTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_member_has_ten_a_minute_and_is_told_once_when_over_and_when_to_try_again()
    {
        var limiter = new CommandLimiter(_clock);

        for (var i = 0; i < CommandLimiter.PerUser; i++)
        {
            Assert.Equal(CommandAllowance.Allowed, limiter.Take("qq", "1", "a").Allowance);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        // Ten commands at 0 s to 9 s, the eleventh at 10 s: the first leaves the window at 60 s.
        var over = limiter.Take("qq", "1", "a");
        Assert.Equal(CommandAllowance.LimitedTell, over.Allowance);
        Assert.Equal("命令太频繁，请 50 秒后再试", GroupCommands.TooFrequent(over));
        Assert.Equal(CommandAllowance.LimitedQuiet, limiter.Take("qq", "1", "a").Allowance);
        Assert.Equal(CommandAllowance.Allowed, limiter.Take("qq", "1", "b").Allowance); // another admin of the group
        Assert.Equal(CommandAllowance.Allowed, limiter.Take("qq", "2", "a").Allowance); // the same admin in another group

        // Half a second short of it, the wait is still a whole second; then the first's place is free again.
        _clock.Advance(TimeSpan.FromSeconds(49.5));
        Assert.Equal("命令太频繁，请 1 秒后再试", GroupCommands.TooFrequent(limiter.Take("qq", "1", "a")));
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(CommandAllowance.Allowed, limiter.Take("qq", "1", "a").Allowance);
        Assert.Equal(CommandAllowance.LimitedQuiet, limiter.Take("qq", "1", "a").Allowance); // told within the last minute already
    }

    [Fact]
    public void A_group_has_twenty_a_minute_however_many_admins_it_has_and_says_it_is_the_group_s()
    {
        var limiter = new CommandLimiter(_clock);

        for (var i = 0; i < CommandLimiter.PerGroup; i++)
        {
            Assert.Equal(CommandAllowance.Allowed, limiter.Take("qq", "1", $"admin{i}").Allowance);
        }

        _clock.Advance(TimeSpan.FromSeconds(20));
        var over = limiter.Take("qq", "1", "another");
        Assert.Equal(CommandAllowance.LimitedTell, over.Allowance);
        Assert.Equal("本群命令太频繁，请 40 秒后再试", GroupCommands.TooFrequent(over)); // not theirs: they typed nothing before
        Assert.Equal(CommandAllowance.LimitedQuiet, limiter.Take("qq", "1", "yet-another").Allowance);
        Assert.Equal(CommandAllowance.Allowed, limiter.Take("wechat", "1", "another").Allowance); // the same id on another platform is another group

        _clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(CommandAllowance.Allowed, limiter.Take("qq", "1", "another").Allowance);
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
