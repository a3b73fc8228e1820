namespace GroupGuard.Core.Rules;

/// <summary>A problem in a rule file, as <c>path:line: message</c>.</summary>
public sealed record RuleError(string Path, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{Path}:{Line}: {Message}" : $"{Path}: {Message}";
}
