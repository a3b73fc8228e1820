namespace GroupGuard.Core.Digests;

/// <summary>The configured channels by name.</summary>
public interface IDigestChannels
{
    IReadOnlyCollection<string> Names { get; }

    /// <summary>The channel, or null when no channel of that name is configured.</summary>
    IDigestChannel? Get(string name);
}
