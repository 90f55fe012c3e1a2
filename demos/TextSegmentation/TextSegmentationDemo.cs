using static BatchFactory.Ops;

namespace BatchFactory.Demos;

/// <summary>The TextSegmentation demo: divide and conquer with ListParallel, then ExplodeList into scenes.</summary>
public static class TextSegmentationDemo
{
    private const int ChunkSize = 12;

    private const string Prompt =
        "Paragraphs {first} to {last} of a story follow, one per line, each after its number.\n" +
        "List the numbers of the paragraphs that begin a new scene (a change of place, time or point of view), " +
        "separated by commas, or answer 'none'.\n\n{chunk}";

    /// <summary>Runs the demo; see <see cref="Demo.RunAsync"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where to print.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken) =>
        Demo.RunAsync("TextSegmentation", "split a story into scenes with parallel LLM calls over its chunks", "gpt-4o-mini@offline", args, RunAsync, output, cancellationToken);

    private static async Task<string[]> RunAsync(ConsoleRun run)
    {
        var project = run.Project;
        var output = project["out/scenes.md"];
        var label = AskLLM(Prompt, run.Model, "answer", new AskOptions { Mode = run.Options.Mode })
            | MapField((string answer, int first, int last) => SceneStarts.Parse(answer, first, last), ["answer", "first", "last"], "starts");

        var g = ReadMarkdownEntries(DemoData.Find("lighthouse_story.md"))
            | MapField((string text) => SceneStarts.Paragraphs(text), "text", "paragraphs")
            | MapField((string[] paragraphs) => SceneStarts.Chunks(paragraphs, ChunkSize), "paragraphs", ["chunks", "firsts", "lasts"])
            | ListParallel(label, ["chunks", "firsts", "lasts"], ["chunk", "first", "last"], ["starts"], ["starts"])
            | MapField((string[] paragraphs, int[][] starts) => SceneStarts.Scenes(paragraphs, starts), ["paragraphs", "starts"], "scenes")
            | ExplodeList("scenes", "text", indexKey: "scene")
            | MapField((string keyword, int scene) => (string[])[keyword, $"Scene {scene + 1}"], ["keyword", "scene"], "headings")
            | WriteMarkdownEntries(output);
        await run.RunAsync(g);
        return [output];
    }
}
