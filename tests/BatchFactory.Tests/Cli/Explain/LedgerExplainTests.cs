using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Cli.Explain;

public sealed class LedgerExplainTests : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    private string ProjectPath => Path.Combine(_data.Path, "explain", "1");

    [Fact]
    public async Task Explain_EditedSystemPrompt_NamesTheSameEntryAndWhereThePromptDiffers()
    {
        await RunAsync(new AskOptions { SystemPrompt = "You are a poet." });
        await RunAsync(new AskOptions { SystemPrompt = "You are a painter." });

        var (code, output) = await CliRun.RunAsync("ledger", "explain", ProjectPath, "--op", "AskLLM", "--idx", "sea");

        Assert.Equal(0, code);
        Assert.Contains("Entry sea of op 'AskLLM › CallLLM'", output);
        Assert.Contains("Nearest stored request: the same entry's previous request", output);
        Assert.Contains("What differs (1):", output);
        Assert.Contains("system prompt: first differs at character 12 (line 1, column 12)", output);
    }

    [Fact]
    public async Task Explain_ChangedSetting_NamesTheSetting()
    {
        await RunAsync(new AskOptions { Llm = new LlmOptions { Temperature = 0.7 } });
        await RunAsync(new AskOptions { Llm = new LlmOptions { Temperature = 0.2 } });

        var (code, output) = await CliRun.RunAsync("ledger", "explain", ProjectPath, "--op", "AskLLM › CallLLM", "--idx", "fire");

        Assert.Equal(0, code);
        Assert.Contains("setting 'temperature': 0.7 stored, 0.2 in this entry's request", output);
    }

    [Fact]
    public async Task Explain_NewEntry_ComparesWithTheOpsMostSimilarRequest()
    {
        await RunAsync(new AskOptions(), "sea", "fire");
        await RunAsync(new AskOptions(), "sea", "fire", "seal");

        var (code, output) = await CliRun.RunAsync("ledger", "explain", ProjectPath, "--op", "AskLLM", "--idx", "seal");

        Assert.Equal(0, code);
        Assert.Contains("Nearest stored request: entry sea's", output);
        Assert.True(output.Contains("message 1 (user): first differs at character 27", StringComparison.Ordinal), output);
    }

    [Fact]
    public async Task Explain_UnknownEntry_ExitsWith2AndListsWhatIsThere()
    {
        await RunAsync(new AskOptions());

        var (code, output) = await CliRun.RunAsync("ledger", "explain", ProjectPath, "--op", "AskLLM", "--idx", "moon");

        Assert.Equal(2, code);
        Assert.Contains("holds no request of op 'AskLLM' for entry 'moon'", output);
        Assert.Contains("AskLLM › CallLLM (2)", output);
    }

    [Fact]
    public async Task Explain_OnlyRequestOfTheOp_SaysThereWasNothingBefore()
    {
        await RunAsync(new AskOptions(), "sea");

        var (code, output) = await CliRun.RunAsync("ledger", "explain", ProjectPath, "--op", "AskLLM");

        Assert.Equal(0, code);
        Assert.Contains("the op had asked nothing before it", output);
    }

    [Fact]
    public async Task CachedAnswer_WithRequestStoredBesideIt_IsServedUnchanged()
    {
        var first = await RunAsync(new AskOptions());
        var second = await RunAsync(new AskOptions());

        Assert.Equal(first.Values<string>(), second.Values<string>());
        Assert.Equal(2, second.CachedCalls);
    }

    [Fact]
    public async Task Explain_SqliteLedger_ExplainsAsAJsonlLedgerDoes()
    {
        await RunAsync(new AskOptions { Llm = new LlmOptions { Temperature = 0.7 } }, LedgerBackend.Sqlite, "sea", "fire");
        await RunAsync(new AskOptions { Llm = new LlmOptions { Temperature = 0.2 } }, LedgerBackend.Sqlite, "sea", "fire", "seal");

        var (code, output) = await CliRun.RunAsync("ledger", "explain", ProjectPath, "--op", "AskLLM", "--idx", "seal");

        Assert.Equal(0, code);
        Assert.Contains("Entry seal of op 'AskLLM › CallLLM'", output);
        Assert.Contains("Nearest stored request: entry sea's", output);
        Assert.Contains("What differs (1):", output);
        Assert.True(output.Contains("message 1 (user): first differs at character 27", StringComparison.Ordinal), output);
    }

    private Task<RunResult> RunAsync(AskOptions options, params string[] topics) => RunAsync(options, LedgerBackend.Jsonl, topics);

    private async Task<RunResult> RunAsync(AskOptions options, LedgerBackend backend, params string[] topics)
    {
        await using var project = ProjectFolder.Open("explain", "1", new ProjectFolderOptions { DataDirectory = _data.Path, Backend = backend });
        var graph = FromList(topics.Length == 0 ? ["sea", "fire"] : topics, outputKey: "topic", idxKey: "topic")
            | AskLLM("Write a poem about the {topic}.", "gpt-4o-mini@offline", "poem", options)
            | ToList("poem");
        return await graph.RunCheckedAsync(new RunOptions { Project = project }, TestRuns.Token);
    }
}
