using BatchFactory.Brokers.Pools;
using BatchFactory.Tests.Support;
using Microsoft.Extensions.AI;

namespace BatchFactory.Tests.Brokers.Providers.Pools;

/// <summary>Streaming through a pool: a stream cancelled before it got a server's slot leaves no request counted against that server.</summary>
public sealed class PooledStreamingTests
{
    [Fact]
    public async Task Stream_CancelledWhileWaitingForASlot_IsNotCountedAsOutstanding_SoTheServerStillLooksIdle()
    {
        var pool = new EndpointPool("farm", [new Uri("http://127.0.0.1:9/v1/")], maxConcurrency: 1, probeInterval: TimeSpan.FromSeconds(5));
        using var client = new PooledChatClient(pool, [new FakeChatClient()]);
        var endpoint = pool.Endpoints[0];
        await endpoint.Slots.WaitAsync(TestRuns.Token); // the server's one slot is taken
        using var cancel = new CancellationTokenSource();
        var stream = client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: cancel.Token).GetAsyncEnumerator(TestRuns.Token);

        var waiting = stream.MoveNextAsync().AsTask();
        await Eventually.TrueAsync(() => endpoint.Outstanding == 1, "the stream waits for the slot");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, endpoint.Outstanding);
    }
}
