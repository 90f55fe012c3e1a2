using BatchFactory.Cli;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Cli.Pipelines;

public sealed class BatchSetsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task For_ModelOpsAtTheTopAndInNestedBodies_SetsTheirModeByPosition()
    {
        var path = _folder["pipeline.yaml"];
        File.WriteAllText(path, """
            graph:
              - FromList: { items: [sea], outputKey: topic }
              - AskLLM: { prompt: "A poem about {topic}.", model: gpt-4o-mini@offline, outputKey: poem }
              - Repeat:
                  rounds: 2
                  body:
                    - SetField: { key: a, value: 1 }
                    - EmbedText: { inputKey: poem, model: text-embedding-3-small@offline }
              - If:
                  predicate: "a == 1"
                  then:
                    - AskLLM: { prompt: "Shorter: {poem}", model: gpt-4o-mini@offline, outputKey: poem }
            """);

        var sets = BatchSets.For(path);

        Assert.Equal(["graph.1.mode=Batch", "graph.2.body.1.mode=Batch", "graph.3.then.0.mode=Batch"], sets);
        await using var project = new TempProject();
        var graph = PipelineFile.Load(path, sets).Build(project.Project);
        Assert.Contains(graph.Nodes, op => op.ToString().EndsWith("CallLLM(llm_request -> llm_response, Batch)", StringComparison.Ordinal));
    }

    [Fact]
    public void For_NotYaml_SaysWhere()
    {
        var path = _folder["pipeline.yaml"];
        File.WriteAllText(path, "graph:\n  - AskLLM: { prompt: \"unclosed\n");

        var error = Assert.Throws<CliException>(() => BatchSets.For(path));

        Assert.StartsWith($"{path}:", error.Message, StringComparison.Ordinal);
    }
}
