namespace GroupGuard.Storage.Tests.Postgres;

/// <summary>The tests that run against PostgreSQL, sharing one server (each test makes its own databases).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
