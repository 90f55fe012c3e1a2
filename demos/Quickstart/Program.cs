// Quickstart (offline): read topics, pick five at random (the same five every run), derive a few fields,
// and print them. Run from the repository root:  dotnet run --project demos/Quickstart
using BatchFactory;
using static BatchFactory.Ops;

var topicsFile = DemoData.Find("topics.md");
var topics = File.ReadLines(topicsFile)
    .Where(line => line.StartsWith("- ", StringComparison.Ordinal))
    .Select(line => line[2..].Trim());

var g = FromList(topics, outputKey: "keyword")
    | Shuffle(seed: 42)
    | TakeFirstN(5)
    | MapField((string keyword) => keyword.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length, "keyword", "words")
    | MapField((string keyword, int words) => $"A {words}-word prompt: write a short poem about {keyword.ToLowerInvariant()}.", ["keyword", "words"], "prompt")
    | PrintField("prompt")
    | ToList("keyword", "words");

Console.WriteLine(g);
Console.WriteLine();

var result = await g.RunAsync();

Console.WriteLine();
foreach (var row in result.Values<Topic>())
{
    Console.WriteLine($"{row.words,2} words  {row.keyword}");
}

Console.WriteLine();
Console.WriteLine($"Read {result.Ops[0].Out} topics from {Path.GetRelativePath(Environment.CurrentDirectory, topicsFile)}, kept {result.Output.Count} in {result.Elapsed.TotalMilliseconds:F0} ms.");

internal sealed record Topic(string keyword, int words);

internal static class DemoData
{
    /// <summary>Finds a file in demo_data/ by walking up from the working directory, then from the program's folder.</summary>
    public static string Find(string name)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "demo_data", name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"Cannot find demo_data/{name}; run the demo from inside the repository.", name);
    }
}
