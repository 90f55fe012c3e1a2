using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Cli.Pipelines;

public sealed class GraphCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public GraphCommandTests()
    {
        File.WriteAllText(_folder["pipeline.yaml"], """
            name: drawn
            graph:
              - FromList: { items: [sea, fire], outputKey: topic }
              - AskLLM: { prompt: "A poem about {topic}.", model: gpt-4o-mini@offline, outputKey: poem }
              - WriteJsonl: { path: out/poems.jsonl }
            """);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Graph_PrintsTheOpsWithProjectPathsAndTheRunPlan()
    {
        var (code, output) = await CliRun.RunAsync("graph", _folder["pipeline.yaml"]);

        Assert.Equal(0, code);
        Assert.Contains("[0] FromList(2 items -> topic) -> [1]", output);
        Assert.Contains("WriteJsonl(${project}/out/poems.jsonl)", output);
        Assert.Contains("Run plan", output);
        Assert.Contains("model call: [1] AskLLM › GenerateLLMRequest | [2] AskLLM › CallLLM", output);
    }

    [Fact]
    public async Task Graph_Mermaid_PrintsAFlowchartWithANodePerOpAndAnArrowPerWire()
    {
        var (code, output) = await CliRun.RunAsync("graph", _folder["pipeline.yaml"], "--mermaid");

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("flowchart TD", lines[0]);
        Assert.Contains("  n1[\"[1] AskLLM › GenerateLLMRequest(gpt-4o-mini@offline, #quot;A poem about {topic}.#quot; -#gt; llm_request)\"]", lines);
        Assert.Contains("  n0 --> n1", lines);
        Assert.Equal(5, lines.Count(line => line.Contains("-->", StringComparison.Ordinal)));
    }

    [Fact]
    public void Mermaid_WireBetweenOtherPorts_IsLabelled()
    {
        var source = BatchFactory.Ops.FromList(new[] { 1 });
        var merge = BatchFactory.Ops.CollectField("x");
        var graph = new Graph().Wire(source, merge, 0, 1);

        var text = BatchFactory.Cli.MermaidGraph.Of(graph);

        Assert.Contains("n0 -->|\"out0 → in1\"| n1", text);
    }
}
