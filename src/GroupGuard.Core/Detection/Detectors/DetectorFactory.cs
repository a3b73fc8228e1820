using GroupGuard.Core.Images;

namespace GroupGuard.Core.Detection.Detectors;

/// <summary>Builds the detector a rule names (<c>detector: url</c>), for the rule loader.</summary>
internal static class DetectorFactory
{
    private static readonly string[] KnownNames =
    [
        ChineseIdCardDetector.DetectorName,
        ChineseMobileDetector.DetectorName,
        BankCardDetector.DetectorName,
        UrlDetector.DetectorName,
        QrDetector.DetectorName,
        PromoDetector.DetectorName,
    ];

    public static IReadOnlyCollection<string> Names { get; } = Array.AsReadOnly(KnownNames);

    /// <summary>
    /// The detector called <paramref name="name"/> (exact, lower case), or null with an
    /// <paramref name="error"/> for the rule author. <paramref name="allowDomains"/> and
    /// <paramref name="denyDomains"/> are for <c>url</c> only; see <see cref="DomainList"/>.
    /// <paramref name="kinds"/> is for <c>qr</c> only (<c>kinds:</c>, checked by the pack reader); null when not given.
    /// </summary>
    public static IDetector? Create(
        string name,
        IReadOnlyList<string> allowDomains,
        IReadOnlyList<string> denyDomains,
        TimeProvider time,
        out string? error,
        IReadOnlySet<QrKind>? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(allowDomains);
        ArgumentNullException.ThrowIfNull(denyDomains);
        ArgumentNullException.ThrowIfNull(time);
        error = null;

        if (name == QrDetector.DetectorName)
        {
            if (allowDomains.Count > 0 || denyDomains.Count > 0)
            {
                error = $"allow_domains and deny_domains apply only to detector: {UrlDetector.DetectorName}; a {QrDetector.DetectorName} code's links meet the url rules anyway";
                return null;
            }

            return new QrDetector(kinds ?? new HashSet<QrKind> { QrKind.Any });
        }

        if (kinds is not null)
        {
            error = $"kinds applies only to detector: {QrDetector.DetectorName}, not {name}";
            return null;
        }

        if (name == UrlDetector.DetectorName)
        {
            var allow = DomainList.Parse(allowDomains, "allow_domains", out error);
            var deny = allow is null ? null : DomainList.Parse(denyDomains, "deny_domains", out error);
            return allow is null || deny is null ? null : new UrlDetector(allow, deny);
        }

        IDetector? detector = name switch
        {
            ChineseIdCardDetector.DetectorName => new ChineseIdCardDetector(time),
            ChineseMobileDetector.DetectorName => new ChineseMobileDetector(),
            BankCardDetector.DetectorName => new BankCardDetector(),
            PromoDetector.DetectorName => new PromoDetector(),
            _ => null,
        };

        if (detector is null)
        {
            error = $"unknown detector '{name}' (known: {string.Join(", ", KnownNames)})";
            return null;
        }

        if (allowDomains.Count > 0 || denyDomains.Count > 0)
        {
            error = $"allow_domains and deny_domains apply only to detector: {UrlDetector.DetectorName}, not {name}";
            return null;
        }

        return detector;
    }
}
