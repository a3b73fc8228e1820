namespace GroupGuard.Core.Digests;

/// <summary>
/// A way to reach a leader (WeCom robot, DingTalk robot, Feishu bot, email, QQ private message,
/// file). Failure contract: <see cref="SendAsync"/> throws <see cref="DigestChannelException"/>
/// when the digest did not arrive (an HTTP 200 with a non-zero errcode included); the caller
/// records it per channel and goes on with the others.
/// </summary>
public interface IDigestChannel
{
    /// <summary>The channel's configured name (the key under <c>GroupGuard:Channels</c>).</summary>
    string Name { get; }

    /// <summary><c>wecom</c>, <c>dingtalk</c>, <c>feishu</c>, <c>email</c>, <c>onebot</c> or <c>file</c>.</summary>
    string Type { get; }

    /// <summary>
    /// Sends <paramref name="digest"/>. A channel that posts it in parts starts after the parts
    /// <paramref name="delivered"/> counts and adds each part it delivers to it.
    /// </summary>
    Task SendAsync(DigestDocument digest, DeliveredParts delivered, CancellationToken cancellationToken);
}
