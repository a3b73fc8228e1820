namespace GroupGuard.Core;

/// <summary>What <c>/healthz</c> says of storage.</summary>
public sealed record StorageStatus(string Provider, string Location, int SchemaVersion);
