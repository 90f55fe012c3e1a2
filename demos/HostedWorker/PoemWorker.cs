using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using static BatchFactory.Ops;

namespace BatchFactory.Demos;

/// <summary>Runs the poem graph once with the run options from DI, prints the summary, and stops the host.</summary>
/// <param name="options">The run defaults <c>AddBatchFactory</c> registered: providers, broker, prices, project, logging, clock.</param>
/// <param name="configuration">The <c>Worker</c> section: <c>Model</c> and <c>Topics</c>.</param>
/// <param name="outcome">Where to print and leave the exit code.</param>
/// <param name="lifetime">Stopped when the run is over.</param>
public sealed class PoemWorker(RunOptions options, IConfiguration configuration, WorkerOutcome outcome, IHostApplicationLifetime lifetime) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var model = configuration["Worker:Model"] ?? "gpt-4o-mini@offline";
            var topics = configuration.GetValue("Worker:Topics", 5);
            await outcome.Output.WriteLineAsync($"HostedWorker with {model}; project folder {options.Project?.FullPath}");
            var graph = ReadMarkdownLines(DemoData.Find("topics.md"))
                | TakeFirstN(topics)
                | AskLLM("Write a four-line poem about {keyword}.", model, "poem")
                | ToList("keyword", "poem");
            var result = await graph.RunAsync(options, stoppingToken);
            await outcome.Output.WriteLineAsync(result.Summary.ToString());
            outcome.ExitCode = result.Summary.Status == RunStatus.Completed ? 0 : 1;
        }
        catch (ModelConfigurationException ex)
        {
            await outcome.Output.WriteLineAsync($"error: {ex.Message}");
            outcome.ExitCode = 2;
        }
        catch (ProviderUnavailableException ex)
        {
            await outcome.Output.WriteLineAsync($"error: {ex.Message}");
            outcome.ExitCode = 3;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
