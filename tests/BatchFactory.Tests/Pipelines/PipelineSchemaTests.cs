using System.Text.Json.Nodes;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Pipelines;

/// <summary>The pipeline schema comes from the catalogue, and the copy in docs/ for editors is kept equal to it.</summary>
public sealed class PipelineSchemaTests
{
    [Fact]
    [Trait("Generated", "true")]
    public void Generate_IsTheSchemaInDocs() => GeneratedText.File("docs/pipeline.schema.json", PipelineSchema.Generate());

    [Fact]
    public void Generate_DescribesEveryYamlOp_WithItsArgumentsAndAllowedValues()
    {
        var schema = JsonNode.Parse(PipelineSchema.Generate())!;
        var items = schema["$defs"]!["graph"]!["items"]!["anyOf"]!.AsArray();
        var byName = items.Where(i => i!["properties"] is not null).ToDictionary(i => i!["required"]![0]!.GetValue<string>(), i => i!["properties"]!);

        Assert.Equal(OpCatalog.All.Where(o => o.InYaml).Select(o => o.Name).Order(StringComparer.Ordinal), byName.Keys.Order(StringComparer.Ordinal));
        var ask = byName["AskLLM"]!["AskLLM"]!;
        Assert.Equal(["prompt", "model"], ask["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["Stay", "Retry", "Emit", "FailRun"], ask["properties"]!["onFailure"]!["enum"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("#/$defs/graph", byName["Repeat"]!["Repeat"]!["properties"]!["body"]!["$ref"]!.GetValue<string>());
        Assert.Contains(items, i => i!["const"]?.GetValue<string>() == "Count");
    }
}
