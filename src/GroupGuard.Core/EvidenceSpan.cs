namespace GroupGuard.Core;

/// <summary>A span of evidence in the stored message text (UTF-16 offsets).</summary>
public readonly record struct EvidenceSpan(int Start, int Length);
