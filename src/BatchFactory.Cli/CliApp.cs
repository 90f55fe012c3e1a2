using System.CommandLine;

namespace BatchFactory.Cli;

/// <summary>
/// The <c>batchfactory</c> command: its sub-commands, each writing to one <see cref="TextWriter"/> and returning a
/// process exit code, so tests run them in-process.
/// </summary>
internal static class CliApp
{
    /// <summary>Parses <paramref name="args"/> and runs the command they name.</summary>
    /// <param name="args">The command line, without the program's name.</param>
    /// <param name="output">Where the command prints (errors too).</param>
    /// <param name="cancellationToken">Stops the command.</param>
    /// <returns>The exit code: 0 done; 1 a run completed with failures; 2 bad arguments or input; 3 a provider was unavailable; 130 stopped by Ctrl+C.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var root = Build(output);
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = output,
            // Runs listen for Ctrl+C themselves (ConsoleStop): the first press stops gracefully.
            ProcessTerminationTimeout = null,
        };
        return root.Parse(args).InvokeAsync(configuration, cancellationToken);
    }

    /// <summary>The root command with every sub-command.</summary>
    public static RootCommand Build(TextWriter output)
    {
        var root = new RootCommand("batchfactory: run YAML pipelines of LLM calls, look into their ledgers, list and compare their runs.");
        root.Subcommands.Add(RunCommand.Build(output));
        root.Subcommands.Add(ValidateCommand.Build(output));
        root.Subcommands.Add(GraphCommand.Build(output));
        root.Subcommands.Add(OpsCommand.Build(output));
        root.Subcommands.Add(LedgerCommands.Build(output));
        root.Subcommands.Add(RunsCommands.Build(output));
        return root;
    }
}
