using Spectre.Console;

namespace BatchFactory;

/// <summary>How <see cref="ConsoleProgress"/> shows a run.</summary>
public sealed class ConsoleProgressOptions
{
    /// <summary>
    /// Whether to draw the live table (one line per op, redrawn at each progress sample) or print a plain status line
    /// every <see cref="StatusInterval"/>. Default <see langword="null"/>: the live table when standard output is an
    /// interactive terminal, plain lines when it is redirected (a pipe, a file, CI).
    /// </summary>
    public bool? Interactive { get; init; }

    /// <summary>
    /// Where the plain status lines go. Default <see langword="null"/>: standard output. Giving a writer chooses plain
    /// lines unless <see cref="Interactive"/> is <see langword="true"/>.
    /// </summary>
    public TextWriter? Output { get; init; }

    /// <summary>Where the live table is drawn. Default <see langword="null"/>: <see cref="AnsiConsole.Console"/>.</summary>
    public IAnsiConsole? Console { get; init; }

    /// <summary>
    /// How often the plain view prints a status line, in run time (the run's <see cref="RunOptions.TimeProvider"/>).
    /// Default 5 seconds. The line after the final sample is always printed.
    /// </summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(5);
}
