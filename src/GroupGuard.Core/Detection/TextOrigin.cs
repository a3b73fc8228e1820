namespace GroupGuard.Core.Detection;

/// <summary>
/// Where a text that is matched came from. Every rule reads text of either origin alike, except
/// the <c>qr</c> detector, which fires only on what a QR code held: it names what a code is, and
/// typed text is no code.
/// </summary>
public enum TextOrigin
{
    /// <summary>What a member wrote: a message's text and the text of its cards.</summary>
    Typed,

    /// <summary>The payload of a QR code found in a picture of the message.</summary>
    QrCode,
}
