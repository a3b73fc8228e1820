namespace GroupGuard.Core.Rules;

public sealed record RulePack
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Category { get; init; }
    public required Severity Severity { get; init; }
    public required ModerationAction Action { get; init; }
    public int MuteMinutes { get; init; }
    public RuleMode Mode { get; init; }
    public required GroupScope Groups { get; init; }
    public required string SourcePath { get; init; }
    public required IReadOnlyList<Rule> Rules { get; init; }
}
