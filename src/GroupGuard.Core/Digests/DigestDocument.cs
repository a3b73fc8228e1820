namespace GroupGuard.Core.Digests;

/// <summary>One digest as it is sent: the same content rendered for each kind of channel.</summary>
/// <param name="Leader">The leader's name, as configured.</param>
/// <param name="From">Start of the period covered (inclusive, by detection time).</param>
/// <param name="To">End of the period covered (exclusive).</param>
/// <param name="Title">A one-line title (email subject, DingTalk title).</param>
/// <param name="Markdown">Markdown (WeCom, DingTalk, the file channel). Lines are short; channels may split on line breaks. What members and platforms wrote is defused (<see cref="DigestMarkup.Escape"/>).</param>
/// <param name="Text">Plain text (Feishu, QQ private message, the plain part of an email). What members and platforms wrote stays as written, but its line breaks become spaces.</param>
/// <param name="Html">HTML (the HTML part of an email).</param>
/// <param name="IncidentIds">The incidents this digest reports.</param>
public sealed record DigestDocument(
    string Leader,
    DateTimeOffset From,
    DateTimeOffset To,
    string Title,
    string Markdown,
    string Text,
    string Html,
    IReadOnlyList<long> IncidentIds)
{
    /// <summary>
    /// The offending messages per day of the leader's groups over the 30 days up to <see cref="To"/>, as a
    /// PNG (<see cref="Charts.IncidentChart"/>); null when the digest has none. The email channel
    /// sends it inline in the HTML part; the other channels leave it out.
    /// </summary>
    public byte[]? ChartPng { get; init; }

    /// <summary>
    /// How many offending messages it counted, as its headline says them (发现 8 条违规消息; an
    /// alert's, those at its severity): a message of several hits once, those marked false positive left out.
    /// </summary>
    public int Messages { get; init; }
}
