namespace GroupGuard.Core.Rules;

/// <summary>The outcome of loading a rules folder: a rule set when there were no errors, and every problem found.</summary>
public sealed record RuleLoadResult(RuleSet? RuleSet, IReadOnlyList<RuleError> Errors, IReadOnlyList<RuleError> Warnings)
{
    public bool Succeeded => RuleSet is not null;
}
