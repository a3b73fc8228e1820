namespace GroupGuard.Core.Digests;

/// <summary>A channel's failure, in words a leader's operator can act on (never a secret).</summary>
public sealed class DigestChannelException(string message, Exception? inner = null) : Exception(message, inner);
