using BatchFactory.Demos;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Demos;

/// <summary>Each demo of the gallery runs offline end to end, writes its output, and makes no call when run again.</summary>
public sealed class DemoGalleryTests : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    private delegate Task<int> DemoMain(string[] args, TextWriter output, CancellationToken cancellationToken);

    [Fact]
    public async Task Quickstart_WritesFivePoems_AndTheSecondRunMakesNoCall()
    {
        var (first, second) = await RunTwiceAsync(QuickstartDemo.RunAsync);

        var markdown = await File.ReadAllTextAsync(Output("quickstart", "out/poems.md"), TestRuns.Token);
        Assert.StartsWith("# Poems", markdown);
        Assert.Equal(5, Count(markdown, "\n## "));
        Assert.Contains("Calls: 5 made, 0 served from the ledger, 0 failed", first);
        Assert.Contains("Calls: 0 made, 5 served from the ledger, 0 failed", second);
    }

    [Fact]
    public async Task Quickstart_Estimate_CountsFiveRequestsAndWritesNothing_ThenZeroAfterARun()
    {
        string[] args = ["--data-dir", _data.Path, "--model", "gpt-4o-mini@offline"];
        var before = new StringWriter();
        Assert.Equal(0, await QuickstartDemo.RunAsync([.. args, "--estimate"], before, TestRuns.Token));
        Assert.Contains("total: 5 requests", before.ToString());
        Assert.DoesNotContain("Calls:", before.ToString());
        Assert.False(File.Exists(Output("quickstart", "out/poems.md")));

        var run = new StringWriter();
        Assert.Equal(0, await QuickstartDemo.RunAsync(args, run, TestRuns.Token));
        Assert.Contains("Calls: 5 made", run.ToString());

        var after = new StringWriter();
        Assert.Equal(0, await QuickstartDemo.RunAsync([.. args, "--estimate"], after, TestRuns.Token));
        Assert.Contains("total: 0 requests", after.ToString());
    }

    [Fact]
    public async Task Roleplay_WritesEachDialogueWithFiveTeacherAndThreeStudentTurns_AndRerunsFromTheLedger()
    {
        var (first, second) = await RunTwiceAsync(RoleplayDemo.RunAsync);

        var markdown = await File.ReadAllTextAsync(Output("roleplay", "out/roleplay.md"), TestRuns.Token);
        Assert.Equal(3 * 5, Count(markdown, "**Teacher**: "));
        Assert.Equal(3 * 3, Count(markdown, "**Student**: "));
        Assert.Contains("Calls: 24 made, 0 served from the ledger, 0 failed", first);
        Assert.Contains("Calls: 0 made, 24 served from the ledger, 0 failed", second);
    }

    [Fact]
    public async Task TextSegmentation_WritesScenesThatTogetherHoldTheWholeStory()
    {
        var (first, second) = await RunTwiceAsync(TextSegmentationDemo.RunAsync);

        var scenes = await File.ReadAllTextAsync(Output("textsegmentation", "out/scenes.md"), TestRuns.Token);
        var story = await File.ReadAllTextAsync(DemoData.Find("lighthouse_story.md"), TestRuns.Token);
        Assert.StartsWith("# The Last Keeper of Carrow Point", scenes);
        Assert.Contains("## Scene 2", scenes);
        Assert.Equal(Words(story), Words(scenes.Replace("## Scene", string.Empty, StringComparison.Ordinal)) - CountScenes(scenes));
        Assert.Contains("0 made", second);
        Assert.DoesNotContain("Calls: 0 made", first);
    }

    [Fact]
    public async Task PromptManagement_WritesOneFileAndOnePromptLanguagePerLanguage()
    {
        await RunTwiceAsync(PromptManagementDemo.RunAsync);

        foreach (var (language, marker) in new[] { ("English", "Write a haiku"), ("Spanish", "Escribe un haiku"), ("German", "Schreibe ein Haiku") })
        {
            var text = await File.ReadAllTextAsync(Output("promptmanagement", $"out/haiku/{language}.md"), TestRuns.Token);
            Assert.Equal(4, Count(text, marker));
        }
    }

    [Fact]
    public async Task Embeddings_WritesEveryPairRankedByCosineSimilarity()
    {
        var (_, second) = await RunTwiceAsync(EmbeddingsDemo.RunAsync, "text-embedding-3-small@offline");

        var lines = await File.ReadAllLinesAsync(Output("embeddings", "out/similar_pairs.csv"), TestRuns.Token);
        Assert.Equal("first,second,similarity", lines[0]);
        Assert.Equal((30 * 29 / 2) + 1, lines.Length);
        var scores = lines[1..].Select(l => double.Parse(l[(l.LastIndexOf(',') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        Assert.Contains("Calls: 0 made, 30 served from the ledger", second);
    }

    [Fact]
    public async Task QuestionGeneration_WritesWellRatedTypedPairs_CountsTheAnswers_AndRerunsFromTheLedger()
    {
        var (first, second) = await RunTwiceAsync(QuestionGenerationDemo.RunAsync);

        var lines = await File.ReadAllLinesAsync(Output("questiongeneration", "out/qa.jsonl"), TestRuns.Token);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.InRange(System.Text.Json.Nodes.JsonNode.Parse(l)!["score"]!.GetValue<int>(), 3, 5));
        Assert.True(File.Exists(Output("questiongeneration", "out/qa.parquet")));
        Assert.Contains("answers: valid 5, repaired 0, invalid 0", first);
        Assert.Contains("answers: valid 15, repaired 0, invalid 0", first);
        Assert.Contains("Calls: 20 made, 0 served from the ledger, 0 failed", first);
        Assert.Contains("Calls: 0 made, 20 served from the ledger, 0 failed", second);
    }

    [Fact]
    public async Task Demo_WithAnUnknownProvider_FailsBeforeAnyCall_WithExitCode2()
    {
        var output = new StringWriter();

        var code = await RoleplayDemo.RunAsync(["--data-dir", _data.Path, "--model", "gpt-4o-mini@nowhere"], output, TestRuns.Token);

        Assert.Equal(2, code);
        Assert.Contains("nowhere", output.ToString());
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;

    private static int Words(string text) => text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;

    private static int CountScenes(string markdown) => Count(markdown, "## Scene");

    private string Output(string project, string file) => Path.Combine(_data.Path, project, "1", file);

    private async Task<(string First, string Second)> RunTwiceAsync(DemoMain demo, string model = "gpt-4o-mini@offline")
    {
        var outputs = new List<string>();
        for (var run = 0; run < 2; run++)
        {
            var output = new StringWriter();
            // The model is given, so that BATCHFACTORY_MODEL in the environment cannot send the test to a network.
            var code = await demo(["--data-dir", _data.Path, "--model", model], output, TestRuns.Token);
            Assert.True(code == 0, output.ToString());
            outputs.Add(output.ToString());
        }

        return (outputs[0], outputs[1]);
    }
}
