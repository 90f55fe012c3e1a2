using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Engine.Plan;

/// <summary>
/// A model call runs the cheap ops next to it (the request from a template, the answer text, the clean-up, a ToList at
/// the end) in its own workers. These tests prove that a run does the same with and without that, that user code next to
/// a call still runs one entry at a time, and that errors in the absorbed ops are reported as before.
/// </summary>
public sealed class ModelCallFusionTests : IDisposable
{
    private readonly TempFolder _data = new();
    private readonly FakeChatClient _fake = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task HalfCachedRun_GivesTheSameOutputAndCounts_AsARunWithoutFusion()
    {
        // Answers for n < 100 are in each ledger; the sample drops about a third of the entries before the call.
        Graph Ask(int count) => FromList(Enumerable.Range(0, count), outputKey: "n")
            | SampleProportion(0.7, seed: 3)
            | AskLLM("q {n}", "m@fake", "answer")
            | RenameField("answer", "text")
            | ToList("text");
        await RunAsync(Ask(100), fuse: true, dataDir: "fused");
        await RunAsync(Ask(100), fuse: false, dataDir: "plain");

        var reference = await RunAsync(Ask(300), fuse: false, dataDir: "plain");
        var result = await RunAsync(Ask(300), fuse: true, dataDir: "fused");

        Assert.Equal(reference.Output.Idxs, result.Output.Idxs);
        Assert.Equal(reference.Values<string>(), result.Values<string>());
        Assert.Equal(reference.Nodes.Select(o => (o.Name, o.In, o.Out, o.Dropped)), result.Nodes.Select(o => (o.Name, o.In, o.Out, o.Dropped)));
        var broker = result.Nodes.Single(o => o.Broker is not null).Broker!;
        Assert.True(broker.Cached is > 40 and < 100, $"expected about 70 answers from the ledger, got {broker.Cached}");
        Assert.Equal(result.Nodes.Single(o => o.Name == "AskLLM › CallLLM").In, broker.Calls + broker.Cached);
    }

    [Fact]
    public async Task PromptBuilder_NextToAModelCall_RunsOneEntryAtATime()
    {
        var inside = 0;
        var most = 0;
        string Prompt(Entry entry)
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            Thread.Sleep(1);
            Interlocked.Decrement(ref inside);
            return $"q {entry.Get<int>("n")}";
        }

        Graph Ask() => FromList(Enumerable.Range(0, 200), outputKey: "n") | AskLLM(Prompt, "m@fake", "answer") | ToList("answer");
        await RunAsync(Ask(), fuse: true);
        var cached = await RunAsync(Ask(), fuse: true);

        Assert.Equal(200, cached.Values<string>().Count);
        Assert.Equal(1, Volatile.Read(ref most));
    }

    [Fact]
    public async Task ErrorInAnOpAfterTheCall_FailsTheRunNamingThatOpAndIdx_AndKeepsTheAnswer()
    {
        var ex = await Assert.ThrowsAsync<OpException>(() => RunAsync(FromList(["a"], outputKey: "topic", idxKey: "topic") | AskLLM("About {topic}", "m@fake", "answer") | RenameField("missing", "x") | ToList("x"), fuse: true));

        Assert.Equal("RenameField", ex.OpName);
        Assert.Equal("a", ex.Idx);
        Assert.Equal("missing", ex.Field);

        var rerun = await RunAsync(FromList(["a"], outputKey: "topic", idxKey: "topic") | AskLLM("About {topic}", "m@fake", "answer") | ToList("answer"), fuse: true);
        Assert.Equal(["answer to About a"], rerun.Values<string>());
        Assert.Equal(1, _fake.Calls);
    }

    [Fact]
    public async Task TwoCallsInARow_FromTheLedgerOnRerun_GiveTheSameAnswersWithNoCall()
    {
        Graph Ask() => FromList(Enumerable.Range(0, 50), outputKey: "n")
            | AskLLM("q {n}", "m@fake", "first")
            | AskLLM("again: {first}", "m@fake", "second")
            | ToList("second");
        var first = await RunAsync(Ask(), fuse: true);
        Assert.Equal(100, _fake.Calls);

        var second = await RunAsync(Ask(), fuse: true);

        Assert.Equal(100, _fake.Calls);
        Assert.Equal(first.Values<string>(), second.Values<string>());
        Assert.Equal("answer to again: answer to q 7", second.Values<string>()[7]);
        Assert.All(second.Nodes.Where(o => o.Broker is not null), o => Assert.Equal((0L, 50L), (o.Broker!.Calls, o.Broker.Cached)));
    }

    private async Task<RunResult> RunAsync(Graph graph, bool fuse, string dataDir = "main")
    {
        await using var project = ProjectFolder.Open("fusion", "1", new ProjectFolderOptions { DataDirectory = Path.Combine(_data.Path, dataDir) });
        var options = new RunOptions
        {
            Project = project,
            FuseEntryOps = fuse,
            Models = ModelProviders.Default.WithChatClient("fake", _ => _fake),
            Broker = new BrokerOptions { Retry = null },
        };
        return await graph.RunCheckedAsync(options, TestRuns.Token);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
