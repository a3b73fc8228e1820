namespace GroupGuard.Core.Detection.Detectors;

// Placeholder until the detectors branch lands; replaced by it.
internal static class DetectorFactory
{
    public static IReadOnlyCollection<string> Names { get; } = ["cn_id_card", "cn_mobile", "bank_card", "url"];

    public static IDetector? Create(string name, IReadOnlyList<string> allowDomains, IReadOnlyList<string> denyDomains, TimeProvider time, out string? error)
    {
        error = $"detector '{name}' is not available in this build";
        return null;
    }
}
