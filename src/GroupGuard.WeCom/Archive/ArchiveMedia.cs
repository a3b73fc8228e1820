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
/// within the picture byte cap, for the picture checks (QR codes, block list, text in pictures).
/// </summary>
internal sealed class ArchiveMedia(ArchiveSessionHolder holder, IOptions<WeComArchiveOptions> options) : IImageBytes
{
    public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.WeComArchive];

    public async Task<byte[]?> FetchAsync(Protocol protocol, string botId, string file, long maxBytes, CancellationToken cancellationToken)
    {
        if (protocol != Protocol.WeComArchive || holder.Session is not { } session || string.IsNullOrEmpty(file))
        {
            return null;
        }

        var o = options.Value;
        try
        {
            return await Task.Run(() => session.Sdk.GetMediaData(file, o.Proxy, o.ProxyPassword, o.TimeoutSeconds, maxBytes), cancellationToken).ConfigureAwait(false);
        }
        catch (FinanceSdkException ex) when (ex.TooLarge)
        {
            throw new InvalidDataException(ex.Message, ex);
        }
    }
}
