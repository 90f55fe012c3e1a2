using static BatchFactory.Ops;

namespace BatchFactory.Demos;

/// <summary>The Embeddings demo: EmbedText, then cosine similarity of every pair of topics, ranked.</summary>
public static class EmbeddingsDemo
{
    /// <summary>Runs the demo; see <see cref="Demo.RunAsync"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where to print.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken) =>
        Demo.RunAsync("Embeddings", "embed topics and rank every pair by cosine similarity", "text-embedding-3-small@offline", args, RunAsync, output, cancellationToken);

    private static async Task<string[]> RunAsync(ConsoleRun run)
    {
        // 1. Embed every topic (cached in the project's ledger: a second run makes no call).
        var embedded = await run.RunAsync(
            ReadMarkdownLines(DemoData.Find("topics.md"))
            | EmbedText("keyword", run.Model, options: new EmbedOptions { Mode = run.Options.Mode })
            | ToList("keyword", "embedding"));
        var topics = embedded.Output.Values().Select(v => new Topic((string)v!["keyword"]!, [.. v["embedding"]!.AsArray().Select(x => (float)x!)])).ToList();

        // 2. Score every pair and write them ranked, most similar first.
        var output = run.Project["out/similar_pairs.csv"];
        var ranked = await run.RunAsync(
            FromList(Pairs(topics))
            | Sort("similarity", descending: true)
            | WriteCsv(output, ["first", "second", "similarity"])
            | TakeFirstN(5)
            | ToList("first", "second", "similarity"));
        await run.Output.WriteLineAsync("\nMost similar pairs:");
        foreach (var pair in ranked.Output.Values())
        {
            await run.Output.WriteLineAsync($"  {pair!["similarity"]}  {pair["first"]} / {pair["second"]}");
        }

        return [output];
    }

    /// <summary>Every unordered pair of topics with the cosine similarity of their embeddings, rounded to 4 places.</summary>
    /// <param name="topics">The topics and their vectors.</param>
    /// <returns>One row per pair.</returns>
    public static IEnumerable<object> Pairs(IReadOnlyList<Topic> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        for (var i = 0; i < topics.Count; i++)
        {
            for (var j = i + 1; j < topics.Count; j++)
            {
                yield return new { first = topics[i].Keyword, second = topics[j].Keyword, similarity = Math.Round(Cosine(topics[i].Vector, topics[j].Vector), 4) };
            }
        }
    }

    /// <summary>The cosine of the angle between two vectors of the same length: 1 same direction, 0 unrelated, -1 opposite.</summary>
    /// <param name="a">A vector.</param>
    /// <param name="b">Another vector of the same length.</param>
    /// <returns>The cosine similarity.</returns>
    public static double Cosine(float[] a, float[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        double dot = 0, na = 0, nb = 0;
        for (var k = 0; k < a.Length; k++)
        {
            dot += a[k] * (double)b[k];
            na += a[k] * (double)a[k];
            nb += b[k] * (double)b[k];
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    /// <summary>A topic and its embedding.</summary>
    /// <param name="Keyword">The topic.</param>
    /// <param name="Vector">Its embedding.</param>
    public sealed record Topic(string Keyword, float[] Vector);
}
