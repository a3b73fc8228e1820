using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Images;
using GroupGuard.OneBot.V11;

namespace GroupGuard.OneBot.Actions;

/// <summary>
/// A v11 picture that came as a file id without a link: <c>get_image</c> asks the implementation
/// for it (NapCat and LuckyLilliaBot answer <c>url</c> beside the local <c>file</c> path). The call
/// shares the bot's rate limit with moderation; implementations give a link in the segment itself,
/// so it is rare.
/// </summary>
internal sealed partial class OneBotActionClient : IImageLocator
{
    IReadOnlyCollection<Protocol> IImageLocator.Protocols { get; } = [Protocol.OneBotV11];

    public async Task<string?> LocateAsync(Protocol protocol, string botId, string file, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        if (protocol != V11EventReader.Protocol || Unroutable(protocol, botId, options) is not null)
        {
            return null;
        }

        var outcome = await SendAsync(protocol, botId, "get_image", ActionRequests.V11Image(file), options, cancellationToken).ConfigureAwait(false);
        return outcome.Succeeded
            && outcome.Data.ValueKind == JsonValueKind.Object
            && outcome.Data.TryGetProperty("url", out var url)
            && url.ValueKind == JsonValueKind.String
            && url.GetString() is { Length: > 0 } link
            && (link.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || link.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                ? link
                : null;
    }
}
