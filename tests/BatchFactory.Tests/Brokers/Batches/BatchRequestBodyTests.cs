using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Batches;

/// <summary>
/// A request sent through a batch asks the provider for the same thing as the live call: the server records the live
/// body and keeps the batch's request lines, and the two are compared field by field. Over HTTP with each provider's SDK.
/// </summary>
public sealed class BatchRequestBodyTests : IAsyncLifetime
{
    private const string Key = "batch-body-secret-16";
    private readonly TempProject _live = new("batch-body-live");
    private readonly TempProject _batch = new("batch-body-batch");
    private OpenAICompatibleServer _server = null!;

    // Every answer, live or batched, is a valid Review (the server does not answer Anthropic's output format by itself).
    public async ValueTask InitializeAsync() =>
        _server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { RecordBodies = true, ChatResponder = _ => """{"Summary":"A calm read.","Stars":4}""" }, TestRuns.Token);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _live.DisposeAsync();
        await _batch.DisposeAsync();
    }

    [Theory]
    [InlineData("gpt-4o-mini@openai")]
    [InlineData("gpt-4o-mini@azure")]
    public async Task RunAsync_TypedAnswerInABatch_SendsTheLiveCallsJsonSchemaResponseFormat(string model)
    {
        var live = Assert.Single(await RunAsync(model, CallMode.Live, _live, new AskOptions<Review>()));
        var batched = Assert.Single(await RunAsync(model, CallMode.Batch, _batch, new AskOptions<Review>()));

        var liveBody = JsonNode.Parse(Assert.Single(_server.Requests).Body!)!;
        var line = JsonNode.Parse(Assert.Single(_server.BatchRequestLines(Assert.Single(_server.Batches).Id)))!;
        var format = liveBody["response_format"];
        Assert.Equal("json_schema", format?["type"]?.GetValue<string>());
        Assert.True(format!["json_schema"]!["strict"]!.GetValue<bool>());
        Assert.True(JsonNode.DeepEquals(format, line["body"]!["response_format"]), $"live: {format.ToJsonString()}\nbatch: {line["body"]!["response_format"]?.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(liveBody["messages"], line["body"]!["messages"]));
        Assert.Equal(live, batched);
    }

    [Fact]
    public async Task RunAsync_AnthropicBatchParams_AreTheLiveMessagesBody()
    {
        const string model = "claude-haiku-4-5@anthropic";
        var options = new AskOptions<Review>
        {
            SystemPrompt = "You review books.",
            Llm = new LlmOptions { MaxTokens = 300, Temperature = 0.25, TopP = 0.5, Stop = ["END", "STOP"] },
        };
        await RunAsync(model, CallMode.Live, _live, options);
        await RunAsync(model, CallMode.Batch, _batch, options);

        var liveBody = JsonNode.Parse(Assert.Single(_server.Requests).Body!)!.AsObject();
        var parameters = JsonNode.Parse(Assert.Single(_server.BatchRequestLines(Assert.Single(_server.Batches).Id)))!["params"]!.AsObject();
        // Anthropic's adapter sends neither temperature nor top_p on the live call, so the batch leaves them out too.
        Assert.True(JsonNode.DeepEquals(liveBody, parameters), $"live: {liveBody.ToJsonString()}\nbatch: {parameters.ToJsonString()}");
        Assert.Equal(
            ["max_tokens", "messages", "model", "output_config", "stop_sequences", "system"],
            parameters.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    private async Task<List<Review>> RunAsync(string model, CallMode mode, TempProject project, AskOptions<Review> options)
    {
        var result = await (FromList(["a quiet novel"], outputKey: "book", idxKey: "book")
                | AskLLM<Review>("Review {book}", model, "review", options with { Mode = mode })
                | OutputEntries())
            .RunAsync(new RunOptions { Project = project.Project, Models = ModelProviders.Default.With(Provider(model)) }, TestRuns.Token);
        Assert.True(result.Entries.Count == 1, result.Summary.Status + " " + result.Summary.Error + string.Join("\n", result.Summary.Failures.Select(f => f.ToString())));
        return [.. result.Entries.Select(e => e.Get<Review>("review"))];
    }

    private IModelProvider Provider(string model) => BatchProviders.For(model, _server, Key);

    /// <summary>A typed answer.</summary>
    public sealed record Review(string Summary, int Stars);
}
