namespace GroupGuard.Core.Detection;

/// <summary>
/// Where a text that is matched came from. Every rule reads text of any origin alike, except
/// the <c>qr</c> detector, which fires only on what a QR code held: it names what a code is, and
/// neither typed text nor text read off a picture is a code.
/// </summary>
public enum TextOrigin
{
    /// <summary>What a member wrote: a message's text and the text of its cards.</summary>
    Typed,

    /// <summary>The payload of a QR code found in a picture of the message.</summary>
    QrCode,

    /// <summary>Text read off a picture of the message by OCR (<c>GroupGuard:Images:Ocr</c>).</summary>
    PictureText,
}
