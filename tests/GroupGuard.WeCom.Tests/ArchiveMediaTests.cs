using System.Security.Cryptography;
using GroupGuard.Core;
using GroupGuard.WeCom.Archive;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.WeCom.Tests;

/// <summary>
/// Pictures of archived messages through the real <see cref="FinanceSdk"/> on the fake SDK, its
/// download held open after the first piece: how long a download may go on, and who may stop it.
/// </summary>
[Collection(FakeSdkCollection.Name)]
public sealed class ArchiveMediaTests : IDisposable
{
    private const string Picture = "CtYBMzA2OTAyMDEwMjA0NjIzMDYw";

    private readonly FakeArchive _archive = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-02T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly byte[] _content = RandomNumberGenerator.GetBytes(200 * 1024);
    private readonly FinanceSdk _sdk;
    private readonly ArchiveKeys _keys;
    private readonly ArchiveMedia _media;

    public ArchiveMediaTests(FakeSdkLibraries libraries)
    {
        _archive.AddMedia(Picture, _content);
        _sdk = FinanceSdk.Open(libraries.Fake, _archive.CorpId, "the-archive-secret");
        _keys = new ArchiveKeys(new Dictionary<string, string> { ["1"] = _archive.Write("key-1.pem", TestKeys.First.ExportRSAPrivateKeyPem()) });
        var holder = new ArchiveSessionHolder { Session = new ArchiveSession(_sdk, _keys) };
        var options = Options.Create(new WeComArchiveOptions { CorpId = "wwcorp", TimeoutSeconds = 10 });
        _media = new ArchiveMedia(holder, options, _time);
    }

    public void Dispose()
    {
        _archive.ReleaseMedia();
        _sdk.Dispose();
        _keys.Dispose();
        _archive.Dispose();
    }

    private Task<byte[]?> Fetch(CancellationToken cancellationToken = default) =>
        _media.FetchAsync(Protocol.WeComArchive, "wwcorp", Picture, 1 << 20, cancellationToken);

    [Fact]
    public async Task A_download_within_TimeoutSeconds_comes_back_whole()
    {
        var held = _archive.HoldMediaAsync();
        var fetch = Fetch();
        await held.Within("the download to be held after its first piece");

        _time.Advance(TimeSpan.FromSeconds(9));
        _archive.ReleaseMedia();

        Assert.Equal(_content, await fetch.Within("the released download"));
    }

    /// <summary>
    /// A download still not whole once <c>TimeoutSeconds</c> have passed in all is given up at the
    /// next piece, naming the setting. Every piece could take <c>TimeoutSeconds</c> afresh, so a
    /// picture that trickled in kept the SDK (and with it the pull) for as long as it went on.
    /// </summary>
    [Fact]
    public async Task A_download_past_TimeoutSeconds_in_all_is_given_up_at_the_next_piece_naming_the_setting()
    {
        var held = _archive.HoldMediaAsync();
        var fetch = Fetch();
        await held.Within("the download to be held after its first piece");

        _time.Advance(TimeSpan.FromSeconds(10));
        _archive.ReleaseMedia();

        await Task.WhenAny(fetch).Within("the download given up");
        var failure = await Assert.ThrowsAsync<TimeoutException>(() => fetch);
        Assert.Contains("GroupGuard:WeCom:Archive:TimeoutSeconds", failure.Message, StringComparison.Ordinal);
        Assert.Contains("10 s", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>A download its caller gives up (the service stopping) stops at the next piece; it ran to its end.</summary>
    [Fact]
    public async Task A_download_the_caller_gives_up_stops_at_the_next_piece()
    {
        using var stop = new CancellationTokenSource();
        var held = _archive.HoldMediaAsync();
        var fetch = Fetch(stop.Token);
        await held.Within("the download to be held after its first piece");

        await stop.CancelAsync();
        _archive.ReleaseMedia();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch.Within("the download given up"));
    }
}
