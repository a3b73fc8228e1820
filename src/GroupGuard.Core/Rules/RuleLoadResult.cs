namespace GroupGuard.Core.Rules;

/// <summary>
/// The outcome of loading a rules folder: a rule set when there were no errors, and the problems
/// found: the first 100 of each kind, then a line saying how many more (<see cref="RuleProblems"/>);
/// <see cref="ErrorTotal"/> and <see cref="WarningTotal"/> count them all.
/// </summary>
public sealed record RuleLoadResult(RuleSet? RuleSet, IReadOnlyList<RuleError> Errors, IReadOnlyList<RuleError> Warnings)
{
    public bool Succeeded => RuleSet is not null;

    /// <summary>Every error found, listed or not.</summary>
    public int ErrorTotal { get; init; } = Errors.Count;

    /// <summary>Every warning found, listed or not.</summary>
    public int WarningTotal { get; init; } = Warnings.Count;
}
