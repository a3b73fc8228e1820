using GroupGuard.Core;
using GroupGuard.Storage.Stores;

namespace GroupGuard.Storage.Tests.Stores;

/// <summary>What retention deletes or masks of old evidence, and what it keeps.</summary>
public abstract class RetentionTests : StoreTests
{
    private static readonly DateTimeOffset Cutoff = new(2025, 2, 1, 0, 0, 0, TimeSpan.Zero);

    private IIncidentStore Store => Harness.Store;

    private static Incident WithEvidence(string messageId, DateTimeOffset time) => Samples.Incident(messageId: messageId, time: time) with
    {
        NormalizedText = "加微信领红包",
        Spans = [new EvidenceSpan(0, 3)],
        GroupName = "业主群",
    };

    [Fact]
    public async Task Delete_removes_incidents_older_than_the_cutoff_and_keeps_the_rest()
    {
        await Store.AddAsync(
        [
            WithEvidence("old", Cutoff.AddDays(-30)),
            WithEvidence("just-before", Cutoff.AddMilliseconds(-1)),
            WithEvidence("at-cutoff", Cutoff),
            WithEvidence("new", Cutoff.AddDays(1)),
        ], CancellationToken.None);

        var deleted = await Store.ApplyRetentionAsync(Cutoff, RetentionMode.Delete, CancellationToken.None);

        Assert.Equal(2, deleted);
        Assert.Equal(["at-cutoff", "new"], (await Harness.QueryAllAsync()).Select(x => x.MessageId));
        Assert.Equal(0, await Store.ApplyRetentionAsync(Cutoff, RetentionMode.Delete, CancellationToken.None));
    }

    [Fact]
    public async Task Delete_also_drops_message_counts_of_hours_before_the_cutoff()
    {
        await Store.AddMessageCountsAsync(
        [
            new MessageCount("qq", "111", Cutoff.AddHours(-2), 5),
            new MessageCount("qq", "111", Cutoff.AddHours(-1), 6),
            new MessageCount("qq", "111", Cutoff, 7),
        ], CancellationToken.None);

        await Store.ApplyRetentionAsync(Cutoff, RetentionMode.Delete, CancellationToken.None);

        var left = await Store.GetMessageCountsAsync(Cutoff.AddDays(-1), Cutoff.AddDays(1), null, CancellationToken.None);
        Assert.Equal([new MessageCount("qq", "111", Cutoff, 7)], left);
    }

    [Fact]
    public async Task Mask_blanks_the_evidence_of_old_incidents_and_keeps_everything_else()
    {
        var ids = await Store.AddAsync([WithEvidence("old", Cutoff.AddDays(-1)), WithEvidence("new", Cutoff)], CancellationToken.None);
        await Store.MarkFalsePositiveAsync(ids[0], true, "误报", Cutoff, null, CancellationToken.None);
        var before = await Harness.QueryAllAsync();

        var masked = await Store.ApplyRetentionAsync(Cutoff, RetentionMode.Mask, CancellationToken.None);

        Assert.Equal(1, masked);
        var after = await Harness.QueryAllAsync();
        Assert.Equal("", after[0].MessageText);
        Assert.Null(after[0].NormalizedText);
        Assert.Empty(after[0].Spans);
        // Who, where, which rule, what was done and the review stay for the statistics.
        Assert.Equal(before[0] with { MessageText = "", NormalizedText = null, Spans = after[0].Spans, PlannedActions = after[0].PlannedActions }, after[0]);
        Assert.Equal(before[1] with { Spans = after[1].Spans, PlannedActions = after[1].PlannedActions }, after[1]);
        Assert.Equal(before[1].Spans, after[1].Spans);
    }

    [Fact]
    public async Task Mask_masks_the_matched_number_of_a_privacy_hit_and_long_digit_runs_of_others_as_digests_do()
    {
        var store = Harness.CreateStoreOfAnotherInstance(retentionBatchSize: 2); // slices that end between them
        await store.AddAsync(
        [
            WithEvidence("phone", Cutoff.AddDays(-3)) with { Rule = "privacy.mobile", Category = "privacy", MatchedTerm = "138 1234 5678" },
            WithEvidence("qq", Cutoff.AddDays(-2)) with { Rule = "ads.qq", MatchedTerm = "QQ 12345678" },
            WithEvidence("words", Cutoff.AddDays(-1)) with { MatchedTerm = "加微信" },
            WithEvidence("new", Cutoff) with { Rule = "privacy.mobile", Category = "privacy", MatchedTerm = "13812345678" },
        ], CancellationToken.None);

        Assert.Equal(3, await store.ApplyRetentionAsync(Cutoff, RetentionMode.Mask, CancellationToken.None));

        var terms = (await Harness.QueryAllAsync()).ToDictionary(x => x.MessageId, x => x.MatchedTerm);
        Assert.Equal("*** **** ****", terms["phone"]);
        Assert.Equal("QQ ********", terms["qq"]);
        Assert.Equal("加微信", terms["words"]);
        Assert.Equal("13812345678", terms["new"]); // within the retention period: whole, as the hit was
    }

