using BatchFactory.Testing;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Cli.Pipelines;

public sealed class RunCommandTests : IDisposable
{
    private const string Poems = """
        name: poems
        version: "2"
        vars:
          model: gpt-4o-mini@offline
        graph:
          - FromList: { items: [sea, fire, moon], outputKey: topic }
          - AskLLM: { prompt: "A poem about {topic}.", model: "${model}", outputKey: poem }
          - WriteJsonl: { path: out/poems.jsonl }
        """;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string DataDirectory => _folder["data"];

    private string OutputFile => Path.Combine(DataDirectory, "poems", "2", "out", "poems.jsonl");

    private string Pipeline(string yaml = Poems)
    {
        var path = _folder["pipeline.yaml"];
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public async Task Run_OfflinePipeline_WritesItsOutputsInTheProjectFolderAndExits0()
    {
        var (code, output) = await CliRun.RunAsync("run", Pipeline(), "--data-dir", DataDirectory);

        Assert.Equal(0, code);
        Assert.Equal(3, File.ReadAllLines(OutputFile).Length);
        Assert.Contains("poems with gpt-4o-mini@offline", output);
        Assert.Contains("Calls: 3 made, 0 served from the ledger, 0 failed", output);
        Assert.Contains($"Wrote {Path.GetRelativePath(Environment.CurrentDirectory, OutputFile)}", output);
        Assert.Single(output.Split('\n'), line => line.StartsWith("Wrote ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_Again_ServesEveryAnswerFromTheLedger()
    {
        await CliRun.RunAsync("run", Pipeline(), "--data-dir", DataDirectory);

        var (code, output) = await CliRun.RunAsync("run", Pipeline(), "--data-dir", DataDirectory);

        Assert.Equal(0, code);
        Assert.Contains("Calls: 0 made, 3 served from the ledger", output);
    }

    [Fact]
    public async Task Run_ModelOption_SetsTheModelVar()
    {
        var (code, output) = await CliRun.RunAsync("run", Pipeline(), "--data-dir", DataDirectory, "--model", "gpt-4o@offline");

        Assert.Equal(0, code);
        Assert.Contains("gpt-4o@offline: 3 calls", output);
    }

    [Fact]
    public async Task Run_SetOnAnOpArgument_ChangesTheGraph()
    {
        var (code, _) = await CliRun.RunAsync("run", Pipeline(), "--data-dir", DataDirectory, "--set", "graph.2.path=out/other.jsonl");

        Assert.Equal(0, code);
        Assert.True(File.Exists(Path.Combine(DataDirectory, "poems", "2", "out", "other.jsonl")));
        Assert.False(File.Exists(OutputFile));
    }

    [Fact]
    public async Task Run_Estimate_PrintsTheRequestsStillToPayAndWritesNothing()
    {
        var (code, output) = await CliRun.RunAsync("run", Pipeline(), "--data-dir", DataDirectory, "--estimate");

        Assert.Equal(0, code);
        Assert.Contains("total: 3 requests", output);
        Assert.Contains("Nothing was sent or written", output);
        Assert.False(File.Exists(OutputFile));
    }

    [Fact]
    public async Task Run_Batch_SendsTheModelOpsCallsInBatchMode()
    {
        var (code, output) = await CliRun.RunAsync("run", Pipeline(), "--data-dir", DataDirectory, "--batch");

        Assert.Equal(0, code);
        Assert.Contains("CallLLM(llm_request -> llm_response, Batch)", output);
        Assert.Contains("3 batch requests of gpt-4o-mini@offline were answered live", output);
    }

    [Fact]
    public async Task Run_UnknownOp_Exits2NamingTheFileLineAndColumnBeforeAnyCall()
    {
        var (code, output) = await CliRun.RunAsync("run", Pipeline(Poems.Replace("WriteJsonl", "WriteJsonL", StringComparison.Ordinal)), "--data-dir", DataDirectory);

        Assert.Equal(2, code);
        Assert.Contains($"error: {_folder["pipeline.yaml"]}:8:5: unknown op 'WriteJsonL'", output);
        Assert.False(Directory.Exists(Path.Combine(DataDirectory, "poems")));
    }

    [Fact]
    public async Task Run_MissingFile_Exits2()
    {
        var (code, output) = await CliRun.RunAsync("run", _folder["nowhere.yaml"], "--batch");

        Assert.Equal(2, code);
        Assert.Contains("does not exist", output);
    }

    [Fact]
    public async Task Run_FailedCall_Exits1AndSaysARerunRetriesIt()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
        server.FailNext(1, Failure.HttpStatus(400));
        var pipeline = Pipeline("""
            name: failing
            vars:
              server: http://127.0.0.1:1/v1
            batchfactory:
              Providers:
                local: { Kind: openai-compatible, BaseUrls: ["${server}"] }
              Broker: { Retry: { MaxRetries: 0 } }
            graph:
              - FromList: { items: [sea], outputKey: topic }
              - AskLLM: { prompt: "A poem about {topic}.", model: qwen3@local, outputKey: poem }
            """);

        var (code, output) = await CliRun.RunAsync("run", pipeline, "--data-dir", DataDirectory, "--set", $"server={server.BaseUri}");

        Assert.Equal(1, code);
        Assert.Contains("1 failed", output);
        Assert.Contains("run again to retry them", output);
    }
}
