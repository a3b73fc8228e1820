using System.Text.Json.Serialization;

namespace GroupGuard.Core.Digests;

/// <summary>A channel's failure, in words a leader's operator can act on (never a secret), and its <see cref="Kind"/>.</summary>
public sealed class DigestChannelException(string message, Exception? inner = null, ChannelErrorKind kind = ChannelErrorKind.Other) : Exception(message, inner)
{
    public DigestChannelException(string message, ChannelErrorKind kind)
        : this(message, null, kind)
    {
    }

    /// <summary>What kind of failure it is, for the console to say in its own words before the message.</summary>
    public ChannelErrorKind Kind { get; } = kind;
}

/// <summary>
/// What kind of failure a digest's or an alert's channel met (kept with the channel's outcome,
/// <see cref="ChannelOutcome.ErrorKind"/>), so that the console can say it in its words before the
/// channel's own (English, naming addresses and settings).
/// </summary>
public enum ChannelErrorKind
{
    /// <summary>None of the kinds below, or not known (an outcome recorded before kinds were kept).</summary>
    [JsonStringEnumMemberName("other")]
    Other,

    /// <summary>The channel is not set up: no channel of that name, no OneBot API for a QQ private message.</summary>
    [JsonStringEnumMemberName("not_configured")]
    NotConfigured,

    /// <summary>Nothing answered: the server could not be reached, or not within the time allowed.</summary>
    [JsonStringEnumMemberName("unreachable")]
    Unreachable,

    /// <summary>The other side answered and refused: an error status or code, a refused login, a failed private message.</summary>
    [JsonStringEnumMemberName("refused")]
    Refused,

    /// <summary>The answer broke off or was not the one expected: the digest may have arrived.</summary>
    [JsonStringEnumMemberName("uncertain")]
    Uncertain,

    /// <summary>The file channel could not write its file.</summary>
    [JsonStringEnumMemberName("write_failed")]
    WriteFailed,
}
