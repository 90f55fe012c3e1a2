using BatchFactory.Demos;
using BatchFactory.Tests.Architecture;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Pipelines;

/// <summary>
/// The demos' YAML twins make the same requests as the C# demos (the same cache keys), so a run of one after the other
/// makes no call, and write the same output.
/// </summary>
public sealed class DemoTwinTests : IDisposable
{
    private const string Offline = "gpt-4o-mini@offline";
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    private delegate Task<int> DemoMain(string[] args, TextWriter output, CancellationToken cancellationToken);

    [Fact]
    public async Task QuickstartYaml_AfterTheCSharpDemo_MakesNoCall_AndWritesTheSamePoems()
    {
        await RunDemoAsync(QuickstartDemo.RunAsync);
        var poems = await File.ReadAllTextAsync(Path.Combine(_data.Path, "quickstart", "1", "out", "poems.md"), TestRuns.Token);
        File.Delete(Path.Combine(_data.Path, "quickstart", "1", "out", "poems.md"));

        var totals = await RunYamlAsync("quickstart.yaml");

        Assert.Equal((0, 5), (totals.Calls, totals.Cached));
        Assert.Equal(poems, await File.ReadAllTextAsync(Path.Combine(_data.Path, "quickstart", "1", "out", "poems.md"), TestRuns.Token));
    }

    [Fact]
    public async Task CSharpQuickstart_AfterTheYamlTwin_MakesNoCall()
    {
        var first = await RunYamlAsync("quickstart.yaml");
        Assert.Equal((5, 0), (first.Calls, first.Cached));

        var output = await RunDemoAsync(QuickstartDemo.RunAsync);

        Assert.Contains("Calls: 0 made, 5 served from the ledger, 0 failed", output);
    }

    [Fact]
    public async Task QaGenerationYaml_AfterTheCSharpDemo_MakesNoCall_AndWritesTheSameRows()
    {
        await RunDemoAsync(QuestionGenerationDemo.RunAsync);
        var jsonl = Path.Combine(_data.Path, "questiongeneration", "1", "out", "qa.jsonl");
        var rows = await File.ReadAllTextAsync(jsonl, TestRuns.Token);
        File.Delete(jsonl);

        var totals = await RunYamlAsync("qa-generation.yaml");

        Assert.Equal((0, 20), (totals.Calls, totals.Cached));
        Assert.Equal(rows, await File.ReadAllTextAsync(jsonl, TestRuns.Token));
    }

    private async Task<string> RunDemoAsync(DemoMain demo)
    {
        var output = new StringWriter();
        var code = await demo(["--data-dir", _data.Path, "--model", Offline], output, TestRuns.Token);
        Assert.True(code == 0, output.ToString());
        return output.ToString();
    }

    private async Task<CallTotals> RunYamlAsync(string file)
    {
        var pipeline = PipelineFile.Load(Path.Combine(SourceTree.Root, "demos", file), [$"model={Offline}"]);
        await using var project = pipeline.OpenProject(_data.Path);
        var result = await pipeline.Build(project).RunAsync(new RunOptions { Project = project }, TestRuns.Token);
        Assert.Empty(result.Summary.Failures);
        return result.Summary.Totals;
    }
}
