using GroupGuard.Core;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Channels;

/// <summary>
/// Sends the plain-text digest as QQ private messages through <see cref="IPrivateMessenger"/>,
/// looked up when sending so the channel exists even when no OneBot API is registered. A digest
/// longer than <see cref="MaxTextChars"/> is split on line ends into messages sent in order, each
/// counted delivered as QQ takes it: a retry, after a failed message or a crash, starts after the
/// messages delivered (<see cref="DeliveredParts"/>) and sends none of them again.
/// </summary>
internal sealed class OneBotChannel : IDigestChannel
{
    /// <summary>
    /// QQ documents no limit for a private message, but refuses very long ones; the limits reported
    /// by QQ protocol libraries are 4,500 characters a message (mirai) and about 18,000 UTF-8 bytes,
    /// 6,000 Chinese characters (oicq). 3,000 characters (at most 9,000 bytes, with room for the
    /// escaping of a CQ-code string) stays well under both.
    /// </summary>
    public const int MaxTextChars = 3_000;

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
        ArgumentNullException.ThrowIfNull(delivered);
        var parts = MessageSplitter.Split(digest.Text, MaxTextChars, MessageSplitter.Utf16Chars);
        if (delivered.Count >= parts.Count)
        {
            // QQ took every message on a try whose outcome was not recorded (a crash right after).
            _logger.DigestAlreadyDelivered(digest.Leader, Type, Name);
            return;
        }

        var messenger = _messenger()
            ?? throw new DigestChannelException($"onebot channel '{Name}': no OneBot API is configured, so no QQ private message can be sent to {_userId}", ChannelErrorKind.NotConfigured);
        for (var i = delivered.Count; i < parts.Count; i++)
        {
            var what = RobotAnswer.Describe(Type, Name, i, parts.Count);
            Core.Moderation.ActionResult result;
            try
            {
                result = await messenger.SendPrivateAsync(_userId, parts[i], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new DigestChannelException($"{what}: the QQ private message to {_userId} failed: {exception.Message}", exception, ChannelErrorKind.Unreachable);
            }

            if (result.Status != ActionStatus.Done)
            {
                throw new DigestChannelException(
                    $"{what}: the QQ private message to {_userId} failed ({result.Status}): {result.Error ?? "no reason given"}",
                    result.ErrorKind is ActionErrorKind.Unreachable ? ChannelErrorKind.Unreachable : result.ErrorKind is ActionErrorKind.NotConfigured ? ChannelErrorKind.NotConfigured : ChannelErrorKind.Refused);
            }

            await delivered.AddAsync().ConfigureAwait(false);
        }

        _logger.DigestSent(digest.Leader, Type, Name, parts.Count);
    }
}
