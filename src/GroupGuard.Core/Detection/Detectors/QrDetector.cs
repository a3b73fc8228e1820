using GroupGuard.Core.Images;

namespace GroupGuard.Core.Detection.Detectors;

/// <summary>
/// <c>qr</c>: a QR code found in a picture, by what it is (<c>kinds:</c>). It fires only on text
/// that came out of a QR code (<see cref="TextOrigin.QrCode"/>), never on what someone typed: a
/// link to a WeChat group written as text is the <c>url</c> detector's and the terms' business.
/// The whole payload is the match.
/// </summary>
internal sealed class QrDetector(IReadOnlySet<QrKind> kinds) : IDetector
{
    public const string DetectorName = "qr";

    public string Name => DetectorName;

    public bool PayloadOnly => true;

    public IReadOnlySet<QrKind> Kinds => kinds;

    public void Find(string text, List<DetectorMatch> matches)
    {
        if (text.Length == 0)
        {
            return;
        }

        var kind = QrPayloads.Classify(text);
        if (kinds.Contains(QrKind.Any) || kinds.Contains(kind))
        {
            matches.Add(new DetectorMatch(0, text.Length, text));
        }
    }
}
