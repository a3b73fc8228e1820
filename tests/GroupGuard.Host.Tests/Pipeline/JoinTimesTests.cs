using GroupGuard.Core;
using GroupGuard.Core.Members;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Pipeline;

public sealed class JoinTimesTests
{
    private static readonly DateTimeOffset Now = new(2025, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private sealed class FakeAdapter(DateTimeOffset? answer) : IMemberJoinTimes
    {
        public List<string> Asked { get; } = [];

        public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.OneBotV11];

        public Task<DateTimeOffset?> GetJoinTimeAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken)
        {
            Asked.Add(userId);
            return Task.FromResult(answer);
        }
    }

    /// <summary>A platform that never answers: its call ends only when cancelled.</summary>
    private sealed class SilentAdapter : IMemberJoinTimes
    {
        public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.OneBotV11];

        public async Task<DateTimeOffset?> GetJoinTimeAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        }
    }

    private static Task<DateTimeOffset?> AskAsync(JoinTimes times, string userId, Protocol protocol = Protocol.OneBotV11) =>
        times.JoinedAtAsync(protocol, "qq", "10001", "123456", userId, CancellationToken.None);

    [Fact]
    public async Task A_join_notice_answers_without_asking_the_platform()
    {
        var adapter = new FakeAdapter(Now.AddDays(-30));
        var times = new JoinTimes([adapter], new FakeTimeProvider(Now));

        times.Joined("qq", "123456", "1", Now.AddMinutes(-5));

        Assert.Equal(Now.AddMinutes(-5), await AskAsync(times, "1"));
        Assert.Empty(adapter.Asked);
    }

    [Fact]
    public async Task Of_two_joins_seen_the_later_stands()
    {
        var times = new JoinTimes([new FakeAdapter(null)], new FakeTimeProvider(Now));

        // A member who left and came back: the notice of the new join, then a message whose member
        // entry (an implementation's stale cache) still says the first.
        times.Joined("qq", "123456", "6", Now.AddMinutes(-5));
        times.Joined("qq", "123456", "6", Now.AddDays(-300));
        Assert.Equal(Now.AddMinutes(-5), await AskAsync(times, "6"));

        times.Joined("qq", "123456", "6", Now.AddMinutes(-1));
        Assert.Equal(Now.AddMinutes(-1), await AskAsync(times, "6"));
    }

    [Fact]
    public async Task The_platforms_answer_is_remembered()
    {
        var adapter = new FakeAdapter(Now.AddDays(-30));
        var times = new JoinTimes([adapter], new FakeTimeProvider(Now));

        Assert.Equal(Now.AddDays(-30), await AskAsync(times, "2"));
        Assert.Equal(Now.AddDays(-30), await AskAsync(times, "2"));
        Assert.Equal(["2"], adapter.Asked);
    }

    [Fact]
    public async Task An_unknown_answer_is_asked_again_only_after_ten_minutes()
    {
        var adapter = new FakeAdapter(null);
        var clock = new FakeTimeProvider(Now);
        var times = new JoinTimes([adapter], clock);

        Assert.Null(await AskAsync(times, "3"));
        clock.Advance(JoinTimes.UnknownLifetime - TimeSpan.FromSeconds(1));
        Assert.Null(await AskAsync(times, "3"));
        Assert.Single(adapter.Asked);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await AskAsync(times, "3"));
        Assert.Equal(2, adapter.Asked.Count);

        // A notice afterwards is believed at once.
        times.Joined("qq", "123456", "3", Now);
        Assert.Equal(Now, await AskAsync(times, "3"));
    }

    [Fact]
    public async Task A_protocol_without_an_adapter_knows_nothing()
    {
        var adapter = new FakeAdapter(Now);
        var times = new JoinTimes([adapter], new FakeTimeProvider(Now));

        Assert.Null(await AskAsync(times, "4", Protocol.Milky));
        Assert.Empty(adapter.Asked);
    }

    [Fact]
    public async Task The_least_recently_used_member_is_forgotten_first()
    {
        var adapter = new FakeAdapter(null);
        var times = new JoinTimes([adapter], new FakeTimeProvider(Now));
        times.Joined("qq", "123456", "first", Now);
        times.Joined("qq", "123456", "second", Now);
        Assert.Equal(Now, await AskAsync(times, "first")); // used again: "second" is now the oldest

        for (var i = 0; i < JoinTimes.Capacity - 1; i++)
        {
            times.Joined("qq", "123456", "m" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Now);
        }

        Assert.Equal(Now, await AskAsync(times, "first"));
        Assert.Null(await AskAsync(times, "second"));
        Assert.Equal(["second"], adapter.Asked);
    }

    [Fact]
    public async Task A_platform_that_does_not_answer_is_given_up_after_five_seconds_of_the_services_clock()
    {
        var clock = new FakeTimeProvider(Now);
        var times = new JoinTimes([new SilentAdapter()], clock);

        var asking = AskAsync(times, "5");
        clock.Advance(JoinTimes.LookupTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(asking.IsCompleted); // no real time counts: only the clock the service is given

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await asking.Within("the lookup to be given up"));

        // Unknown, and remembered as such: the next message does not wait again.
        var again = AskAsync(times, "5");
        Assert.True(again.IsCompleted);
        Assert.Null(await again);
    }
}
