using System.Runtime.InteropServices;

namespace BatchFactory.ResumeProbe;

/// <summary>
/// Turns Ctrl+C (SIGINT) and SIGTERM into a cancellation request instead of ending the process, so that the run
/// stops cooperatively and the project is disposed. Dispose to restore the default handling.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _terminate;

    public StopSignals(CancellationTokenSource stop)
    {
        _stop = stop;
        Console.CancelKeyPress += OnCancelKeyPress;
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerminate);
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _terminate.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        RequestStop();
    }

    private void OnTerminate(PosixSignalContext context)
    {
        context.Cancel = true;
        RequestStop();
    }

    // The cancellation callbacks (the run's blocks) run on the thread pool, not on the signal-handling thread.
    private void RequestStop() => _ = _stop.CancelAsync();
}
