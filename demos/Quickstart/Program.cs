// Quickstart: read topics, pick five at random (the same five every run), ask a model for a poem about each, and
// write them to the project folder. Offline by default; run it twice and the second run makes no call.
// While it runs, a live table shows each op's progress (a status line every few seconds when output is redirected).
// From the repository root:  dotnet run --project demos/Quickstart [-- --model gpt-4o-mini@openai] [--data-dir ./data]
using System.Text;
using BatchFactory;
using static BatchFactory.Ops;

var model = Option(args, "--model") ?? Environment.GetEnvironmentVariable("BATCHFACTORY_MODEL") ?? "gpt-4o-mini@offline";
var dataDirectory = Option(args, "--data-dir") ?? "data";

var topicsFile = DemoData.Find("topics.md");
var topics = File.ReadLines(topicsFile)
    .Where(line => line.StartsWith("- ", StringComparison.Ordinal))
    .Select(line => line[2..].Trim());

await using var project = ProjectFolder.Open("quickstart", "1", new ProjectFolderOptions { DataDirectory = dataDirectory });

var g = FromList(topics, outputKey: "keyword")
    | Shuffle(seed: 42)
    | TakeFirstN(5)
    | AskLLM("Write a four-line poem about {keyword}.", model, outputKey: "poem", systemPrompt: "You are a poet who writes short, concrete poems.")
    | ToList("keyword", "poem");

Console.WriteLine(g);
Console.WriteLine();

RunResult result;
try
{
    // Monitor: the console progress view (BatchFactory.Console). The run also writes its summary to
    // the project folder as runs/<start time>.summary.json.
    result = await g.RunAsync(new RunOptions { Project = project, Monitor = ConsoleProgress.Create() });
}
catch (ModelConfigurationException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}

var markdown = new StringBuilder("# Poems\n");
foreach (var poem in result.Values<Poem>())
{
    Console.WriteLine($"{poem.keyword}:\n{poem.poem}\n");
    markdown.Append("\n## ").Append(poem.keyword).Append("\n\n").Append(poem.poem).Append('\n');
}

var output = project["out/poems.md"];
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
File.WriteAllText(output + ".tmp", markdown.ToString());
File.Move(output + ".tmp", output, overwrite: true);

Console.WriteLine();
Console.Write(result.Summary());
Console.WriteLine($"Read topics from {Path.GetRelativePath(Environment.CurrentDirectory, topicsFile)}; wrote {result.Output.Count} poems to {Path.GetRelativePath(Environment.CurrentDirectory, output)}.");
return 0;

static string? Option(string[] args, string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

internal sealed record Poem(string keyword, string poem);

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
