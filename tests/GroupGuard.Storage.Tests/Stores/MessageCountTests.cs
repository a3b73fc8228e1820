using Dapper;
using GroupGuard.Core;

namespace GroupGuard.Storage.Tests.Stores;

/// <summary>Messages counted per group and UTC hour, for the share of messages that were incidents.</summary>
public abstract class MessageCountTests : StoreTests
{
    private protected static readonly DateTimeOffset Hour0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private protected IIncidentStore Store => Harness.Store;

    [Fact]
    public async Task Counts_add_up_per_group_and_hour_across_and_within_batches()
    {
        await Store.AddMessageCountsAsync(
        [
            new MessageCount("qq", "111", Hour0, 5),
            new MessageCount("qq", "222", Hour0, 1),
            new MessageCount("qq", "111", Hour0, 2), // the same key twice in one batch
        ], CancellationToken.None);
        await Store.AddMessageCountsAsync(
        [
            new MessageCount("qq", "111", Hour0, 10),
            new MessageCount("qq", "111", Hour0.AddHours(1), 4),
        ], CancellationToken.None);

        var counts = await Store.GetMessageCountsAsync(Hour0, Hour0.AddDays(1), null, CancellationToken.None);

        Assert.Equal(
        [
            new MessageCount("qq", "111", Hour0, 17),
            new MessageCount("qq", "222", Hour0, 1),
            new MessageCount("qq", "111", Hour0.AddHours(1), 4),
        ], counts);
    }

    [Fact]
    public async Task Times_within_an_hour_land_on_the_start_of_the_UTC_hour()
    {
        await Store.AddMessageCountsAsync(
        [
            new MessageCount("qq", "111", Hour0.AddMinutes(59).AddSeconds(59.999), 1),
            new MessageCount("qq", "111", Hour0.AddMinutes(1), 1),
            // 16:30 in China is 08:30 UTC: the same hour.
            new MessageCount("qq", "111", new DateTimeOffset(2025, 3, 1, 16, 30, 0, TimeSpan.FromHours(8)), 1),
            new MessageCount("qq", "111", Hour0.AddHours(1), 1),
        ], CancellationToken.None);

        var counts = await Store.GetMessageCountsAsync(Hour0, Hour0.AddDays(1), null, CancellationToken.None);

        Assert.Equal([(Hour0, 3L), (Hour0.AddHours(1), 1L)], counts.Select(c => (c.Hour, c.Count)));
        Assert.All(counts, c => Assert.Equal(TimeSpan.Zero, c.Hour.Offset));
        using var db = Harness.OpenRaw();
        Assert.Equal("2025-03-01T08:00:00.000Z", db.QueryFirst<string>("SELECT hour FROM message_counts ORDER BY hour"));
    }

    [Fact]
    public async Task The_period_includes_its_start_and_excludes_its_end()
    {
        await Store.AddMessageCountsAsync(
            [.. Enumerable.Range(-1, 26).Select(h => new MessageCount("qq", "111", Hour0.AddHours(h), 1))],
            CancellationToken.None);

        var day = await Store.GetMessageCountsAsync(Hour0, Hour0.AddDays(1), null, CancellationToken.None);
        // The same day asked in China time.
        var dayInChina = await Store.GetMessageCountsAsync(
            Hour0.ToOffset(TimeSpan.FromHours(8)), Hour0.AddDays(1).ToOffset(TimeSpan.FromHours(8)), null, CancellationToken.None);

        Assert.Equal(24, day.Count);
        Assert.Equal(Hour0, day[0].Hour);
        Assert.Equal(Hour0.AddHours(23), day[^1].Hour);
        Assert.Equal(day, dayInChina);
    }

    [Fact]
    public async Task Counts_filter_by_group_ids_and_an_empty_list_means_all()
    {
        await Store.AddMessageCountsAsync(
        [
            new MessageCount("qq", "111", Hour0, 1),
            new MessageCount("qq", "222", Hour0, 2),
            new MessageCount("wechat", "333@chatroom", Hour0, 3),
        ], CancellationToken.None);

        var some = await Store.GetMessageCountsAsync(Hour0, Hour0.AddHours(1), ["333@chatroom", "111"], CancellationToken.None);
        var all = await Store.GetMessageCountsAsync(Hour0, Hour0.AddHours(1), [], CancellationToken.None);

        Assert.Equal([1L, 3L], some.Select(c => c.Count));
        Assert.Equal(6, all.Sum(c => c.Count));
    }

