namespace GroupGuard.Storage.Postgres;

/// <summary>
/// A PostgreSQL migration that another part of the service contributes (registered in the
/// container): Quartz's job store tables, which the host owns, are version 2. It runs with the
/// embedded ones, in version order, under the same advisory lock.
/// </summary>
public sealed record PostgresSchemaScript(int Version, string Name, string Sql);
