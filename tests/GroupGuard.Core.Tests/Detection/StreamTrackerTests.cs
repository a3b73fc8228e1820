using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Detection;

public sealed class StreamTrackerTests
{
    private static readonly RuleSet Rules = MessageDetectorTests.Load("""
        pack: spam
        rules:
          - id: spam.flood
            flood: { messages: 3, seconds: 10 }
          - id: spam.wave
            repeat: { times: 3, seconds: 120 }
          - id: spam.at-all
            mention_all: true
        """);

    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-26T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static ChatMessage Message(int second, string text = "hello", string group = "100", string user = "200", bool all = false, SenderRole role = SenderRole.Member) =>
        Messages.Group(text, group: group, user: user, role: role, time: T0.AddSeconds(second), mentionsAll: all, bot: "1");

    [Fact]
    public void More_than_the_limit_within_the_window_is_a_flood()
    {
        var tracker = new StreamTracker();

        var fired = Enumerable.Range(0, 5).Select(i => tracker.Observe(Rules, Message(i, $"第{i}条")).Any(h => h.Rule.Id == "spam.flood")).ToList();

        Assert.Equal([false, false, false, true, true], fired);
    }

    [Fact]
    public void Messages_spread_out_or_from_others_are_not_a_flood()
    {
        var tracker = new StreamTracker();

        var spread = Enumerable.Range(0, 6).Select(i => tracker.Observe(Rules, Message(i * 6, $"第{i}条"))).ToList();
        var others = Enumerable.Range(0, 6).Select(i => tracker.Observe(Rules, Message(100, $"第{i}条", user: $"u{i}"))).ToList();

        Assert.All(spread.Concat(others), hits => Assert.DoesNotContain(hits, h => h.Rule.Id == "spam.flood"));
    }

    [Fact]
    public void The_same_text_three_times_across_groups_is_a_wave_but_short_replies_are_not()
    {
        var tracker = new StreamTracker();

        var wave = new[] { "100", "101", "102" }.Select((g, i) => tracker.Observe(Rules, Message(i * 30, "加我领取免费课程", g))).ToList();
        var replies = Enumerable.Range(0, 4).Select(i => tracker.Observe(Rules, Message(200 + (i * 20), "收到", user: "300"))).ToList();

        Assert.Contains(wave[2], h => h.Rule.Id == "spam.wave");
        Assert.DoesNotContain(wave[1], h => h.Rule.Id == "spam.wave");
        Assert.All(replies, hits => Assert.DoesNotContain(hits, h => h.Rule.Id == "spam.wave"));
    }

    [Fact]
    public void At_all_from_a_member_trips_the_rule_and_from_an_admin_does_not()
    {
        var tracker = new StreamTracker();

        Assert.Contains(tracker.Observe(Rules, Message(0, "通知", all: true)), h => h.Rule.Id == "spam.at-all");
        Assert.DoesNotContain(tracker.Observe(Rules, Message(1, "通知", user: "9", all: true, role: SenderRole.Admin)), h => h.Rule.Id == "spam.at-all");
    }

    [Fact]
    public void Its_memory_survives_a_reload_and_stays_bounded()
    {
        var tracker = new StreamTracker(maxSenders: 100);
        tracker.Observe(Rules, Message(0, "a1"));
        tracker.Observe(Rules, Message(1, "a2"));
        tracker.Observe(Rules, Message(2, "a3"));
        var reloaded = MessageDetectorTests.Load("pack: spam\nrules:\n  - id: spam.flood\n    flood: { messages: 3, seconds: 10 }\n");

        Assert.Contains(tracker.Observe(reloaded, Message(3, "a4")), h => h.Rule.Id == "spam.flood");

        for (var i = 0; i < 1000; i++)
        {
            tracker.Observe(reloaded, Message(10 + i, "x", user: $"user{i}"));
        }

        Assert.True(tracker.Senders <= 100, $"{tracker.Senders} senders remembered");
    }
}