    [Fact]
    public async Task The_same_group_id_on_two_platforms_keeps_two_counters()
    {
        await Store.AddMessageCountsAsync(
            [new MessageCount("qq", "111", Hour0, 1), new MessageCount("wechat", "111", Hour0, 2)],
            CancellationToken.None);

        var counts = await Store.GetMessageCountsAsync(Hour0, Hour0.AddHours(1), null, CancellationToken.None);

        Assert.Equal([("qq", 1L), ("wechat", 2L)], counts.Select(c => (c.Platform, c.Count)));
    }

    [Fact]
    public async Task Totals_sum_each_platform_and_group_s_hours_within_the_period()
    {
        await Store.AddMessageCountsAsync(
        [
            new MessageCount("qq", "111", Hour0, 5),
            new MessageCount("qq", "111", Hour0.AddHours(5), 7),
            new MessageCount("qq", "111", Hour0.AddDays(1), 1000), // after the period
            new MessageCount("wechat", "111", Hour0.AddHours(1), 2),
            new MessageCount("qq", "222", Hour0.AddHours(-1), 1000), // before it
            new MessageCount("qq", "222", Hour0.AddHours(23), 3),
            new MessageCount("wechat", "333@chatroom", Hour0, 4),
        ], CancellationToken.None);

        var all = await Store.GetMessageTotalsAsync(Hour0, Hour0.AddDays(1), null, CancellationToken.None);
        var some = await Store.GetMessageTotalsAsync(Hour0, Hour0.AddDays(1), ["111"], CancellationToken.None);

        Assert.Equal(
        [
            new MessageTotal("qq", "111", 12),
            new MessageTotal("qq", "222", 3),
            new MessageTotal("wechat", "111", 2),
            new MessageTotal("wechat", "333@chatroom", 4),
        ], all);
        Assert.Equal([new MessageTotal("qq", "111", 12), new MessageTotal("wechat", "111", 2)], some);
    }

