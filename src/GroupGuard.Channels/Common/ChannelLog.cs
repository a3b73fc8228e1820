using Microsoft.Extensions.Logging;

namespace GroupGuard.Channels;

internal static partial class ChannelLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Digest for {Leader} sent through {Type} channel {Channel} ({Parts} messages)")]
    public static partial void DigestSent(this ILogger logger, string leader, string type, string channel, int parts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest for {Leader} was delivered through {Type} channel {Channel} by an earlier try; not sent again")]
    public static partial void DigestAlreadyDelivered(this ILogger logger, string leader, string type, string channel);
}
