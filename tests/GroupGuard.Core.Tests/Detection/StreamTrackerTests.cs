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
    public void A_member_who_talks_all_day_is_no_flood_until_they_flood()
    {
        var tracker = new StreamTracker();

        // Past the 1,000 times a stream remembers, one message every 4 s: never 4 in 10 s.
        var day = Enumerable.Range(0, 1500).Select(i => tracker.Observe(Rules, Message(i * 4, $"第{i}句"))).ToList();
        var burst = Enumerable.Range(0, 5).Select(i => tracker.Observe(Rules, Message(7000 + i, $"刷{i}")).Any(h => h.Rule.Id == "spam.flood")).ToList();

        Assert.All(day, hits => Assert.DoesNotContain(hits, h => h.Rule.Id == "spam.flood"));
        Assert.Equal([false, false, false, true, true], burst);
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

    [Fact]
    public void Quiet_senders_are_forgotten_as_time_passes()
    {
        var tracker = new StreamTracker();
        for (var i = 0; i < 1000; i++)
        {
            tracker.Observe(Rules, Message(i / 100, $"第{i}条消息", user: $"user{i}"));
        }

        var before = tracker.Senders;

        // Past the longest window (the wave's 120 s) with nobody talking, one short reply: only
        // its sender is remembered.
        tracker.Observe(Rules, Message(300, "好的", user: "late"));

        Assert.Equal(2000, before);
        Assert.Equal(1, tracker.Senders);
    }

    [Fact]
    public void Past_its_bound_it_forgets_the_quietest_not_a_member_still_flooding()
    {
        var tracker = new StreamTracker(maxSenders: 100);
        var fired = new List<bool>();

        // A thousand members say one thing each over ten seconds; one of them, every 25th message,
        // says something too: four times, then more, within the flood rule's ten seconds.
        for (var i = 0; i < 1000; i++)
        {
            var time = T0.AddMilliseconds(i * 10);
            tracker.Observe(Rules, Messages.Group($"第{i}条", group: "100", user: $"user{i}", time: time, bot: "1"));
            if (i % 25 == 24)
            {
                fired.Add(tracker.Observe(Rules, Messages.Group($"刷屏{i}", group: "100", user: "flooder", time: time, bot: "1")).Any(h => h.Rule.Id == "spam.flood"));
            }
        }

        Assert.Equal([false, false, false, true], fired.Take(4));
        Assert.All(fired.Skip(3), Assert.True);
        Assert.True(tracker.Senders <= 100, $"{tracker.Senders} senders remembered");
    }

    [Fact]
    public void A_long_text_is_remembered_by_a_short_key_and_still_counts_as_the_same_text()
    {
        var tracker = new StreamTracker();
        var text = string.Concat(Enumerable.Repeat("这是一条很长的广告词", 6_000)); // 60,000 characters
        var almost = text[..^1] + "呢";

        var wave = new[] { "100", "101", "102" }.Select((g, i) => tracker.Observe(Rules, Message(i * 30, text, g)).Any(h => h.Rule.Id == "spam.wave")).ToList();
        var other = tracker.Observe(Rules, Message(100, almost, "103"));

        Assert.Equal([false, false, true], wave);
        Assert.DoesNotContain(other, h => h.Rule.Id == "spam.wave"); // the same but for its last character: another text
        Assert.InRange(tracker.LongestKey, 1, 128); // not the text itself
    }

    [Fact]
    public void A_message_stamped_far_in_the_future_does_not_make_it_forget_a_flood_under_way()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0.AddSeconds(3));
        var tracker = new StreamTracker(time: clock);
        bool Flood(ChatMessage message) => tracker.Observe(Rules, message).Any(h => h.Rule.Id == "spam.flood");

        var fired = Enumerable.Range(0, 3).Select(i => Flood(Message(i, $"第{i}条"))).ToList();

        // Another member's message stamped a year ahead (a platform's clock that jumped): it is
        // counted as now, not as a year on, after which every sender would seem long quiet.
        var ahead = (int)TimeSpan.FromDays(365).TotalSeconds;
        fired.Add(Flood(Message(ahead, "大家好", user: "300")));
        fired.Add(Flood(Message(3, "第3条")));

        Assert.Equal([false, false, false, false, true], fired);
    }
}

/// <summary>
/// Several instances share their streams through an <see cref="IStreamLog"/> (PostgreSQL in the
/// service; a fake here that keeps rows the way the shared table does): a flood or a wave split
/// between instances adds up, and a message delivered to two of them counts once.
/// </summary>
public sealed class SharedStreamTests
{
    private static readonly RuleSet Rules = MessageDetectorTests.Load("""
        pack: spam
        rules:
          - id: spam.flood
            flood: { messages: 3, seconds: 10 }
          - id: spam.wave
            repeat: { times: 3, seconds: 120 }
        """);

    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-26T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static ChatMessage Message(int n, int second, string text, string group = "100") =>
        Messages.Group(text, id: $"m{n}", group: group, user: "200", time: T0.AddSeconds(second), bot: "1");

