namespace GroupGuard.Host.Tests.Health;

/// <summary>
/// OpenTelemetry listens to the GroupGuard meter, and an activity listener to the GroupGuard source,
/// process-wide: a test that reads them must have the process to itself, or another test's service
/// would count in its figures. This collection runs alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry (process-wide listeners)";
}
