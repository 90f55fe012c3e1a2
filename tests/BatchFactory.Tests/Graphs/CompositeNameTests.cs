using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Graphs;

public class CompositeNameTests
{
    [Fact]
    public async Task Wire_ToAnOpInsideABranch_WiresThatOpAndItsEntriesArrive()
    {
        var copies = Replicate(2);
        var g = FromList([new { n = 1 }, new { n = 2 }]) | If(_ => true, copies) | ToList("n");

        g = g.Wire(copies, ToList("n").Named("side"), outPort: 1);
        var result = await g.RunAsync(cancellationToken: TestRuns.Token);

        Assert.Equal(2, result.OutputOf("side").Count);
        Assert.Equal(2, result.OutputOf("ToList").Count);
    }

    [Fact]
    public void IndexOf_AnOpPutInARepeatBody_FindsItUnderItsScopedName()
    {
        var body = MapField((int n) => n + 1, "n");
        var g = FromList([new { n = 1 }]) | Repeat(body, 2) | ToList("n");

        var node = g.IndexOf(body);

        Assert.True(node >= 0);
        Assert.Contains($"[{node}] Repeat › MapField(n -> n)", g.ToString(), StringComparison.Ordinal);
        Assert.Equal("MapField", body.Name);
    }

    [Fact]
    public async Task MissingFieldInRepeatBody_FailsNamingRepeatTheOpTheFieldAndIdx()
    {
        var g = FromList([new { id = "a", n = 1 }], idxKey: "id") | Repeat(MapField((int m) => m + 1, "missing", "n"), 2) | ToList("n");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("Repeat › MapField", ex.OpName);
        Assert.Contains("Repeat › MapField", ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingTemplateFieldInAskLLMInsideRepeat_NamesBothComposites()
    {
        var g = FromList([new { id = "a" }], idxKey: "id") | Repeat(AskLLM("About {subject}", "m@offline"), 2) | ToList("response");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("Repeat › AskLLM › GenerateLLMRequest", ex.OpName);
        Assert.Contains("subject", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_OfAskLLM_ShowsEachPartWithItsPosition()
    {
        var text = (FromList([1], outputKey: "n") | AskLLM("Q {n}", "m@offline", "answer") | ToList("answer")).ToString();

        Assert.Contains("[1] AskLLM › GenerateLLMRequest(", text, StringComparison.Ordinal);
        Assert.Contains("[2] AskLLM › CallLLM(", text, StringComparison.Ordinal);
        Assert.Contains("[4] AskLLM › CleanupLLMData: RemoveField(", text, StringComparison.Ordinal);
        Assert.Contains("[5] ToList(answer)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamedOpInsideIfBranch_KeepsTheNameTheUserGave()
    {
        var g = FromList([new { id = "a", n = 1 }], idxKey: "id") | If((int n) => n > 0, "n", MapField((int m) => m, "nope", "n").Named("mine")) | ToList("n");

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("mine", ex.OpName);
    }

    [Fact]
    public async Task Summary_OfListParallel_NamesItsParts()
    {
        var g = FromList([new { id = "a", xs = new[] { 1, 2 } }], idxKey: "id") | ListParallel(MapField((int x) => x * 10, "x"), "xs", "x") | ToList("xs");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([new[] { 10, 20 }], result.Values<int[]>());
        var text = result.Summary.ToString();
        Assert.Contains("ListParallel › SpawnFromList", text, StringComparison.Ordinal);
        Assert.Contains("ListParallel › MapField", text, StringComparison.Ordinal);
        Assert.Contains("ListParallel › CollectAllToList", text, StringComparison.Ordinal);
    }
}
