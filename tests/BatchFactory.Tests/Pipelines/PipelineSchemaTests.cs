using System.Text.Json.Nodes;
using BatchFactory.Pipelines.Loading;
using BatchFactory.Tests.Architecture;
using BatchFactory.Tests.Support;
using Json.Schema;
using YamlDotNet.RepresentationModel;

namespace BatchFactory.Tests.Pipelines;

/// <summary>
/// The pipeline schema comes from the catalogue, the copy in docs/ for editors is kept equal to it, and a JSON schema
/// validator (what an editor runs) accepts what the loader accepts and flags what it refuses.
/// </summary>
public sealed class PipelineSchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(PipelineSchema.Generate());

    public static TheoryData<string> DemoFiles() =>
        [.. Directory.GetFiles(Path.Combine(SourceTree.Root, "demos"), "*.yaml").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    [Fact]
    [Trait("Generated", "true")]
    public void Generate_IsTheSchemaInDocs() => GeneratedText.File("docs/pipeline.schema.json", PipelineSchema.Generate());

    [Fact]
    public void Generate_DescribesEveryYamlOp_WithItsArgumentsAndAllowedValues()
    {
        var schema = JsonNode.Parse(PipelineSchema.Generate())!;
        var items = schema["$defs"]!["graph"]!["items"]!["anyOf"]!.AsArray();
        // Each op's arguments object: alone, or the first of its forms (then the short form, then null).
        var byName = items.Where(i => i!["properties"] is not null).ToDictionary(
            i => i!["required"]![0]!.GetValue<string>(),
            i => i!["properties"]!.AsObject().Single().Value is var value && value!["anyOf"] is JsonArray forms ? forms[0]! : value!);

        Assert.Equal(OpCatalog.All.Where(o => o.InYaml).Select(o => o.Name).Order(StringComparer.Ordinal), byName.Keys.Order(StringComparer.Ordinal));
        var ask = byName["AskLLM"];
        Assert.Equal(["prompt", "model"], ask["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["Stay", "Retry", "Emit", "FailRun"], ask["properties"]!["onFailure"]!["enum"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("#/$defs/graph", byName["Repeat"]["properties"]!["body"]!["$ref"]!.GetValue<string>());
        Assert.Contains(items, i => i!["const"]?.GetValue<string>() == "Count");
    }

    [Theory]
    [MemberData(nameof(DemoFiles))]
    public void Generate_AcceptsTheDemosPipelines(string file)
    {
        var errors = Errors(File.ReadAllText(Path.Combine(SourceTree.Root, "demos", file)));

        Assert.True(errors.Length == 0, string.Join("\n", errors));
    }

    [Theory]
    [MemberData(nameof(PipelineFileOpsTests.Cases), MemberType = typeof(PipelineFileOpsTests))]
    public void Generate_AcceptsEveryOpSampleTheLoaderAccepts(string op, string arguments)
    {
        var errors = Errors($"graph:\n  - {op}: {arguments}\n");

        Assert.True(errors.Length == 0, string.Join("\n", errors));
    }

    [Theory]
    [InlineData("graph:\n  - AskLLM: { prompt: hi, model: m@offline, outputkey: r }\n")]
    [InlineData("graph:\n  - AskLLM: { prompt: hi }\n")]
    [InlineData("graph:\n  - AskLLM: hi\n")]
    [InlineData("graph:\n  - AskLlm: { prompt: hi, model: m@offline }\n")]
    [InlineData("graph:\n  - Apply: {}\n")]
    [InlineData("graph:\n  - CallLLM: { onFailure: Ignore }\n")]
    [InlineData("graph:\n  - Repeat: { body: [{ TakeFirstN: { n: 1 } }], rounds: 2 }\n")]
    [InlineData("graph: [Count]\nsteps: []\n")]
    public void Generate_FlagsWhatTheLoaderRefuses(string yaml)
    {
        Assert.NotEmpty(Errors(yaml));
    }

    [Fact]
    public void Generate_DescribesTheBatchfactorySection_WithTheConfigurationsSectionsAndSettings()
    {
        var schema = JsonNode.Parse(PipelineSchema.Generate())!;
        var section = schema["properties"]!["batchfactory"]!;
        var defs = schema["$defs"]!;

        Assert.Equal(BatchFactoryConfiguration.Sections.Order(StringComparer.Ordinal), Keys(section["properties"]!));
        Assert.Equal(BatchFactoryConfiguration.StrategyKeys.Order(StringComparer.Ordinal), Keys(section["properties"]!["Strategies"]!["additionalProperties"]!["properties"]!));
        Assert.Equal(BatchFactoryConfiguration.ProjectKeys.Order(StringComparer.Ordinal), Keys(section["properties"]!["Project"]!["properties"]!));
        Assert.Equal(["CircuitBreaker", "RateLimit", "Retry"], Keys(defs["broker"]!["properties"]!));
        Assert.Equal(["AttemptTimeout", "BaseDelay", "MaxDelay", "MaxRetries", "MaxRetryAfter", "UseJitter"], Keys(defs["retry"]!["properties"]!));
        Assert.Equal(
            typeof(BatchOptions).GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal),
            Keys(defs["batch"]!["properties"]!));
        Assert.Equal("#/$defs/batch", section["properties"]!["BatchFor"]!["additionalProperties"]!["$ref"]!.GetValue<string>());
        Assert.Contains("anthropic", defs["provider"]!["properties"]!["Kind"]!["anyOf"]![0]!["enum"]!.AsArray().Select(k => k!.GetValue<string>()));
    }

    [Theory]
    [InlineData("Providers: { farm: { Kind: ollama, BaseUrls: [ 'http://gpu1:8000/v1' ], Limits: { MaxConcurrency: 4 }, Prices: { qwen3: { Input: 1, Output: 2 } }, Deployments: { a: b } } }")]
    [InlineData("Strategies: { writer: { Fallback: [ qwen3@offline, llama@offline ], MaxWait: '00:00:10' } }")]
    [InlineData("Broker: { Retry: { MaxRetries: 3, BaseDelay: '00:00:02' }, RateLimit: { RequestsPerMinute: 500 }, CircuitBreaker: { FailureRatio: 0.8 } }")]
    [InlineData("BrokerFor: { qwen3@offline: { RateLimit: { TokensPerMinute: 200000 } } }")]
    [InlineData("Batch: { MaxRequestsPerBatch: 10000, FlushAfter: '00:05:00', MaxEnqueuedTokens: 2000000, WaitForResults: false, Deadline: '2030-01-31T18:00:00Z' }")]
    [InlineData("BatchFor: { gpt-4o-mini@openai: { LiveBelow: 0 } }")]
    [InlineData("Prices: { qwen3: { Input: 0.15, Output: 0.6, BatchInput: 0.075 } }\n  TraceContent: true")]
    [InlineData("strategies: { writer: { fallback: [ qwen3@offline, llama@offline ], maxwait: '00:00:10' } }\n  BATCH: { flushafter: '00:01:00' }")]
    [InlineData("Broker: { Retry: { MaxRetries: '${retries}' } }")]
    public void Generate_AcceptsBatchfactorySettingsTheLoaderAccepts(string settings)
    {
        var yaml = $"vars: {{ retries: 2 }}\nbatchfactory:\n  {settings}\ngraph: [Count]\n";

        var errors = Errors(yaml);

        Assert.True(errors.Length == 0, string.Join("\n", errors));
        var path = Path.Combine(Path.GetTempPath(), $"bf-schema-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        try
        {
            _ = PipelineFile.Load(path).ReadRunOptions();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("Batches: { FlushAfter: '00:01:00' }")]
    [InlineData("Broker: { Retry: { MaxRetrys: 3 } }")]
    [InlineData("Broker: { Retry: { MaxRetries: [ 3 ] } }")]
    [InlineData("Batch: { WaitForResults: { yes: 1 } }")]
    [InlineData("BatchFor: { gpt-4o-mini: { LiveBelow: 0 } }")]
    [InlineData("Strategies: { writer: { Fallback: qwen3@offline } }")]
    [InlineData("Providers: { farm: { Kind: ollama, ApiKey: sk-1 } }")]
    public void Generate_FlagsBatchfactorySettingsTheLoaderRefuses(string settings)
    {
        var yaml = $"batchfactory:\n  {settings}\ngraph: [Count]\n";

        Assert.NotEmpty(Errors(yaml));
    }

    private static string[] Keys(JsonNode properties) => [.. properties.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)];

    // The schema's errors for a YAML text, read as an editor's language server reads it (plain scalars typed).
    private static string[] Errors(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var document = YamlText.Json(stream.Documents[0].RootNode, s => s.Value ?? string.Empty);
        var result = Schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid ? [] : [.. (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).DefaultIfEmpty("invalid")];
    }
}
