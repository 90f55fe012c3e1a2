using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Llm.Typed;

public sealed class ExtractJsonTests
{
    [Theory]
    [InlineData("Sure! Here it is:\n```json\n{\"Question\":\"Why?\",\"Answer\":\"Because.\",\"Difficulty\":2}\n```\nAnything else?")]
    [InlineData("The pair is {\"Question\":\"Why?\",\"Answer\":\"Because {really}.\",\"Difficulty\":2} as asked.")]
    [InlineData("  {\"Question\":\"Why?\",\"Answer\":\"Because.\",\"Difficulty\":2}  ")]
    public async Task ExtractJson_FencedBalancedOrWhole_ReadsTheValue(string text)
    {
        var result = await (FromList(new[] { text }, outputKey: "text") | ExtractJson<QA>("text", "qa") | ToList("qa")).RunCheckedAsync(cancellationToken: TestRuns.Token);

        Assert.Equal("Why?", result.Values<QA>().Single().Question);
        Assert.Equal(new AnswerStats(1, [], 0), result.Nodes[1].Answers);
    }

    [Fact]
    public async Task ExtractJson_InvalidValue_IsAnErrorOfTheEntry_NamingThePath()
    {
        var graph = FromList(new[] { "{\"Question\":\"Why?\",\"Answer\":\"No.\",\"Difficulty\":7}" }, outputKey: "text") | ExtractJson<QA>("text", "qa") | ToList("qa");

        var ex = await Assert.ThrowsAsync<OpException>(() => graph.RunCheckedAsync(cancellationToken: TestRuns.Token));

        Assert.Contains("$.Difficulty", ex.Message);
    }

    [Fact]
    public async Task ExtractJson_UnderDrop_DropsInvalidEntriesAndCountsThem()
    {
        var texts = new[] { "[1, 2]", "no list here", "[3]" };

        var result = await (FromList(texts, outputKey: "text") | ExtractJson<List<int>>("text", "numbers", n => n.Count > 0 ? null : "empty").OnError(OnEntryError.Drop) | ToList("numbers"))
            .RunCheckedAsync(cancellationToken: TestRuns.Token);

        Assert.Equal([[1, 2], [3]], result.Values<List<int>>());
        Assert.Equal(new AnswerStats(2, [], 1), result.Nodes[1].Answers);
    }
}
