using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Ledgers;

/// <summary>A backend that keeps no files passes the same contract: the suite does not assume a file.</summary>
public sealed class MemoryLedgerTests() : LedgerContractTests(new MemoryLedgerBackend())
{
    protected override bool FileBased => false;
}
