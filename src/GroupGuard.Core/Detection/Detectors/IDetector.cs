namespace GroupGuard.Core.Detection.Detectors;

/// <summary>A span of the text a detector found: offsets in UTF-16 code units of the text it was given.</summary>
internal readonly record struct DetectorMatch(int Start, int Length, string Value);

/// <summary>
/// A built-in detector (<c>detector: cn_id_card</c> in a rule). Runs on the original message text,
/// so its spans point at what the user wrote. Thread-safe and immutable; never throws on any input.
/// </summary>
internal interface IDetector
{
    string Name { get; }

    /// <summary>Fires only on text that came out of a picture's QR code (<see cref="TextOrigin.QrCode"/>), never on typed text.</summary>
    bool PayloadOnly => false;

    /// <summary>
    /// What a text must hold for the detector to find anything, by part (up to 64): each part's
    /// sets must all be met (strings of the original text, a digit written as
    /// <see cref="RequiredLiterals.DigitMark"/>). The engine runs the detector only where some part's
    /// sets are met and tells it which, in <see cref="Find(string, List{DetectorMatch}, ulong)"/>.
    /// Empty: the detector sees every text.
    /// </summary>
    IReadOnlyList<IReadOnlyList<LiteralSet>> Parts => [];

    /// <summary>Adds every match in <paramref name="text"/> to <paramref name="matches"/>, in text order.</summary>
    void Find(string text, List<DetectorMatch> matches);

    /// <summary>
    /// As <see cref="Find(string, List{DetectorMatch})"/>, where only the <see cref="Parts"/> whose
    /// bits are set in <paramref name="parts"/> can find anything in <paramref name="text"/>.
    /// </summary>
    void Find(string text, List<DetectorMatch> matches, ulong parts) => Find(text, matches);
}
