#!/usr/bin/env dotnet
// The shortest way in: a .NET 10 file-based app. From the repository root:  dotnet run demos/quickstart.cs
// Asks a model for a haiku about three topics (offline unless BATCHFACTORY_MODEL names another model, e.g.
// gpt-4o-mini@openai with OPENAI_API_KEY set), caches the answers in ./data/quickstart-script, prints them.
#:project ../src/BatchFactory/BatchFactory.csproj
using BatchFactory;
using static BatchFactory.Ops;

var model = Environment.GetEnvironmentVariable("BATCHFACTORY_MODEL") ?? "gpt-4o-mini@offline";
await using var project = ProjectFolder.Open("quickstart-script", "1");

var g = FromList(["autumn rain", "a lighthouse", "morning coffee"], outputKey: "topic")
    | AskLLM("Write a haiku about {topic}.", model, "haiku")
    | ToList("topic", "haiku");

using var stop = ConsoleStop.Listen(Console.Out);   // Ctrl+C once: stop gracefully; twice: at once
var result = await g.RunAsync(new RunOptions { Project = project, StopToken = stop.StopToken }, stop.CancelToken);
foreach (var row in result.Output.Values())
{
    Console.WriteLine($"{row!["topic"]}: {row["haiku"]}");
}

Console.Write(result.Summary);
