namespace GroupGuard.Core.Rules;

/// <summary>One term of a rule: as the administrator wrote it, and where.</summary>
public sealed record RuleTerm(string Text, string SourcePath, int Line);
