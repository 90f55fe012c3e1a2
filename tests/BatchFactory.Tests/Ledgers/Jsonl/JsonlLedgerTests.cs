namespace BatchFactory.Tests.Ledgers.Jsonl;

public sealed class JsonlLedgerTests() : LedgerContractTests(LedgerBackend.Jsonl)
{
    [Fact]
    public async Task Open_KeepsTheLedgerInNameDotJsonl()
    {
        await using var ledger = await OpenAsync();

        Assert.Equal(Location.FilePath(".jsonl"), ledger.Location);
        Assert.IsType<JsonlLedger>(ledger);
    }
}
