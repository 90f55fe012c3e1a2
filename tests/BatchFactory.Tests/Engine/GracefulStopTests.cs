using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Engine;

/// <summary>A graceful stop takes in no new work, lets calls in flight finish and be recorded, and never makes a rerun redo anything.</summary>
public sealed class GracefulStopTests : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task RunAsync_StopRequestedWhileCallsAreInFlight_FinishesThemEndsStoppedAndARerunRedoesNothing()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new FakeChatClient();
        client.Answer = async (prompt, _) =>
        {
            await gate.Task;
            return "answer to " + prompt;
        };
        var models = ModelProviders.Default.WithChatClient("fake", _ => client);
        var g = FromList(Enumerable.Range(0, 100).ToList(), outputKey: "n") | AskLLM("Say {n}", "m@fake", "a", new AskOptions { Concurrency = 4 }) | ToList("n", "a");
        await using var project = ProjectFolder.Open("stop", "1", new ProjectFolderOptions { DataDirectory = _data.Path });
        using var stop = new CancellationTokenSource();

        var running = g.RunCheckedAsync(new RunOptions { Project = project, Models = models, StopToken = stop.Token }, TestRuns.Token);
        await Eventually.TrueAsync(() => client.InFlight == 4, "four calls are in flight");
        await stop.CancelAsync();
        gate.SetResult();
        var stopped = await Eventually.Within(running);
        var rerun = await g.RunCheckedAsync(new RunOptions { Project = project, Models = models }, TestRuns.Token);

        Assert.Equal(RunStatus.Stopped, stopped.Summary.Status);
        Assert.Equal(4, stopped.Calls);
        Assert.Equal(4, stopped.Values().Count);
        Assert.Contains("stopped on request", stopped.Summary.Format(), StringComparison.Ordinal);
        Assert.Equal(RunStatus.Completed, rerun.Summary.Status);
        Assert.Equal((96L, 4L), (rerun.Calls, rerun.CachedCalls));
        Assert.Equal(100, client.Calls);
        Assert.Equal(Enumerable.Range(0, 100), rerun.Values().Select(v => v!["n"]!.GetValue<int>()));
    }

    [Fact]
    public async Task RunAsync_StopWhileACheckPointsBodyIsWorking_SavesWhatLeftTheBodyAndARerunRunsNoBodyAgain()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bodyRuns = 0;
        var g = FromList(Enumerable.Range(0, 50).ToList(), outputKey: "n")
            | CheckPoint(
                Apply(e =>
                {
                    Interlocked.Increment(ref bodyRuns);
                    if (e.Get<int>("n") >= 3)
                    {
                        gate.Task.Wait(TestRuns.Token);
                    }
                }) | MapField((int n) => n * 10, "n", "tens"),
                "tens")
            | ToList("n", "tens");
        await using var project = ProjectFolder.Open("stop", "1", new ProjectFolderOptions { DataDirectory = _data.Path });
        using var stop = new CancellationTokenSource();

        var running = g.RunCheckedAsync(new RunOptions { Project = project, StopToken = stop.Token }, TestRuns.Token);
        await Eventually.TrueAsync(() => Volatile.Read(ref bodyRuns) >= 4, "the body holds entry 3");
        await stop.CancelAsync();
        gate.SetResult();
        var stopped = await Eventually.Within(running);
        var ranBeforeRerun = Volatile.Read(ref bodyRuns);
        var rerun = await g.RunCheckedAsync(new RunOptions { Project = project }, TestRuns.Token);

        Assert.Equal(RunStatus.Stopped, stopped.Summary.Status);
        Assert.Equal(ranBeforeRerun, stopped.Values().Count);
        Assert.Equal(50 - ranBeforeRerun, Volatile.Read(ref bodyRuns) - ranBeforeRerun);
        Assert.Equal(Enumerable.Range(0, 50).Select(n => n * 10), rerun.Values().Select(v => v!["tens"]!.GetValue<int>()));
    }

    [Fact]
    public async Task RunAsync_StopRequestedBeforeTheRun_ReadsNothingAndEndsStopped()
    {
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();

        var result = await (FromList([1, 2, 3], outputKey: "n") | ToList("n")).RunCheckedAsync(new RunOptions { StopToken = stop.Token }, TestRuns.Token);

        Assert.Equal(RunStatus.Stopped, result.Summary.Status);
        Assert.Empty(result.Values());
    }

    [Fact]
    public void ConsoleStop_FirstRequestAsksForAGracefulStop_TheSecondCancelsAtOnce()
    {
        var output = new StringWriter();
        using var stop = ConsoleStop.Detached(output);

        stop.Request();
        var afterFirst = (stop.StopToken.IsCancellationRequested, stop.CancelToken.IsCancellationRequested);
        stop.Request();

        Assert.Equal((true, false), afterFirst);
        Assert.True(stop.CancelToken.IsCancellationRequested);
        Assert.Contains("Press Ctrl+C again to stop at once", output.ToString(), StringComparison.Ordinal);
    }
}
