using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Images;
using GroupGuard.OneBot.V11;
using GroupGuard.OneBot.V12;

namespace GroupGuard.OneBot.Actions;

/// <summary>
/// A picture that came as a file id without a link. v11: <c>get_image</c> asks the implementation
/// for it (NapCat and LuckyLilliaBot answer <c>url</c> beside the local <c>file</c> path). v12:
/// <c>get_file</c> (<see cref="V12FileAnswer"/>), as the bot that heard the message; ComWeChat sends
/// every picture this way. The calls share the bot's rate limit with moderation.
/// </summary>
internal sealed partial class OneBotActionClient : IImageLocator
{
    IReadOnlyCollection<Protocol> IImageLocator.Protocols { get; } = [Protocol.OneBotV11, Protocol.OneBotV12];

    public async Task<PictureLocation?> LocateAsync(PictureSource source, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var options = _options.CurrentValue;
        if (Unroutable(source.Protocol, source.BotId, options) is not null)
        {
            return null;
        }

        if (source.Protocol == V12EventReader.Protocol)
        {
            return await GetFileAsync(source, maxBytes, options, cancellationToken).ConfigureAwait(false);
        }

        if (source.Protocol != V11EventReader.Protocol)
        {
            return null;
        }

        var outcome = await SendAsync(source.Protocol, source.BotId, "get_image", ActionRequests.V11Image(source.Image.File), options, cancellationToken).ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            return PictureLocation.Fail(outcome.Error!);
        }

        return outcome.Data.ValueKind == JsonValueKind.Object
            && outcome.Data.TryGetProperty("url", out var url)
            && url.ValueKind == JsonValueKind.String
            && url.GetString() is { Length: > 0 } link
            && IsHttp(link)
                ? PictureLocation.At(link)
                : PictureLocation.Fail("get_image answered without an http(s) url");
    }

    /// <summary>
    /// <c>get_file</c> with <c>type: "url"</c>: the bridge's own link (ComWeChat serves
    /// <c>http://{host}:{port}/get_file/{id}</c>), fetched within the picture limits. When the
    /// implementation cannot give a link (10004, Unsupported Param, as the spec allows) or gives
    /// none that can be fetched (a path on its machine), <c>type: "data"</c>: the bytes in the
    /// answer, base64, held to <paramref name="maxBytes"/>. A path is never read: the implementation's
    /// machine is not known to be this one.
    /// </summary>
    private async Task<PictureLocation> GetFileAsync(PictureSource source, long maxBytes, OneBotOptions options, CancellationToken cancellationToken)
    {
        if (source.Platform is not { Length: > 0 } platform)
        {
            return PictureLocation.Fail("get_file needs the bot's platform to name the bot, and the message did not say it");
        }

        var self = new ActionRequests.V12Self(platform, source.BotId);
        var asLink = await AskFileAsync(self, source.Image.File, V12FileAnswer.AsUrl, maxBytes, options, cancellationToken).ConfigureAwait(false);
        if (!asLink.Succeeded && asLink.Retcode != V12FileAnswer.UnsupportedParam)
        {
            return Failure(asLink, maxBytes);
        }

        if (asLink.Succeeded && V12FileAnswer.Read(asLink.Data, maxBytes) is { } located)
        {
            return located;
        }

        var asData = await AskFileAsync(self, source.Image.File, V12FileAnswer.AsData, maxBytes, options, cancellationToken).ConfigureAwait(false);
        if (!asData.Succeeded)
        {
            return Failure(asData, maxBytes);
        }

        return V12FileAnswer.Read(asData.Data, maxBytes) ?? PictureLocation.Fail(V12FileAnswer.Unusable(asData.Data));
    }

    private Task<CallOutcome> AskFileAsync(ActionRequests.V12Self self, string fileId, string type, long maxBytes, OneBotOptions options, CancellationToken cancellationToken)
    {
        var (name, body) = ActionRequests.V12GetFile(self, fileId, type);
        var call = V12Call(self.UserId, name, body, options) with { MaxAnswerBytes = V12FileAnswer.MaxAnswerBytes(maxBytes) };
        return _transport.SendAsync(call, options, cancellationToken);
    }

    /// <summary>Whether a link the implementation gave is one to fetch (http or https), not a path or another scheme.</summary>
    internal static bool IsHttp(string link) =>
        link.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || link.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private static PictureLocation Failure(CallOutcome outcome, long maxBytes) =>
        outcome.TooLarge
            ? PictureLocation.Refuse($"get_file answered more than a picture of {maxBytes} bytes takes ({outcome.Error})")
            : PictureLocation.Fail(outcome.Error!);
}
