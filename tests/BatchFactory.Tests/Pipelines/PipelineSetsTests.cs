namespace BatchFactory.Tests.Pipelines;

/// <summary><c>--set</c> overrides vars and op arguments by path, nested bodies included, and names what it cannot find.</summary>
public sealed class PipelineSetsTests : IAsyncDisposable
{
    private const string Pipeline = """
        vars:
          model: gpt-4o-mini@offline
          first: 2
        graph:
          - FromList: { items: [{n: 1}, {n: 2}, {n: 3}, {n: 4}] }
          - Repeat:
              rounds: 1
              body:
                - MapField: { id: step, func: "n * 10", inputKey: n }
          - TakeFirstN: { id: take, count: "${first}" }
          - ToList: [n]
        """;

    private readonly PipelineFiles _files = new();

    public ValueTask DisposeAsync() => _files.DisposeAsync();

    [Fact]
    public async Task Set_AVar_ChangesEveryUse()
    {
        var pipeline = _files.Load(Pipeline, "first=3", "vars.model=gpt-4o@offline");

        Assert.Equal("3", pipeline.Vars["first"]);
        Assert.Equal("gpt-4o@offline", pipeline.Vars["model"]);
        Assert.Equal(3, (await _files.RunAsync(Pipeline, "first=3")).Count);
    }

    [Fact]
    public async Task Set_AnOpArgument_ByPositionOrId_ReplacesIt()
    {
        Assert.Equal(1, (await _files.RunAsync(Pipeline, "graph.2.count=1")).Count);
        Assert.Equal(4, (await _files.RunAsync(Pipeline, "graph.take.count=4")).Count);
    }

    [Fact]
    public async Task Set_AnArgumentInANestedBody_FollowsThePath()
    {
        var result = await _files.RunAsync(Pipeline, "graph.1.rounds=2", "graph.1.body.step.func=n + 1");

        Assert.Equal([3, 4], result.Values().Select(v => v!.GetValue<int>()));
    }

    [Fact]
    public void Set_AVarThePipelineDoesNotDeclare_Fails()
    {
        var error = _files.Fails(Pipeline, "modle=x");

        Assert.Equal((0, 0), (error.Line, error.Column));
        Assert.Contains("the pipeline has no var 'modle' (vars: model, first)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_AnOpThatIsNotThere_Fails()
    {
        Assert.Contains("there is no op 9 (the list has 4)", _files.Fails(Pipeline, "graph.9.count=1").Message, StringComparison.Ordinal);
        Assert.Contains("no op has the id 'nope'", _files.Fails(Pipeline, "graph.nope.count=1").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_AValueOfTheWrongType_NamesTheSet()
    {
        var error = _files.Fails(Pipeline, "graph.take.count=many");

        Assert.Equal((0, 0), (error.Line, error.Column));
        Assert.Contains("in --set 'graph.take.count=many': TakeFirstN's 'count' must be a whole number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_WithoutEquals_Fails()
    {
        Assert.Contains("is not name=value", _files.Fails(Pipeline, "first").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Models_AreTheModelsAfterSubstitution()
    {
        var pipeline = _files.Load("""
            vars:
              model: gpt-4o-mini@offline
            graph:
              - FromList: { items: [a], outputKey: t }
              - AskLLM: { prompt: "{t}", model: "${model}" }
              - EmbedText: { inputKey: t, model: text-embedding-3-small@offline }
              - AskLLM: { prompt: "again {t}", model: "${model}" }
            """, "model=gpt-4o@offline");

        Assert.Equal(["gpt-4o@offline", "text-embedding-3-small@offline"], pipeline.Models);
    }
}
