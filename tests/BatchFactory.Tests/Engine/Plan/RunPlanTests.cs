using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Engine.Plan;

public sealed class RunPlanTests
{
    private static readonly int[] Numbers = [1, 2, 3, 4];

    [Fact]
    public void Explain_ChainOfEntryOpsEndingInASink_IsOneStageAfterTheSource()
    {
        var g = FromList(Numbers, "n") | MapField((int n) => n * n, "n", "square") | Filter((int square) => square > 1, "square") | ToList("square");

        var plan = g.Explain();

        Assert.StartsWith("Run plan (2 stages for 4 ops)", plan);
        Assert.Contains("1. op: [0] FromList", plan);
        Assert.Contains("2. chain: [1] MapField | [2] Filter | [3] ToList", plan);
    }

    [Fact]
    public void Explain_FuseEntryOpsOff_EveryOpIsAStageOfItsOwn()
    {
        var g = FromList(Numbers, "n") | MapField((int n) => n * n, "n", "square") | ToList("square");

        var plan = g.Explain(new RunOptions { FuseEntryOps = false });

        Assert.StartsWith("Run plan (3 stages for 3 ops)", plan);
        Assert.DoesNotContain("chain", plan);
    }

    [Fact]
    public void Explain_AskLLMWithATemplate_RunsItsPartsAndTheSinkInTheModelCallsWorkers()
    {
        var g = FromList(Numbers, "n") | AskLLM("Say {n}", "m@offline", "answer") | ToList("answer");

        var plan = g.Explain();

        var stage = plan.Split('\n').Single(line => line.Contains("model call:", StringComparison.Ordinal));
        Assert.Contains("model call: [1] AskLLM › GenerateLLMRequest | [2] AskLLM › CallLLM | [3] AskLLM › ExtractResponseText | [4] AskLLM › CleanupLLMData | [5] ToList (64 at once)", stage);
    }

    [Fact]
    public void Explain_RepeatOverEntryOps_RunsTheLoopInline()
    {
        var g = FromList(Numbers, "n") | Repeat(MapField((int n) => n + 1, "n"), 3) | ToList("n");

        var plan = g.Explain();

        Assert.Contains("inline loop: [1] Repeat", plan);
    }

    [Fact]
    public async Task Explain_ThePlanPrinted_IsThePlanRun()
    {
        var materialised = 0;
        var g = FromList(Numbers, "n") | MapField((int n) => n * n, "n", "square") | ToList("square");
        var options = new RunOptions { OnMaterialized = blocks => materialised = blocks.Count };

        var plan = g.Explain(options);
        var result = await g.RunAsync(options, TestRuns.Token);

        // Two stages: the source's pump feeds the chain's one block directly, so the run has exactly one block.
        Assert.StartsWith("Run plan (2 stages for 3 ops)", plan);
        Assert.Equal(1, materialised);
        Assert.Equal([1, 4, 9, 16], result.Values<int>());
    }
}
