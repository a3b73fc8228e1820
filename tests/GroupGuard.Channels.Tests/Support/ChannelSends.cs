using GroupGuard.Core.Digests;

namespace GroupGuard.Channels.Tests.Support;

internal static class ChannelSends
{
    /// <summary>A first try with nothing delivered before it and nothing kept of it.</summary>
    public static Task SendAsync(this IDigestChannel channel, DigestDocument digest, CancellationToken cancellationToken) =>
        channel.SendAsync(digest, DeliveredParts.None, cancellationToken);
}

/// <summary>What an outbox keeps of a channel's parts between tries: the count, and each count recorded.</summary>
internal sealed class PartsKept
{
    public List<int> Recorded { get; } = [];

    public int Count => Recorded.Count == 0 ? 0 : Recorded[^1];

    /// <summary>The next try's start: after the parts the earlier tries recorded.</summary>
    public DeliveredParts NextTry() => new(Count, parts =>
    {
        Recorded.Add(parts);
        return Task.CompletedTask;
    });
}
