using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Engine.Kinds;

public sealed class OnEntryErrorTests
{
    private static readonly object[] Rows = [.. Enumerable.Range(1, 5).Select(n => new { id = $"r{n}", n })];

    private static Op ThrowsOnThree() =>
        MapField((int n) => n == 3 ? throw new FormatException("three is not allowed") : n * 10, "n", "tens");

    public static TheoryData<bool> Fusion => [true, false];

    [Theory]
    [MemberData(nameof(Fusion))]
    public async Task MapField_OnErrorDrop_DropsTheEntryAndListsItInTheSummary(bool fuse)
    {
        var g = FromList(Rows, idxKey: "id") | ThrowsOnThree().OnError(OnEntryError.Drop) | ToList("tens");

        var result = await g.RunCheckedAsync(new RunOptions { FuseEntryOps = fuse }, TestRuns.Token);

        Assert.Equal([10, 20, 40, 50], result.Values<int>());
        var failure = Assert.Single(result.Summary.Failures);
        Assert.Equal(("r3", "MapField"), (failure.Idx, failure.OpName));
        Assert.Contains("three is not allowed", failure.Error, StringComparison.Ordinal);
        Assert.Equal((5L, 4L, 1L), (result.Nodes[1].In, result.Nodes[1].Out, result.Nodes[1].Dropped));
    }

    [Theory]
    [MemberData(nameof(Fusion))]
    public async Task MapField_OnErrorEmit_PassesTheEntryOnMarkedFailed(bool fuse)
    {
        var g = FromList(Rows, idxKey: "id") | ThrowsOnThree().OnError(OnEntryError.Emit) | OutputEntries();

        var result = await g.RunCheckedAsync(new RunOptions { FuseEntryOps = fuse }, TestRuns.Token);

        var failed = Assert.Single(result.Entries, e => e.Idx == "r3");
        Assert.Equal("failed", failed.Get<string>("status"));
        Assert.Contains("three is not allowed", failed.Get<string>("error"), StringComparison.Ordinal);
        Assert.False(failed.Has("tens"));
        Assert.Equal(5, result.Entries.Count);
        Assert.Single(result.Summary.Failures);
    }

    [Fact]
    public async Task RunOptionsOnEntryError_AppliesToOpsThatRunUserCodeWithoutTheirOwn()
    {
        var g = FromList(Rows, idxKey: "id") | Apply(e => { if (e.Get<int>("n") % 2 == 0) { throw new InvalidOperationException("even"); } }) | ToList("n");

        var result = await g.RunCheckedAsync(new RunOptions { OnEntryError = OnEntryError.Drop }, TestRuns.Token);

        Assert.Equal([1, 3, 5], result.Values<int>());
        Assert.Equal(["r2", "r4"], result.Summary.Failures.Select(f => f.Idx).Order());
    }

    [Fact]
    public async Task AskLLMPromptBuilder_RunPolicyEmit_TheFailedEntryGoesOnUnaskedAndTheRestAreAnswered()
    {
        var g = FromList(Rows, idxKey: "id")
            | AskLLM(e => e.Get<int>("n") == 3 ? throw new InvalidOperationException("no prompt for three") : $"Say {e.Get<int>("n")}", "m@offline", "answer")
            | OutputEntries();

        var result = await g.RunCheckedAsync(new RunOptions { OnEntryError = OnEntryError.Emit }, TestRuns.Token);

        var failed = Assert.Single(result.Entries, e => e.Idx == "r3");
        Assert.Equal("failed", failed.Get<string>("status"));
        Assert.False(failed.Has("answer"));
        Assert.All(result.Entries.Where(e => e.Idx != "r3"), e => Assert.True(e.Has("answer")));
        Assert.Equal(4, result.Calls);
        Assert.Equal("AskLLM › GenerateLLMRequest", Assert.Single(result.Summary.Failures).OpName);
    }

    [Fact]
    public async Task OpPolicy_WinsOverTheRunsDefault()
    {
        var g = FromList(Rows, idxKey: "id") | ThrowsOnThree().OnError(OnEntryError.FailRun) | ToList("tens");

        var ex = await g.RunFailingAsync<OpException>(new RunOptions { OnEntryError = OnEntryError.Drop }, TestRuns.Token);

        Assert.Equal("r3", ex.Idx);
    }

    [Fact]
    public async Task OnErrorDrop_InsideARepeatBody_DropsEachEntryInTheRoundItFails()
    {
        var body = MapField((int n) => n == 3 ? throw new FormatException("no") : n + 1, "n").OnError(OnEntryError.Drop);
        var g = FromList(Rows, idxKey: "id") | Repeat(body, 2) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        // r2 fails in its second round (2 -> 3 -> throws), r3 in its first.
        Assert.Equal([3, 6, 7], result.Values<int>());
        Assert.Equal(["r2", "r3"], result.Summary.Failures.Select(f => f.Idx).Order());
        Assert.All(result.Summary.Failures, f => Assert.Equal("Repeat › MapField", f.OpName));
    }

    [Fact]
    public async Task DefaultPolicy_AMissingFieldStillFailsTheRunNamingTheField()
    {
        var g = FromList(Rows, idxKey: "id") | MapField((int m) => m, "missing", "x") | ToList("x");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
        Assert.Equal("r1", ex.Idx);
    }

    [Fact]
    public void OnError_OnAnOpThatRunsNoUserCode_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => SetField("a", 1).OnError(OnEntryError.Drop));

        Assert.Contains("runs none of your code", ex.Message, StringComparison.Ordinal);
    }
}
