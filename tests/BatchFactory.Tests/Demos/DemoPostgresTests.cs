using BatchFactory.Demos;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Demos;

/// <summary>The demos' <c>--postgres</c>: a second machine (another data directory) running the demo on the same database makes no call.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DemoPostgresTests(PostgresServer postgres) : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Quickstart_WithPostgres_ASecondWorkerElsewhereIsServedFromTheSharedLedger()
    {
        var database = postgres.NewDatabase();
        var outputs = new List<string>();
        foreach (var machine in new[] { "one", "two" })
        {
            var output = new StringWriter();
            var code = await QuickstartDemo.RunAsync(["--data-dir", Path.Combine(_data.Path, machine), "--model", "gpt-4o-mini@offline", "--postgres", database], output, TestRuns.Token);
            Assert.True(code == 0, output.ToString());
            outputs.Add(output.ToString());
        }

        Assert.Contains("ledgers in PostgreSQL", outputs[0]);
        Assert.Contains("Calls: 5 made, 0 served from the ledger, 0 failed", outputs[0]);
        Assert.Contains("Calls: 0 made, 5 served from the ledger, 0 failed", outputs[1]);
        Assert.All(outputs, o => Assert.DoesNotContain(postgres.Password, o, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Quickstart_PostgresWithoutConnection_SaysWhichVariableToSet()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable("BATCHFACTORY_POSTGRES") is { Length: > 0 }, "BATCHFACTORY_POSTGRES is set here.");
        var output = new StringWriter();

        var code = await QuickstartDemo.RunAsync(["--data-dir", _data.Path, "--postgres"], output, TestRuns.Token);

        Assert.Equal(2, code);
        Assert.Contains("BATCHFACTORY_POSTGRES is not set", output.ToString());
    }
}
