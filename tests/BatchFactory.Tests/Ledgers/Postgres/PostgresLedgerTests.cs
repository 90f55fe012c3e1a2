using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Ledgers;

/// <summary>The ledger contract on a real PostgreSQL server, each test in a database of its own.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLedgerTests(PostgresServer server) : LedgerContractTests(LedgerBackend.Postgres(server.NewDatabase()))
{
    protected override bool FileBased => false;

    protected override bool SharedByProcesses => true;
}
