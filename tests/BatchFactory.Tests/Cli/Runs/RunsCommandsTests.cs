using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Cli.Runs;

public sealed class RunsCommandsTests : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    private string ProjectPath => Path.Combine(_data.Path, "runs", "1");

    [Fact]
    public async Task Compare_SecondRunServedFromTheLedger_ShowsCallsAndCachedSideBySide()
    {
        await RunAsync("gpt-4o-mini@offline");
        await RunAsync("gpt-4o-mini@offline");

        var (code, output) = await CliRun.RunAsync("runs", "compare", ProjectPath);

        Assert.Equal(0, code);
        Assert.Matches(@"\[2\] AskLLM › CallLLM\s+2\s+2\s+2 → 0\s+0 → 2\s+0", output);
        Assert.Contains("[2] AskLLM › CallLLM: 2 calls, 0 from the ledger, 0 failed → 0, 2, 0", output);
    }

    [Fact]
    public async Task Compare_OtherModel_SaysWhichModelChanged()
    {
        await RunAsync("gpt-4o-mini@offline");
        await RunAsync("gpt-4o@offline");

        var (code, output) = await CliRun.RunAsync("runs", "compare", ProjectPath, "1", "2");

        Assert.Equal(0, code);
        Assert.Contains("[2] AskLLM › CallLLM: model gpt-4o-mini@offline → gpt-4o@offline", output);
    }

    [Fact]
    public async Task Compare_LongerPrompt_ShowsTheTokensThatChanged()
    {
        await RunAsync("gpt-4o-mini@offline");
        await RunAsync("gpt-4o-mini@offline", "A long poem, in the style of the old masters, about the {topic}.");

        var (code, output) = await CliRun.RunAsync("runs", "compare", ProjectPath);

        Assert.Equal(0, code);
        Assert.Matches(@"\[2\] AskLLM › CallLLM: tokens (\d+) in / \d+ out → (\d+) in / \d+ out", output);
        Assert.DoesNotContain("Nothing changed", output);
    }

    [Fact]
    public async Task List_TwoRuns_OneLineEachOldestFirst()
    {
        await RunAsync("gpt-4o-mini@offline");
        await RunAsync("gpt-4o-mini@offline");

        var (code, output) = await CliRun.RunAsync("runs", "list", ProjectPath);

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^1\s+\S+\.summary\.json\s+Completed\s+\S+ s\s+2\s+2\s+0\s+0", lines[1]);
        Assert.Matches(@"^2\s+\S+\.summary\.json\s+Completed\s+\S+ s\s+2\s+0\s+2\s+0", lines[2]);
    }

    [Fact]
    public async Task Show_Latest_PrintsItsSummary()
    {
        await RunAsync("gpt-4o-mini@offline");

        var (code, output) = await CliRun.RunAsync("runs", "show", ProjectPath);

        Assert.Equal(0, code);
        Assert.Contains("Calls: 2 made, 0 served from the ledger, 0 failed", output);
    }

    [Fact]
    public async Task Show_RunThatDoesNotExist_ExitsWith2()
    {
        await RunAsync("gpt-4o-mini@offline");

        var (code, output) = await CliRun.RunAsync("runs", "show", ProjectPath, "5");

        Assert.Equal(2, code);
        Assert.Contains("There is no run 5: the project has 1 run(s)", output);
    }

    [Fact]
    public async Task List_FolderWithoutRuns_ExitsWith2()
    {
        var (code, output) = await CliRun.RunAsync("runs", "list", _data.Path);

        Assert.Equal(2, code);
        Assert.Contains("has no runs yet", output);
    }

    private async Task RunAsync(string model, string prompt = "A poem about the {topic}.")
    {
        await using var project = ProjectFolder.Open("runs", "1", new ProjectFolderOptions { DataDirectory = _data.Path });
        var graph = FromList(["sea", "fire"], outputKey: "topic", idxKey: "topic") | AskLLM(prompt, model, "poem") | ToList("poem");
        await graph.RunCheckedAsync(new RunOptions { Project = project }, TestRuns.Token);
    }
}
