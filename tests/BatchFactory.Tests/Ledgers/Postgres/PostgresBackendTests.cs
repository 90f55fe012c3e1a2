using BatchFactory.Tests.Support;
using Npgsql;

namespace BatchFactory.Tests.Ledgers;

/// <summary>What the PostgreSQL backend does beyond the ledger contract: its schema's version, and the password kept out.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBackendTests(PostgresServer server)
{
    private static readonly LedgerLocation Location = new("p", "1", "llm", Path.GetTempPath());

    [Fact]
    public async Task Open_DatabaseOfANewerSchema_IsRefusedSayingToUpgrade()
    {
        var database = server.NewDatabase();
        await (await LedgerBackend.Postgres(database).OpenAsync(Location, new LedgerOptions(), TestRuns.Token)).DisposeAsync();
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync(TestRuns.Token);
            await using var bump = new NpgsqlCommand("INSERT INTO batchfactory_schema (version) VALUES (99)", connection);
            await bump.ExecuteNonQueryAsync(TestRuns.Token);
        }

        var ex = await Assert.ThrowsAsync<LedgerException>(async () => await LedgerBackend.Postgres(database).OpenAsync(Location, new LedgerOptions(), TestRuns.Token));

        Assert.Contains("schema version 99", ex.Message);
        Assert.Contains("upgrade BatchFactory", ex.Message);
    }

    [Fact]
    public async Task Open_WrongPassword_ErrorNamesTheDatabaseButNeitherPassword()
    {
        var database = server.NewDatabase();
        var wrong = database.Replace(server.Password, "wrong-" + server.Password, StringComparison.Ordinal);

        var ex = await Assert.ThrowsAsync<LedgerException>(async () => await LedgerBackend.Postgres(wrong).OpenAsync(Location, new LedgerOptions(), TestRuns.Token));

        Assert.Contains($"postgresql://{PostgresServer.User}@127.0.0.1:{server.Port}/", ex.Message);
        Assert.Contains("password authentication failed", ex.ToString());
        Assert.DoesNotContain(server.Password, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(server.Password, ex.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_UnreadableConnectionString_IsRefusedWithoutQuotingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => LedgerBackend.Postgres($"Host=x;Password={server.Password};Bogus Keyword=1"));

        Assert.DoesNotContain(server.Password, ex.ToString(), StringComparison.Ordinal);
        Assert.Contains("Host=", ex.Message);
    }
}
