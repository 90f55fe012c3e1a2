namespace BatchFactory.Tests.Support;

/// <summary>The tests that share one throwaway <see cref="PostgresServer"/>; they run one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
