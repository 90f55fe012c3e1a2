using System.Runtime.InteropServices;

namespace BatchFactory;

/// <summary>
/// Ctrl+C (and SIGTERM) for console programs, in one line: the first asks the run to stop gracefully
/// (<see cref="StopToken"/>, for <see cref="RunOptions.StopToken"/>), the second cancels it at once
/// (<see cref="CancelToken"/>, for <c>RunAsync</c>'s token). The process is not ended, so the run's summary is still
/// printed and its project closed. Dispose to restore the default handling.
/// </summary>
/// <example>
/// <code>
/// using var stop = ConsoleStop.Listen(Console.Out);
/// var result = await g.RunAsync(new RunOptions { Project = project, StopToken = stop.StopToken }, stop.CancelToken);
/// </code>
/// </example>
public sealed class ConsoleStop : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _cancel = new();
    private readonly TextWriter? _output;
    private readonly PosixSignalRegistration? _terminate;
    private int _requests;

    private ConsoleStop(TextWriter? output, bool listen)
    {
        _output = output;
        if (listen)
        {
            Console.CancelKeyPress += OnCancelKeyPress;
            _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerminate);
        }
    }

    /// <summary>Cancelled by the first Ctrl+C or SIGTERM: pass it as <see cref="RunOptions.StopToken"/>.</summary>
    public CancellationToken StopToken => _stop.Token;

    /// <summary>Cancelled by the second: pass it to <c>RunAsync</c>.</summary>
    public CancellationToken CancelToken => _cancel.Token;

    /// <summary>Starts listening for Ctrl+C and SIGTERM.</summary>
    /// <param name="output">Where to say what a key press did (e.g. <see cref="Console.Out"/>); <see langword="null"/> to say nothing.</param>
    /// <returns>The listener; dispose it when the run is over.</returns>
    public static ConsoleStop Listen(TextWriter? output = null) => new(output, listen: true);

    /// <summary>A listener that is not wired to the console, for tests: <see cref="Request"/> plays a key press.</summary>
    internal static ConsoleStop Detached(TextWriter? output = null) => new(output, listen: false);

    /// <summary>What a Ctrl+C does: the first asks for a graceful stop, any later one cancels at once.</summary>
    internal void Request()
    {
        if (Interlocked.Increment(ref _requests) == 1)
        {
            _output?.WriteLine("Stopping: no new work is taken in; calls in flight finish and are recorded. Press Ctrl+C again to stop at once.");
            _ = _stop.CancelAsync();
        }
        else
        {
            _output?.WriteLine("Stopping at once.");
            _ = _cancel.CancelAsync();
        }
    }

    /// <summary>Restores the default Ctrl+C and SIGTERM handling.</summary>
    public void Dispose()
    {
        if (_terminate is not null)
        {
            Console.CancelKeyPress -= OnCancelKeyPress;
            _terminate.Dispose();
        }

        _stop.Dispose();
        _cancel.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        Request();
    }

    private void OnTerminate(PosixSignalContext context)
    {
        context.Cancel = true;
        Request();
    }
}
