using GroupGuard.Core.Images;
using GroupGuard.Storage.Stores;

namespace GroupGuard.Storage.Tests.Stores;

/// <summary>The picture block list and the pictures kept on incidents (migration 0010).</summary>
public abstract class ImageBlockStoreTests : StoreTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private ImageBlocks Blocks => field ??= new ImageBlocks(Harness.Store.Database);

    [Fact]
    public async Task Hashes_with_the_top_bit_set_are_blocked_listed_and_unblocked_with_every_bit()
    {
        const ulong high = 0xF0E1D2C3B4A59687UL;
        var first = await Blocks.BlockAsync(high, 42, "群里的广告图", T0, "cli:root", CancellationToken.None);
        var again = await Blocks.BlockAsync(high, 43, "again", T0.AddMinutes(1), "cli:root", CancellationToken.None);
        var other = await Blocks.BlockAsync(7, null, null, T0.AddMinutes(2), null, CancellationToken.None);

        Assert.Equal(first, again); // blocked once; the first entry stands
        Assert.Equal(new ImageBlock(first.Id, high, 42, "群里的广告图", T0, "cli:root"), first);
        Assert.Equal([first, other], await Blocks.ListAsync(CancellationToken.None));

        Assert.True(await Blocks.UnblockAsync(first.Id, CancellationToken.None));
        Assert.False(await Blocks.UnblockAsync(first.Id, CancellationToken.None));
        Assert.Equal([other], await Blocks.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_incidents_pictures_are_kept_once_each_in_order()
    {
        await Blocks.AddPicturesAsync(
            [new IncidentPicture(5, 2, ulong.MaxValue, "gchat.qpic.cn/b"), new IncidentPicture(5, 1, 1, "ABC.jpg"), new IncidentPicture(6, 1, 9, "x")],
            CancellationToken.None);
        await Blocks.AddPicturesAsync([new IncidentPicture(5, 1, 2, "again")], CancellationToken.None);

        Assert.Equal(
            [new IncidentPicture(5, 1, 1, "ABC.jpg"), new IncidentPicture(5, 2, ulong.MaxValue, "gchat.qpic.cn/b")],
            await Blocks.PicturesOfAsync(5, CancellationToken.None));
        Assert.Empty(await Blocks.PicturesOfAsync(7, CancellationToken.None));
    }
}
