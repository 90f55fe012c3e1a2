using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Ledgers;

public sealed class JsonlLedgerTests : LedgerContractTests
{
    protected override string Extension => ".jsonl";

    protected override async ValueTask<ILedger> OpenAsync(string path, LedgerOptions? options = null) =>
        await JsonlLedger.OpenAsync(path, options, TestRuns.Token);
}