    [Fact]
    public async Task A_negative_count_is_refused_and_nothing_of_its_batch_is_added()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.AddMessageCountsAsync(
            [new MessageCount("qq", "111", Hour0, 5), new MessageCount("qq", "111", Hour0, -1)],
            CancellationToken.None));

        Assert.Empty(await Store.GetMessageCountsAsync(Hour0, Hour0.AddDays(1), null, CancellationToken.None));
    }

    [Fact]
    public async Task An_empty_batch_or_zero_counts_add_no_rows()
    {
        await Store.AddMessageCountsAsync([], CancellationToken.None);
        await Store.AddMessageCountsAsync([new MessageCount("qq", "111", Hour0, 0)], CancellationToken.None);

        Assert.Empty(await Store.GetMessageCountsAsync(Hour0.AddDays(-1), Hour0.AddDays(1), null, CancellationToken.None));
    }

    private static CountedMessage Message(string id, DateTimeOffset time, string group = "111", string platform = "qq", string bot = "10000") =>
        new(platform, bot, group, id, time);

    [Fact]
    public async Task Each_message_is_counted_once_however_often_it_comes()
    {
        var first = await Store.CountMessagesAsync(
            [Message("a", Hour0.AddMinutes(1)), Message("b", Hour0.AddMinutes(2)), Message("a", Hour0.AddMinutes(1)), Message("c", Hour0.AddHours(1))],
            CancellationToken.None);
        // A replay after a crash, or another instance's copy: two known, one new.
        var second = await Store.CountMessagesAsync(
            [Message("b", Hour0.AddMinutes(2)), Message("c", Hour0.AddHours(1)), Message("d", Hour0.AddMinutes(3))],
            CancellationToken.None);

        Assert.Equal(3, first);
        Assert.Equal(1, second);
        var counts = await Store.GetMessageCountsAsync(Hour0, Hour0.AddDays(1), null, CancellationToken.None);
        Assert.Equal([(Hour0, 3L), (Hour0.AddHours(1), 1L)], counts.Select(c => (c.Hour, c.Count)));
    }

    [Fact]
    public async Task A_message_id_is_its_own_only_within_its_platform_bot_group_and_time()
    {
        // QQ numbers messages per bot account, and an id may come again later: as incidents are keyed.
        var added = await Store.CountMessagesAsync(
            [Message("7", Hour0), Message("7", Hour0, group: "222"), Message("7", Hour0, platform: "wechat"), Message("7", Hour0, bot: "20000"), Message("7", Hour0.AddSeconds(1))],
            CancellationToken.None);

        Assert.Equal(5, added);
        var counts = await Store.GetMessageCountsAsync(Hour0, Hour0.AddHours(1), null, CancellationToken.None);
        Assert.Equal(5, counts.Sum(c => c.Count));
    }

    [Fact]
    public async Task Counted_messages_add_to_counts_written_as_numbers()
    {
        await Store.AddMessageCountsAsync([new MessageCount("qq", "111", Hour0, 40)], CancellationToken.None);

        await Store.CountMessagesAsync([Message("x", Hour0.AddMinutes(30)), Message("y", Hour0.AddMinutes(59))], CancellationToken.None);

        var counts = await Store.GetMessageCountsAsync(Hour0, Hour0.AddHours(1), null, CancellationToken.None);
        Assert.Equal(42, Assert.Single(counts).Count);
    }

    [Fact]
    public async Task A_batch_larger_than_one_statement_is_counted_whole()
    {
        var batch = Enumerable.Range(0, 1234).Select(i => Message($"m{i}", Hour0.AddSeconds(i))).ToList();

        var added = await Store.CountMessagesAsync(batch, CancellationToken.None);
        var again = await Store.CountMessagesAsync(batch, CancellationToken.None);

        Assert.Equal(1234, added);
        Assert.Equal(0, again);
        var counts = await Store.GetMessageCountsAsync(Hour0, Hour0.AddDays(1), null, CancellationToken.None);
        Assert.Equal(1234, counts.Sum(c => c.Count));
    }

    [Fact]
    public async Task Keys_with_quotes_backslashes_and_non_ascii_text_are_stored_as_they_came()
    {
        // The keys of a batch go to the database as one JSON text: nothing in an id may break it or be changed by it.
        string[] ids = ["a\"b", "c\\d", "群消息💬", "[\"x\"]", "e\u0001f", "'; DROP TABLE counted_messages; --"];

        var added = await Store.CountMessagesAsync([.. ids.Select(id => Message(id, Hour0, group: "群\"7"))], CancellationToken.None);
        var again = await Store.CountMessagesAsync([.. ids.Select(id => Message(id, Hour0, group: "群\"7"))], CancellationToken.None);

        Assert.Equal(ids.Length, added);
        Assert.Equal(0, again);
        using var db = Harness.OpenRaw();
        Assert.Equal(ids.Order(StringComparer.Ordinal), db.Query<string>("SELECT message_id FROM counted_messages").Order(StringComparer.Ordinal));
        Assert.Equal(["群\"7"], db.Query<string>("SELECT DISTINCT group_id FROM counted_messages"));
    }

    [Fact]
    public async Task Keys_are_kept_a_day_after_counting_then_deleted()
    {
        await Store.CountMessagesAsync([Message("old", Hour0)], CancellationToken.None);
        Harness.Time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await Store.CountMessagesAsync([Message("old", Hour0)], CancellationToken.None));

        Harness.Time.Advance(TimeSpan.FromHours(2));
        // The prune runs with the first count of every PruneCountedEvery; a store of its own starts the count afresh.
        var later = Harness.CreateStoreOfAnotherInstance();
        await later.CountMessagesAsync([Message("new", Hour0.AddHours(25))], CancellationToken.None);

        using var db = Harness.OpenRaw();
        Assert.Equal(["new"], db.Query<string>("SELECT message_id FROM counted_messages"));
    }
}
