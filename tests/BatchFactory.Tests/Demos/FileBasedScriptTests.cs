using System.Diagnostics;
using System.Text.Json.Nodes;
using BatchFactory.Tests.Architecture;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Demos;

/// <summary>
/// A .NET 10 file-based app (<c>dotnet run job.cs</c>) defaults to <c>PublishAot</c>, which turns reflection-based JSON
/// off: a script with only <c>#:project</c> must still run a graph with model settings, a typed answer of its own type
/// and its own records in entries, and write its summary. Runs the real <c>dotnet</c> in a fresh folder, so it builds:
/// the one slow test of the suite.
/// </summary>
public sealed class FileBasedScriptTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task DotnetRun_ScriptWithNoProperties_RunsAGraphWithLlmOptionsAndWritesItsSummary()
    {
        var library = Path.Combine(SourceTree.Root, "src", "BatchFactory", "BatchFactory.csproj");

        // The user's own package sources (the repository's), as any machine that restores has.
        File.Copy(Path.Combine(SourceTree.Root, "nuget.config"), _folder["nuget.config"]);
        await File.WriteAllTextAsync(_folder["job.cs"], $$"""
            #:project {{library}}
            using System.Text.Json.Serialization;
            using BatchFactory;
            using static BatchFactory.Ops;

            await using var project = ProjectFolder.Open("script", "1", new ProjectFolderOptions { DataDirectory = "data" });
            var g = FromList([new Topic("autumn rain", ["water", "leaves"]), new Topic("a lighthouse", ["sea"])])
                | AskLLM("Write a haiku about {Name}.", "gpt-4o-mini@offline", "haiku", new AskOptions { Llm = new LlmOptions { Temperature = 0.2, MaxTokens = 60, Stop = ["\n\n"] } })
                | AskLLM<Verdict>("Judge this haiku: {haiku}", "gpt-4o-mini@offline", "verdict", new AskOptions<Verdict> { JsonTypeInfo = ScriptJson.Default.Verdict })
                | MapField((List<string> words) => words.Count, "Words", "wordCount")
                | MapField((Verdict v) => v with { Reason = v.Reason.ToUpperInvariant() }, "verdict")
                | ToList("Name", "wordCount", "verdict");
            var result = await g.RunAsync(new RunOptions { Project = project, JsonTypeInfoResolver = ScriptJson.Default });
            foreach (var row in result.Output.Values<Row>())
            {
                Console.WriteLine($"row {row.Name}: {row.WordCount} words, score {row.Verdict.Score}");
            }

            Console.WriteLine("summary:" + result.Summary.ToJson().ReplaceLineEndings(" "));

            record Topic(string Name, List<string> Words);
            record Verdict(int Score, string Reason);
            record Row(string Name, [property: JsonPropertyName("wordCount")] int WordCount, [property: JsonPropertyName("verdict")] Verdict Verdict);

            [JsonSerializable(typeof(Topic))]
            [JsonSerializable(typeof(Verdict))]
            [JsonSerializable(typeof(Row))]
            partial class ScriptJson : JsonSerializerContext;
            """, TestRuns.Token);

        var (exitCode, output) = await DotnetRunAsync("job.cs");

        Assert.True(exitCode == 0, $"dotnet run job.cs exited with {exitCode}:\n{output}");
        Assert.Contains("row autumn rain: 2 words, score ", output);
        Assert.Contains("row a lighthouse: 1 words, score ", output);
        var printed = JsonNode.Parse(output[(output.IndexOf("summary:", StringComparison.Ordinal) + "summary:".Length)..])!;
        Assert.Equal("completed", printed["status"]!.GetValue<string>());
        Assert.Equal(4, printed["totals"]!["calls"]!.GetValue<long>());
        var written = Directory.GetFiles(Path.Combine(_folder.Path, "data", "script", "1", "runs"), "*.summary.json");
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Assert.Single(written), TestRuns.Token))!;
        Assert.Equal("completed", file["status"]!.GetValue<string>());
        Assert.Equal(4, file["totals"]!["calls"]!.GetValue<long>());
    }

    private async Task<(int ExitCode, string Output)> DotnetRunAsync(string script)
    {
        var start = new ProcessStartInfo("dotnet", ["run", script])
        {
            WorkingDirectory = _folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1", ["BATCHFACTORY_MODEL"] = null },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestRuns.Token);
        var stderr = process.StandardError.ReadToEndAsync(TestRuns.Token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet run {script} did not end within {Timeout}:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