    [Fact]
    public async Task A_flood_split_between_two_instances_trips_on_the_one_that_sees_its_last_message()
    {
        var log = new FakeStreamLog();
        StreamTracker[] instances = [new(shared: log), new(shared: log)];

        var fired = new List<bool>();
        for (var i = 0; i < 5; i++)
        {
            var hits = await instances[i % 2].ObserveAsync(Rules, Message(i, i, $"第{i}条"), CancellationToken.None);
            fired.Add(hits.Any(h => h.Rule.Id == "spam.flood"));
        }

        Assert.Equal([false, false, false, true, true], fired);

        // Alone, neither instance saw more than three messages: memory would have missed it.
        var alone = new StreamTracker();
        Assert.DoesNotContain(
            Enumerable.Range(0, 5).Where(i => i % 2 == 0).Select(i => alone.Observe(Rules, Message(i, i, $"第{i}条"))),
            hits => hits.Any(h => h.Rule.Id == "spam.flood"));
    }

    [Fact]
    public async Task A_message_redelivered_to_the_other_instance_counts_once()
    {
        var log = new FakeStreamLog();
        StreamTracker[] instances = [new(shared: log), new(shared: log)];

        foreach (var i in Enumerable.Range(0, 3))
        {
            await instances[0].ObserveAsync(Rules, Message(i, i, $"第{i}条"), CancellationToken.None);
            var again = await instances[1].ObserveAsync(Rules, Message(i, i, $"第{i}条"), CancellationToken.None);
            Assert.DoesNotContain(again, h => h.Rule.Id == "spam.flood");
        }

        Assert.Equal(3, log.Rows("flood|qq|100|200"));
    }

    [Fact]
    public async Task A_wave_across_groups_and_instances_is_one_wave()
    {
        var log = new FakeStreamLog();
        StreamTracker[] instances = [new(shared: log), new(shared: log), new(shared: log)];

        var hits = new List<IReadOnlyList<RuleHit>>();
        foreach (var (group, i) in new[] { "100", "101", "102" }.Select((g, i) => (g, i)))
        {
            hits.Add(await instances[i].ObserveAsync(Rules, Message(i, i * 30, "加我领取免费课程", group), CancellationToken.None));
        }

        Assert.DoesNotContain(hits[1], h => h.Rule.Id == "spam.wave");
        Assert.Contains(hits[2], h => h.Rule.Id == "spam.wave");
    }

    [Fact]
    public async Task When_the_shared_log_fails_the_instance_counts_in_its_own_memory()
    {
        var tracker = new StreamTracker(shared: new FailingStreamLog());

        var fired = new List<bool>();
        for (var i = 0; i < 5; i++)
        {
            fired.Add((await tracker.ObserveAsync(Rules, Message(i, i, $"第{i}条"), CancellationToken.None)).Any(h => h.Rule.Id == "spam.flood"));
        }

        Assert.Equal([false, false, false, true, true], fired);
        Assert.Equal(5, tracker.SharedFailures);
    }

    [Fact]
    public async Task A_message_stamped_far_in_the_future_is_shared_as_now_and_leaves_the_window_in_time()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0);
        var tracker = new StreamTracker(shared: new FakeStreamLog(), time: clock);
        await tracker.ObserveAsync(Rules, Message(0, (int)TimeSpan.FromDays(365).TotalSeconds, "时间错了的一条"), CancellationToken.None);

        // A minute on, three messages in ten seconds are within the flood rule's limit.
        clock.Advance(TimeSpan.FromSeconds(60));
        var fired = new List<bool>();
        for (var i = 1; i <= 3; i++)
        {
            fired.Add((await tracker.ObserveAsync(Rules, Message(i, 60 + i, $"第{i}条"), CancellationToken.None)).Any(h => h.Rule.Id == "spam.flood"));
        }

        Assert.Equal([false, false, false], fired);
    }

    /// <summary>Rows keyed by stream and message, as the shared table keeps them.</summary>
    private sealed class FakeStreamLog : IStreamLog
    {
        private readonly Dictionary<(string Stream, string Message), DateTimeOffset> _rows = [];

        public int Rows(string stream) => _rows.Keys.Count(k => k.Stream.StartsWith(stream, StringComparison.Ordinal));

        public Task<int> RecordAsync(string stream, string messageKey, DateTimeOffset time, DateTimeOffset since, CancellationToken cancellationToken)
        {
            _rows.TryAdd((stream, messageKey), time);
            return Task.FromResult(_rows.Count(r => r.Key.Stream == stream && r.Value > since));
        }
    }

    private sealed class FailingStreamLog : IStreamLog
    {
        public Task<int> RecordAsync(string stream, string messageKey, DateTimeOffset time, DateTimeOffset since, CancellationToken cancellationToken) =>
            Task.FromException<int>(new InvalidOperationException("the database is down"));
    }
}