    [Fact]
    public async Task Masking_again_counts_only_incidents_that_still_had_evidence()
    {
        await Store.AddAsync([WithEvidence("a", Cutoff.AddDays(-2)), WithEvidence("b", Cutoff.AddDays(-1))], CancellationToken.None);

        var first = await Store.ApplyRetentionAsync(Cutoff.AddDays(-1), RetentionMode.Mask, CancellationToken.None);
        var second = await Store.ApplyRetentionAsync(Cutoff, RetentionMode.Mask, CancellationToken.None);
        var third = await Store.ApplyRetentionAsync(Cutoff, RetentionMode.Mask, CancellationToken.None);

        Assert.Equal((1, 1, 0), (first, second, third));
        Assert.All(await Harness.QueryAllAsync(), x => Assert.Equal("", x.MessageText));
    }

    [Fact]
    public async Task Mask_keeps_message_counts()
    {
        await Store.AddMessageCountsAsync([new MessageCount("qq", "111", Cutoff.AddDays(-1), 5)], CancellationToken.None);

        await Store.ApplyRetentionAsync(Cutoff, RetentionMode.Mask, CancellationToken.None);

        Assert.Single(await Store.GetMessageCountsAsync(Cutoff.AddDays(-2), Cutoff, null, CancellationToken.None));
    }

    [Theory]
    [InlineData(RetentionMode.Delete)]
    [InlineData(RetentionMode.Mask)]
    public async Task Retention_in_small_slices_still_reaches_every_old_incident_and_counts_each_once(RetentionMode mode)
    {
        var store = Harness.CreateStoreOfAnotherInstance(retentionBatchSize: 3);
        await store.AddAsync(
            [.. Enumerable.Range(0, 10).Select(i => WithEvidence($"old{i}", Cutoff.AddMinutes(-i - 1))), WithEvidence("new", Cutoff)],
            CancellationToken.None);

        var affected = await store.ApplyRetentionAsync(Cutoff, mode, CancellationToken.None);

        Assert.Equal(10, affected);
        var left = await Harness.QueryAllAsync();
        if (mode == RetentionMode.Delete)
        {
            Assert.Equal(["new"], left.Select(x => x.MessageId));
        }
        else
        {
            Assert.Equal(11, left.Count);
            Assert.Equal(["new"], left.Where(x => x.MessageText != "").Select(x => x.MessageId));
        }

        Assert.Equal(0, await store.ApplyRetentionAsync(Cutoff, mode, CancellationToken.None));
    }

    [Theory]
    [InlineData(RetentionMode.Delete)]
    [InlineData(RetentionMode.Mask)]
    public async Task An_old_incident_s_picture_records_go_with_its_evidence(RetentionMode mode)
    {
        var ids = await Store.AddAsync([WithEvidence("old", Cutoff.AddDays(-3)), WithEvidence("new", Cutoff.AddDays(3))], CancellationToken.None);
        var pictures = new ImageBlocks(Harness.Store.Database);
        await pictures.AddPicturesAsync(
            [new Core.Images.IncidentPicture(ids[0], 1, 0xABCDUL, "gchat.qpic.cn/a.jpg"), new Core.Images.IncidentPicture(ids[1], 1, 0x1234UL, "gchat.qpic.cn/b.jpg")],
            CancellationToken.None);

        await Store.ApplyRetentionAsync(Cutoff, mode, CancellationToken.None);
        var old = await pictures.PicturesOfAsync(ids[0], CancellationToken.None);
        var kept = Assert.Single(await pictures.PicturesOfAsync(ids[1], CancellationToken.None));

        if (mode == RetentionMode.Delete)
        {
            Assert.Empty(old);
        }
        else
        {
            var masked = Assert.Single(old);
            Assert.Equal(0xABCDUL, masked.Hash);
            Assert.Equal("", masked.Where);
        }

        Assert.Equal("gchat.qpic.cn/b.jpg", kept.Where);
    }
}
