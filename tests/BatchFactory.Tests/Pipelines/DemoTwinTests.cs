using BatchFactory.Demos;
using BatchFactory.Tests.Architecture;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Pipelines;

/// <summary>
/// Every YAML twin in demos/ makes the same requests as its C# demo (the same content-addressed cache keys, so the
/// same request bytes): a run of one after the other, in either order, makes no call, and both write the same files.
/// </summary>
public sealed class DemoTwinTests : IDisposable
{
    private const string Offline = "gpt-4o-mini@offline";

    // yaml file → its C# demo, its project folder under the data dir, the files it writes there, and its model calls.
    private static readonly Dictionary<string, Twin> Twins = new(StringComparer.Ordinal)
    {
        ["quickstart.yaml"] = new(QuickstartDemo.RunAsync, "quickstart/1", ["out/poems.md"], 5),
        ["qa-generation.yaml"] = new(QuestionGenerationDemo.RunAsync, "questiongeneration/1", ["out/qa.jsonl", "out/qa.parquet"], 20),
    };

    private readonly TempFolder _data = new();

    private delegate Task<int> DemoMain(string[] args, TextWriter output, CancellationToken cancellationToken);

    public static TheoryData<string> Files() => [.. Twins.Keys];

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Twins_CoverEveryYamlPipelineOfTheDemos()
    {
        var files = Directory.GetFiles(Path.Combine(SourceTree.Root, "demos"), "*.yaml").Select(Path.GetFileName);

        Assert.Equal(files.Order(StringComparer.Ordinal), Twins.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task YamlTwin_AfterItsCSharpDemo_MakesNoCall_AndWritesTheSameFiles(string file)
    {
        var twin = Twins[file];
        await RunDemoAsync(twin);
        var written = await ReadAndDeleteAsync(twin);

        var totals = await RunYamlAsync(file);

        Assert.Equal((0L, (long)twin.Calls), (totals.Calls, totals.Cached));
        Assert.Equal(written, await ReadAndDeleteAsync(twin));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task CSharpDemo_AfterItsYamlTwin_MakesNoCall(string file)
    {
        var twin = Twins[file];
        var first = await RunYamlAsync(file);
        Assert.Equal(((long)twin.Calls, 0L), (first.Calls, first.Cached));

        var output = await RunDemoAsync(twin);

        Assert.Contains($"Calls: 0 made, {twin.Calls} served from the ledger, 0 failed", output, StringComparison.Ordinal);
    }

    private async Task<string> RunDemoAsync(Twin twin)
    {
        var output = new StringWriter();
        var code = await twin.Demo(["--data-dir", _data.Path, "--model", Offline], output, TestRuns.Token);
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

    // The files a run wrote, as bytes, removed so the next run writes them anew.
    private async Task<byte[][]> ReadAndDeleteAsync(Twin twin)
    {
        var contents = new List<byte[]>();
        foreach (var path in twin.Outputs.Select(o => Path.Combine(_data.Path, twin.Project, o)))
        {
            contents.Add(await File.ReadAllBytesAsync(path, TestRuns.Token));
            File.Delete(path);
        }

        return [.. contents];
    }

    private sealed record Twin(DemoMain Demo, string Project, string[] Outputs, int Calls);
}
