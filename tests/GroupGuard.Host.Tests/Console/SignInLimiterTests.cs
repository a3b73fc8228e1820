using System.Net;
using GroupGuard.Host.WebConsole;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Console;

/// <summary>The sign-in attempts an address may make in a minute, on a fake clock.</summary>
public sealed class SignInLimiterTests
{
    private static readonly IPAddress First = IPAddress.Parse("203.0.113.5");

    [Fact]
    public void Past_the_limit_an_address_waits_for_the_rest_of_its_minute_and_others_do_not()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var limiter = Limiter(clock, perMinute: 3);

        var allowed = new List<TimeSpan?> { limiter.TryAttempt(First) };
        clock.Advance(TimeSpan.FromSeconds(10));
        allowed.Add(limiter.TryAttempt(First));
        allowed.Add(limiter.TryAttempt(First));
        var refused = limiter.TryAttempt(First);
        var other = limiter.TryAttempt(IPAddress.Parse("198.51.100.7"));
        clock.Advance(TimeSpan.FromSeconds(49));
        var stillRefused = limiter.TryAttempt(First);
        clock.Advance(TimeSpan.FromSeconds(1));
        var again = limiter.TryAttempt(First);

        Assert.All(allowed, Assert.Null);
        Assert.Equal(TimeSpan.FromSeconds(50), refused); // the minute began at the first attempt, 10 s before
        Assert.Null(other);
        Assert.Equal(TimeSpan.FromSeconds(1), stillRefused);
        Assert.Null(again);
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true)] // one /64, which one client usually holds whole
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("203.0.113.5", "::ffff:203.0.113.5", true)]
    [InlineData("203.0.113.5", "203.0.113.6", false)]
    public void Addresses_are_counted_by_client(string one, string another, bool together)
    {
        var limiter = Limiter(new FakeTimeProvider(), perMinute: 1);

        Assert.Null(limiter.TryAttempt(IPAddress.Parse(one)));
        Assert.Equal(together, limiter.TryAttempt(IPAddress.Parse(another)) is not null);
    }

    [Fact]
    public void Past_the_addresses_it_tells_apart_new_ones_share_one_allowance_until_a_minute_has_freed_room()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var limiter = Limiter(clock, perMinute: 1);
        for (var i = 0; i < SignInLimiter.MaxAddresses; i++)
        {
            Assert.Null(limiter.TryAttempt(new IPAddress(0x0A000000 + i))); // each address its own
        }

        var firstNew = limiter.TryAttempt(IPAddress.Parse("198.51.100.1"));
        var secondNew = limiter.TryAttempt(IPAddress.Parse("198.51.100.2"));
        var known = limiter.TryAttempt(new IPAddress(0x0A000000));
        var toldApart = limiter.Count;
        clock.Advance(SignInLimiter.Window);
        var afterAMinute = limiter.TryAttempt(IPAddress.Parse("198.51.100.2"));
        var thirdNew = limiter.TryAttempt(IPAddress.Parse("198.51.100.3"));

        Assert.Equal(SignInLimiter.MaxAddresses, toldApart);
        Assert.Null(firstNew);
        Assert.NotNull(secondNew); // the shared allowance was spent by the first
        Assert.NotNull(known);
        Assert.Null(afterAMinute);
        Assert.Null(thirdNew); // its own again: the sweep made room
        Assert.Equal(2, limiter.Count);
    }

    private static SignInLimiter Limiter(FakeTimeProvider clock, int perMinute) =>
        new(new Fixed(new ConsoleOptions { SignInAttemptsPerMinute = perMinute }), clock, NullLogger<SignInLimiter>.Instance);

    private sealed class Fixed(ConsoleOptions value) : IOptionsMonitor<ConsoleOptions>
    {
        public ConsoleOptions CurrentValue => value;

        public ConsoleOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ConsoleOptions, string?> listener) => null;
    }
}
