namespace BatchFactory.Tests.Ledgers;

public sealed class LedgerBackendTests
{
    [Fact]
    public void ToString_BuiltIns_PrintTheirNames()
    {
        Assert.Equal(("JSONL", "SQLite"), (LedgerBackend.Jsonl.ToString(), LedgerBackend.Sqlite.ToString()));
        Assert.Equal(("JSONL", "SQLite"), (LedgerBackend.Jsonl.Name, LedgerBackend.Sqlite.Name));
        Assert.Equal("backend SQLite", $"backend {LedgerBackend.Sqlite}");
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("")]
    public void LedgerLocation_NameThatCannotNameAFile_IsRefused(string name)
    {
        Assert.ThrowsAny<ArgumentException>(() => new LedgerLocation("p", "1", name, "/tmp"));
    }

    [Fact]
    public void LedgerLocation_FilePath_IsTheNameWithTheExtensionInTheFolder()
    {
        var location = new LedgerLocation("p", "1", "calls", "/data/p/1/ledgers");

        Assert.Equal(Path.Combine(Path.GetFullPath("/data/p/1/ledgers"), "calls.jsonl"), location.FilePath(".jsonl"));
        Assert.Equal(location, new LedgerLocation("p", "1", "calls", "/data/p/1/ledgers"));
        Assert.Equal("p 1 calls", location.ToString());
    }
}
