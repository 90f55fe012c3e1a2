using BatchFactory.Progress;
using Spectre.Console;

namespace BatchFactory;

/// <summary>
/// Shows runs on the console while they go: per op, entries in and out and, for ops that call a model, calls made,
/// served from the ledger and failed, tokens, cost, calls per second and an estimated time left. In a terminal it
/// draws a live table (Spectre.Console) a few times a second; otherwise (a pipe, a file, CI) it prints a compact
/// status line every few seconds. The library itself never prints: this is opt-in.
/// </summary>
/// <example>
/// <code>
/// var result = await graph.RunAsync(new RunOptions { Project = project, Monitor = ConsoleProgress.Create() });
/// </code>
/// </example>
public static class ConsoleProgress
{
    /// <summary>A new <see cref="RunMonitor"/> with the console view attached: the one call to see runs on the console.</summary>
    /// <param name="options">How to show runs; default <see cref="ConsoleProgressOptions"/>.</param>
    /// <returns>The monitor, for <see cref="RunOptions.Monitor"/>.</returns>
    public static RunMonitor Create(ConsoleProgressOptions? options = null)
    {
        var monitor = new RunMonitor();
        Attach(monitor, options);
        return monitor;
    }

    /// <summary>Shows the runs <paramref name="monitor"/> watches on the console, next to its other observers.</summary>
    /// <param name="monitor">The monitor given to the runs as <see cref="RunOptions.Monitor"/>.</param>
    /// <param name="options">How to show runs; default <see cref="ConsoleProgressOptions"/>.</param>
    /// <returns>Dispose it to stop showing runs.</returns>
    public static IDisposable Attach(RunMonitor monitor, ConsoleProgressOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        options ??= new ConsoleProgressOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.StatusInterval, TimeSpan.Zero, nameof(options));
        IObserver<RunEvent> view = IsInteractive(options)
            ? new LiveTableView(options.Console ?? AnsiConsole.Console)
            : new StatusLineView(options.Output ?? System.Console.Out, options.StatusInterval);
        return monitor.Subscribe(view);
    }

    private static bool IsInteractive(ConsoleProgressOptions options) =>
        options.Interactive ?? (options.Output is null && !System.Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive);
}
