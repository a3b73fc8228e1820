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

    [Fact]
    public void Two_hundred_thousand_near_identical_keys_are_each_new_once()
    {
        var dedupe = new Deduplicator(capacity: 300_000);
        var keys = Enumerable.Range(0, 200_000).Select(i => $"onebot:1234567890:{i}").Concat(["", "a", "A", "\u0000", "😀", "onebot:1234567890:1 "]).ToList();

        Assert.All(keys, key => Assert.True(dedupe.TryAdd(key), key));
        Assert.All(keys, key => Assert.False(dedupe.TryAdd(key), key));
    }
}
