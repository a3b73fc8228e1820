using GroupGuard.Core;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Channels;

/// <summary>
/// Sends the plain-text digest as a QQ private message through <see cref="IPrivateMessenger"/>,
/// looked up when sending so the channel exists even when no OneBot API is registered.
/// </summary>
internal sealed class OneBotChannel : IDigestChannel
{
    private readonly string _userId;
    private readonly Func<IPrivateMessenger?> _messenger;
    private readonly ILogger _logger;

    public OneBotChannel(string name, OneBotChannelOptions options, Func<IPrivateMessenger?> messenger, ILogger logger)
    {
        Name = name;
        _userId = options.UserId!;
        _messenger = messenger;
        _logger = logger;
    }

    public string Name { get; }

    public string Type => ChannelTypes.OneBot;

    public async Task SendAsync(DigestDocument digest, DeliveredParts delivered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var what = $"onebot channel '{Name}'";
        var messenger = _messenger()
            ?? throw new DigestChannelException($"{what}: no OneBot API is configured, so no QQ private message can be sent to {_userId}");

        Core.Moderation.ActionResult result;
        try
        {
            result = await messenger.SendPrivateAsync(_userId, digest.Text, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new DigestChannelException($"{what}: the QQ private message to {_userId} failed: {exception.Message}", exception);
        }

        if (result.Status != ActionStatus.Done)
        {
            throw new DigestChannelException(
                $"{what}: the QQ private message to {_userId} failed ({result.Status}): {result.Error ?? "no reason given"}");
        }

        _logger.DigestSent(digest.Leader, Type, Name, 1);
    }
}
