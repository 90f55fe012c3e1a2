using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BatchFactory.Demos;

/// <summary>The HostedWorker demo: a graph run by a generic-host worker, configured by <c>appsettings.json</c>.</summary>
public static class HostedWorkerDemo
{
    /// <summary>Builds the host, runs the worker once, and stops.</summary>
    /// <param name="args">The command line: configuration overrides such as <c>--Worker:Model=writer@fallback</c> or <c>--BatchFactory:Project:DataDirectory=./data</c>.</param>
    /// <param name="output">Where to print.</param>
    /// <param name="cancellationToken">Stops the host.</param>
    /// <returns>0 when the run completed cleanly; 1 when it completed with failures; 2 for a configuration error (named by its path); 3 when a provider was unavailable.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        try
        {
            builder.Services.AddBatchFactory(builder.Configuration);
        }
        catch (ModelConfigurationException ex)
        {
            await output.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }

        var outcome = new WorkerOutcome(output);
        builder.Services.AddSingleton(outcome);
        builder.Services.AddHostedService<PoemWorker>();
        using var host = builder.Build();
        await host.RunAsync(cancellationToken);
        return outcome.ExitCode;
    }
}
