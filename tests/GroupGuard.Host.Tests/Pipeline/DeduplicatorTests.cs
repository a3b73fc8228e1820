using GroupGuard.Host.Pipeline;

namespace GroupGuard.Host.Tests.Pipeline;

public sealed class DeduplicatorTests
{
    [Fact]
    public void A_key_passes_once_while_it_is_remembered()
    {
        var dedupe = new Deduplicator(capacity: 3);

        Assert.True(dedupe.TryAdd("onebot:10001:42"));
        Assert.False(dedupe.TryAdd("onebot:10001:42"));
        Assert.True(dedupe.TryAdd("onebot:10001:43"));
        Assert.True(dedupe.TryAdd("onebot:10002:42"));
        Assert.True(dedupe.TryAdd("milky:10001:42"));

        // Four keys into three places: the oldest is forgotten and may pass again.
        Assert.True(dedupe.TryAdd("onebot:10001:42"));
        Assert.False(dedupe.TryAdd("milky:10001:42"));
    }

    [Fact]
    public void A_forgotten_key_passes_again()
    {
        var dedupe = new Deduplicator();
        Assert.True(dedupe.TryAdd("qqbot:guild:msg-1"));

        dedupe.Forget("qqbot:guild:msg-1");

        Assert.True(dedupe.TryAdd("qqbot:guild:msg-1"));
        Assert.False(dedupe.TryAdd("qqbot:guild:msg-1"));
    }

    /// <summary>
    /// A key refused (503) and delivered again is remembered for the whole window: the place its
    /// refused offer took no longer takes it along when it leaves, nor counts against the capacity.
    /// Before, the stale place forgot the live key early (its redelivery moderated again), and
    /// every refusal shrank the window by one.
    /// </summary>
    [Fact]
    public void A_key_forgotten_and_offered_again_is_remembered_for_the_whole_window()
    {
        var dedupe = new Deduplicator(capacity: 3);
        Assert.True(dedupe.TryAdd("a"));
        dedupe.Forget("a");
        Assert.True(dedupe.TryAdd("a"));
        Assert.True(dedupe.TryAdd("b"));
        Assert.True(dedupe.TryAdd("c"));

        Assert.False(dedupe.TryAdd("a"));
        Assert.False(dedupe.TryAdd("b"));
        Assert.False(dedupe.TryAdd("c"));
    }

    [Fact]
    public void Refusals_take_no_room_from_the_keys_remembered()
    {
        var dedupe = new Deduplicator(capacity: 3);
        Assert.True(dedupe.TryAdd("a"));
        foreach (var refused in Enumerable.Range(0, 100).Select(n => $"refused-{n}"))
        {
            Assert.True(dedupe.TryAdd(refused));
            dedupe.Forget(refused);
        }

        Assert.True(dedupe.TryAdd("b"));
        Assert.True(dedupe.TryAdd("c"));

        Assert.False(dedupe.TryAdd("a"));
        Assert.False(dedupe.TryAdd("b"));
        Assert.False(dedupe.TryAdd("c"));
        Assert.True(dedupe.TryAdd("d")); // the fourth: the oldest, a, goes
        Assert.True(dedupe.TryAdd("a"));
    }

    [Fact]
    public void Two_hundred_thousand_near_identical_keys_are_each_new_once()
    {
        var dedupe = new Deduplicator(capacity: 300_000);
        var keys = Enumerable.Range(0, 200_000).Select(i => $"onebot:1234567890:{i}").Concat(["", "a", "A", "\u0000", "😀", "onebot:1234567890:1 "]).ToList();

        Assert.All(keys, key => Assert.True(dedupe.TryAdd(key), key));
        Assert.All(keys, key => Assert.False(dedupe.TryAdd(key), key));
    }
}
