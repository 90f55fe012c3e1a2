using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Cli.Ledgers;

public sealed class LedgerCommandsTests : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    private string ProjectPath => Path.Combine(_data.Path, "ledgers", "1");

    [Fact]
    public async Task Stats_ProjectFolder_CountsRequestsByOpAndModelWithTokens()
    {
        await RunAsync(LedgerBackend.Jsonl, "gpt-4o-mini@offline");
        await RunAsync(LedgerBackend.Jsonl, "gpt-4o@offline");

        var (code, output) = await CliRun.RunAsync("ledger", "stats", ProjectPath);

        Assert.Equal(0, code);
        Assert.Contains("llm.jsonl (JSONL,", output);
        Assert.Contains("records: 4 keys (4 answers or entries, 0 failures)", output);
        Assert.Contains("by op: AskLLM › CallLLM 4", output);
        Assert.Contains("by model: gpt-4o-mini@offline 2, gpt-4o@offline 2", output);
        Assert.Matches(@"tokens: \d+ in, \d+ out", output);
    }

    [Fact]
    public async Task Compact_SqliteLedger_KeepsEveryKey()
    {
        await RunAsync(LedgerBackend.Sqlite, "gpt-4o-mini@offline");

        var (code, output) = await CliRun.RunAsync("ledger", "compact", Path.Combine(ProjectPath, "ledgers", "llm.sqlite"));

        Assert.Equal(0, code);
        Assert.Contains("llm.sqlite: 2 keys;", output);
        var (_, stats) = await CliRun.RunAsync("ledger", "stats", ProjectPath);
        Assert.Contains("records: 2 keys", stats);
    }

    [Fact]
    public async Task Repair_TornLineInTheMiddle_KeepsTheReadableRecordsAndBacksUp()
    {
        await RunAsync(LedgerBackend.Jsonl, "gpt-4o-mini@offline");
        var file = Path.Combine(ProjectPath, "ledgers", "llm.jsonl");
        var lines = await File.ReadAllLinesAsync(file, TestRuns.Token);
        await File.WriteAllLinesAsync(file, [lines[0], lines[1], "{\"k\":\"torn", lines[2]], TestRuns.Token);

        var (code, output) = await CliRun.RunAsync("ledger", "repair", file);

        Assert.Equal(0, code);
        Assert.Contains("kept 2 records, set aside 1 unreadable line(s) (3)", output);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(file)!, "llm.jsonl.bak-*"));
    }

    [Fact]
    public async Task Stats_PathThatDoesNotExist_ExitsWith2AndSaysWhatToGive()
    {
        var (code, output) = await CliRun.RunAsync("ledger", "stats", Path.Combine(_data.Path, "nowhere"));

        Assert.Equal(2, code);
        Assert.Contains("There is no file or folder", output);
    }

    [Fact]
    public async Task Help_ListsTheCommands()
    {
        var (code, output) = await CliRun.RunAsync("--help");

        Assert.Equal(0, code);
        Assert.Contains("ledger", output);
        Assert.Contains("runs", output);
    }

    private async Task RunAsync(LedgerBackend backend, string model)
    {
        await using var project = ProjectFolder.Open("ledgers", "1", new ProjectFolderOptions { DataDirectory = _data.Path, Backend = backend });
        var graph = FromList(["sea", "fire"], outputKey: "topic", idxKey: "topic") | AskLLM("A poem about the {topic}.", model, "poem") | ToList("poem");
        await graph.RunCheckedAsync(new RunOptions { Project = project }, TestRuns.Token);
    }
}
