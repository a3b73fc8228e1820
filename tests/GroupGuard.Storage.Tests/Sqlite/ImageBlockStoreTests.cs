using GroupGuard.Core.Images;
using GroupGuard.Storage.Sqlite;
using GroupGuard.Storage.Stores;

namespace GroupGuard.Storage.Tests.Sqlite;

/// <summary>The picture block list and the pictures kept on incidents (migration 0010).</summary>
public sealed class ImageBlockStoreTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly StoreHarness _harness = new();
    private readonly ImageBlocks _blocks;

    public ImageBlockStoreTests() => _blocks = new ImageBlocks(_harness.Store.Database);

    public Task InitializeAsync() => _harness.Store.InitializeAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Hashes_with_the_top_bit_set_are_blocked_listed_and_unblocked_with_every_bit()
    {
        const ulong high = 0xF0E1D2C3B4A59687UL;
        var first = await _blocks.BlockAsync(high, 42, "群里的广告图", T0, "cli:root", CancellationToken.None);
        var again = await _blocks.BlockAsync(high, 43, "again", T0.AddMinutes(1), "cli:root", CancellationToken.None);
        var other = await _blocks.BlockAsync(7, null, null, T0.AddMinutes(2), null, CancellationToken.None);

        Assert.Equal(first, again); // blocked once; the first entry stands
        Assert.Equal(new ImageBlock(first.Id, high, 42, "群里的广告图", T0, "cli:root"), first);
        Assert.Equal([first, other], await _blocks.ListAsync(CancellationToken.None));

        Assert.True(await _blocks.UnblockAsync(first.Id, CancellationToken.None));
        Assert.False(await _blocks.UnblockAsync(first.Id, CancellationToken.None));
        Assert.Equal([other], await _blocks.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_incidents_pictures_are_kept_once_each_in_order()
    {
        await _blocks.AddPicturesAsync(
            [new IncidentPicture(5, 2, ulong.MaxValue, "gchat.qpic.cn/b"), new IncidentPicture(5, 1, 1, "ABC.jpg"), new IncidentPicture(6, 1, 9, "x")],
            CancellationToken.None);
        await _blocks.AddPicturesAsync([new IncidentPicture(5, 1, 2, "again")], CancellationToken.None);

        Assert.Equal(
            [new IncidentPicture(5, 1, 1, "ABC.jpg"), new IncidentPicture(5, 2, ulong.MaxValue, "gchat.qpic.cn/b")],
            await _blocks.PicturesOfAsync(5, CancellationToken.None));
        Assert.Empty(await _blocks.PicturesOfAsync(7, CancellationToken.None));
    }
}
