using BatchFactory.Ledgers;
using Npgsql;

namespace BatchFactory.Tests.Ledgers;

/// <summary>The shared listening connection when the server refuses it (no server needed: nothing listens on port 1).</summary>
public sealed class PostgresListenerTests
{
    [Fact]
    public async Task ListenAsync_ConnectionRefused_TellsNoSubscriberItLostAnything_AndTriesNoMoreUntilTheRetryDelayPasses()
    {
        await using var refused = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Timeout=5");
        var listener = new PostgresListener(() => refused, "batchfactory_answers", () => TimeSpan.Zero);
        var lost = 0;
        using var subscription = listener.Subscribe(_ => { }, () => Interlocked.Increment(ref lost));

        await listener.ListenAsync().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var again = listener.ListenAsync();

        // Nothing was listened to, so nothing was missed: the subscriber's waiters poll, and no new attempt starts at once.
        Assert.Equal(0, Volatile.Read(ref lost));
        Assert.True(again.IsCompleted);
        Assert.False(listener.IsOpen);
    }
}
