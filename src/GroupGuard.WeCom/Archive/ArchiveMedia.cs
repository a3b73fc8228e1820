using System.Globalization;
using GroupGuard.Core;
using GroupGuard.Core.Images;
using Microsoft.Extensions.Options;

namespace GroupGuard.WeCom.Archive;

/// <summary>The SDK session the puller opened at start, shared with <see cref="ArchiveMedia"/>.</summary>
internal sealed class ArchiveSessionHolder
{
    public ArchiveSession? Session { get; set; }
}

/// <summary>
/// Pictures of archived messages: the SDK's <c>GetMediaData</c> by the message's <c>sdkfileid</c>,
/// within the picture byte cap, for the picture checks (QR codes, block list, text in pictures). A
/// download comes in pieces, each of which the SDK may take <c>TimeoutSeconds</c> over; the whole
/// download is given up, between pieces, once <c>TimeoutSeconds</c> have passed in all or the
/// caller gives up, so that one slow picture does not keep the SDK from the pull.
/// </summary>
internal sealed class ArchiveMedia(ArchiveSessionHolder holder, IOptions<WeComArchiveOptions> options, TimeProvider time) : IImageBytes
{
    /// <summary>The setting that bounds a download, named when one is given up.</summary>
    public const string TimeoutSetting = WeComArchiveOptions.Section + ":TimeoutSeconds";

    public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.WeComArchive];

    public async Task<byte[]?> FetchAsync(Protocol protocol, string botId, string file, long maxBytes, CancellationToken cancellationToken)
    {
        if (protocol != Protocol.WeComArchive || holder.Session is not { } session || string.IsNullOrEmpty(file))
        {
            return null;
        }

        var o = options.Value;
        using var deadline = new Deadline(TimeSpan.FromSeconds(o.TimeoutSeconds), time, cancellationToken);
        var token = deadline.Token;
        try
        {
            return await Task.Run(() => session.Sdk.GetMediaData(file, o.Proxy, o.ProxyPassword, o.TimeoutSeconds, maxBytes, token), token).ConfigureAwait(false);
        }
        catch (FinanceSdkException ex) when (ex.TooLarge)
        {
            throw new InvalidDataException(ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var shown = file.Length <= 24 ? file : file[..24] + "…";
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"media {shown} was not whole after {o.TimeoutSeconds} s ({TimeoutSetting}); given up"), ex);
        }
    }
}
