using System.Threading.Channels;
using BatchFactory.Logging;
using Microsoft.Extensions.Logging;

namespace BatchFactory.Events;

/// <summary>
/// Carries one run's events to its <see cref="RunMonitor"/>'s observers: a bounded queue that the run's threads write
/// to without waiting, drained by one task that calls the observers in order.
/// </summary>
internal sealed class RunEventPump
{
    private readonly RunMonitor _monitor;
    private readonly Channel<RunEvent> _channel;
    private readonly Task _drain;
    private long _dropped;

    public RunEventPump(RunMonitor monitor, ILogger logger, SecretRedactor secrets)
    {
        _monitor = monitor;
        _channel = Channel.CreateBounded<RunEvent>(new BoundedChannelOptions(monitor.Capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _drain = Task.Run(() => DrainAsync(logger, secrets), CancellationToken.None);
    }

    /// <summary>Queues an event that may be lost when observers are far behind (a call event, a sample); never waits.</summary>
    public void Publish(RunEvent runEvent)
    {
        if (!_channel.Writer.TryWrite(runEvent))
        {
            Interlocked.Increment(ref _dropped);
            _monitor.CountDropped();
        }
    }

    /// <summary>Queues an event that must arrive (the start, the final sample, the end), waiting for room if need be.</summary>
    public ValueTask PublishSurelyAsync(RunEvent runEvent) => _channel.Writer.WriteAsync(runEvent, CancellationToken.None);

    /// <summary>Ends the run's events and waits until observers have had them all.</summary>
    /// <returns>How many events of this run were dropped.</returns>
    public async Task<long> CompleteAsync()
    {
        _channel.Writer.TryComplete();
        await _drain.ConfigureAwait(false);
        return Interlocked.Read(ref _dropped);
    }

    private async Task DrainAsync(ILogger logger, SecretRedactor secrets)
    {
        await foreach (var runEvent in _channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            _monitor.Deliver(runEvent, logger, secrets);
        }
    }
}
