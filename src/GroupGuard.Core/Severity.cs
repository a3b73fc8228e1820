namespace GroupGuard.Core;

/// <summary>How serious a rule's hit is. Stored and exported in lower case.</summary>
public enum Severity
{
    Low,
    Medium,
    High,
    Critical,
}
