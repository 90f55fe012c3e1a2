using BatchFactory.Brokers;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Brokers.Calls;

/// <summary>
/// A request parked ahead of its call (<c>ModelBroker.ParkAsync</c>, as an op in batch mode does): the call that follows
/// gives what it would have given without parking.
/// </summary>
public sealed partial class ModelBrokerTests
{
    [Fact]
    public async Task ParkAsync_ThenAnswerAsync_TakesTheParkedAnswer_StoresAndCountsItAsACall_StartedWhenParked()
    {
        using var broker = Broker();
        var site = await SiteAsync();
        var request = Batched("q");
        _source.Parks = true;

        var parked = await broker.ParkAsync(site, "a", request, TestRuns.Token);
        Assert.False(parked!.IsCompleted);
        Assert.Equal(["started a"], _observer.Seen);
        _source.Release("parked answer");
        await parked;
        var answer = await broker.AnswerAsync(site, "a", request, TestRuns.Token);

        Assert.Equal(("parked answer", false), (answer["text"]!.GetValue<string>(), answer["cached"]!.GetValue<bool>()));
        Assert.Equal((1, 0), (_source.Parked, _source.Asked));
        Assert.NotNull(await _ledger!.TryGetAsync(request.Key, TestRuns.Token));
        Assert.Equal(["started a", "finished a"], _observer.Seen);
        var stats = site.Counters.Snapshot(ModelPrices.Default);
        Assert.Equal((1, 0), (stats.Calls, stats.Cached));
    }

    [Fact]
    public async Task ParkAsync_AnswerAlreadyStored_PlacesNothing_AndTheCallServesIt()
    {
        using var broker = Broker();
        var site = await SiteAsync();
        _source.Release("stored");
        await broker.AnswerAsync(site, "a", Chat("q"), TestRuns.Token);
        _source.Parks = true;
        var again = Batched("q");

        var parked = await broker.ParkAsync(site, "b", again, TestRuns.Token);
        var answer = await broker.AnswerAsync(site, "b", again, TestRuns.Token);

        Assert.True(parked!.IsCompleted);
        Assert.Equal((0, 1), (_source.Parked, _source.Asked));
        Assert.Equal(("stored", true), (answer["text"]!.GetValue<string>(), answer["cached"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task ParkAsync_IdenticalRequestCalledWhileParked_JoinsIt_AndGetsACopy()
    {
        using var broker = Broker();
        var site = await SiteAsync();
        var first = Batched("q");
        _source.Parks = true;

        var parked = await broker.ParkAsync(site, "a", first, TestRuns.Token);
        var joined = broker.AnswerAsync(site, "b", Batched("q"), TestRuns.Token);
        Assert.Null(await broker.ParkAsync(site, "c", Batched("q"), TestRuns.Token));
        _source.Release("once");
        await parked!;
        var answer = await broker.AnswerAsync(site, "a", first, TestRuns.Token);
        var copy = await joined;

        Assert.Equal((1, 0), (_source.Parked, _source.Asked));
        Assert.Equal(("once", false), (answer["text"]!.GetValue<string>(), answer["cached"]!.GetValue<bool>()));
        Assert.Equal(("once", true), (copy["text"]!.GetValue<string>(), copy["cached"]!.GetValue<bool>()));
        Assert.NotSame(answer, copy);
    }

    [Fact]
    public async Task ParkAsync_ParkedRequestFails_TheCallFailsAndRecordsIt()
    {
        using var broker = Broker();
        var site = await SiteAsync();
        var request = Batched("q");
        _source.Parks = true;

        var parked = await broker.ParkAsync(site, "a", request, TestRuns.Token);
        _source.Fail(new InvalidOperationException("line failed"));
        await parked!.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => broker.AnswerAsync(site, "a", request, TestRuns.Token));
        Assert.Equal("line failed", error.Message);
        Assert.NotNull(await _ledger!.TryGetAsync(request.Key + "#failed", TestRuns.Token));
    }

    [Fact]
    public async Task ParkAsync_LiveRequestOrASourceThatCannotPark_GoesTheUsualWay()
    {
        using var broker = Broker();
        var site = await SiteAsync();

        Assert.Null(await broker.ParkAsync(site, "a", Batched("q"), TestRuns.Token));
        _source.Parks = true;
        Assert.Null(await broker.ParkAsync(site, "b", Chat("q"), TestRuns.Token));
        Assert.Equal(0, _source.Parked);
    }

    private static ChatCall Batched(string prompt) => new(Chat(prompt).Request, Model) { Mode = CallMode.Batch };
}
