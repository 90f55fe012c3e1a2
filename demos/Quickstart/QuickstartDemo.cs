using static BatchFactory.Ops;

namespace BatchFactory.Demos;

/// <summary>The Quickstart demo: a linear LLM transform with caching and resume.</summary>
public static class QuickstartDemo
{
    /// <summary>Runs the demo; see <see cref="Demo.RunAsync"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where to print.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken) =>
        Demo.RunAsync("Quickstart", "ask a model for a poem about five topics, cached in the project's ledger", "gpt-4o-mini@offline", args, RunAsync, output, cancellationToken);

    private static async Task<string[]> RunAsync(ConsoleRun run)
    {
        var poems = run.Project["out/poems.md"];
        var g = ReadMarkdownLines(DemoData.Find("topics.md"))
            | Shuffle(seed: 42)
            | TakeFirstN(5)
            | AskLLM("Write a four-line poem about {keyword}.", run.Model, "poem", new AskOptions { SystemPrompt = "You are a poet who writes short, concrete poems.", Mode = run.Options.Mode })
            | MapField((string keyword) => (string[])["Poems", keyword], "keyword", "headings")
            | WriteMarkdownEntries(poems, textKey: "poem")
            | ToList("keyword", "poem");
        var result = await run.RunAsync(g);
        foreach (var poem in result.Output.Values())
        {
            await run.Output.WriteLineAsync($"\n{poem!["keyword"]}:\n{poem["poem"]}");
        }

        return [poems];
    }
}
