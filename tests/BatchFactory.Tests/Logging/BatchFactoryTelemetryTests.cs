using System.Diagnostics;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Logging;

/// <summary>Spans and metrics of a small run, read through the OpenTelemetry SDK's in-memory exporter.</summary>
public sealed class BatchFactoryTelemetryTests : IAsyncLifetime
{
    private const string Secret = "sk-otel-secret-1234";
    private readonly string _model = "otel-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];
    private readonly TempFolder _data = new();
    private OpenAICompatibleServer _server = null!;
    private TracerProvider _tracer = null!;
    private MeterProvider _meter = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
        _tracer = Sdk.CreateTracerProviderBuilder().AddSource(BatchFactoryTelemetry.Name).AddInMemoryExporter(_spans).Build();
        _meter = Sdk.CreateMeterProviderBuilder().AddMeter(BatchFactoryTelemetry.Name).AddInMemoryExporter(_metrics).Build();
    }

    public async ValueTask DisposeAsync()
    {
        _tracer.Dispose();
        _meter.Dispose();
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Run_ThenRerun_RecordsARunSpanAndAChatSpanPerRequest_WithGenAIAttributes_AndNoPromptText()
    {
        await RunAsync();
        await RunAsync();
        _tracer.ForceFlush();

        var calls = _spans.Where(s => Equals(s.GetTagItem("gen_ai.request.model"), _model)).ToList();
        Assert.Equal(6, calls.Count);
        Assert.All(calls, span =>
        {
            Assert.Equal($"chat {_model}", span.DisplayName);
            Assert.Equal(ActivityKind.Client, span.Kind);
            Assert.Equal("chat", span.GetTagItem("gen_ai.operation.name"));
            Assert.Equal("openai", span.GetTagItem("gen_ai.provider.name"));
            Assert.NotNull(span.Parent);
            Assert.Equal("batchfactory.run", span.Parent!.DisplayName);
        });
        var fresh = calls.Where(s => Equals(s.GetTagItem("batchfactory.cache.hit"), false)).ToList();
        Assert.Equal(3, fresh.Count);
        Assert.All(fresh, span =>
        {
            Assert.Equal(_model, span.GetTagItem("gen_ai.response.model"));
            Assert.Equal(3L, span.GetTagItem("gen_ai.usage.input_tokens"));
            Assert.Equal(4L, span.GetTagItem("gen_ai.usage.output_tokens"));
        });
        Assert.Equal(3, calls.Count(s => Equals(s.GetTagItem("batchfactory.cache.hit"), true)));
        var runs = calls.Select(s => s.Parent!).Distinct().ToList();
        Assert.Equal(2, runs.Count);
        Assert.All(runs, run => Assert.Equal("Completed", run.GetTagItem("batchfactory.run.status")));
        var everything = string.Join("\n", calls.Concat(runs).SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}")));
        Assert.DoesNotContain("Poem about", everything);
    }

    [Fact]
    public async Task Run_RecordsCallsTokensCacheHitsAndDurations_PerOpAndModel()
    {
        await RunAsync();
        await RunAsync();
        _meter.ForceFlush();

        Assert.Equal(3, Sum("batchfactory.calls"));
        Assert.Equal(3, Sum("batchfactory.cache.hits"));
        Assert.Equal((3 * 3) + (3 * 4), Sum("gen_ai.client.token.usage"));
        Assert.Equal(3, Count("gen_ai.client.operation.duration"));
    }

    [Fact]
    public async Task Run_RecordsRetriesFailuresAndCost_PerOpAndModel()
    {
        // 'sea' fails once and then answers; 'fire' always fails; 'sky' answers at once.
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        await using var flaky = await OpenAICompatibleServer.StartAsync(
            new TestServerOptions
            {
                FailureSelector = request => request.Texts.Any(t => t.Contains("fire", StringComparison.Ordinal))
                    || (request.Texts.Any(t => t.Contains("sea", StringComparison.Ordinal)) && seen.TryAdd("sea", true))
                    ? Failure.ServerError()
                    : null,
            },
            TestRuns.Token);
        var graph = FromList(new[] { "sea", "fire", "sky" }, outputKey: "topic") | AskLLM("Poem about {topic}", $"{_model}@openai", "poem") | ToList("poem");
        var options = new RunOptions
        {
            Models = LoopbackModels.For(flaky, Secret),
            Prices = ModelPrices.Default.With(_model, inputPerMillion: 1_000_000m, outputPerMillion: 2_000_000m),
            Broker = new BrokerOptions { Retry = new RetryOptions { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1) } },
        };

        var result = await graph.RunAsync(options, TestRuns.Token);
        _meter.ForceFlush();

        Assert.Equal(2, result.Count);
        Assert.Equal(2, Sum("batchfactory.retries")); // sea's and fire's one retry each
        Assert.Equal(1, Sum("batchfactory.failures")); // fire, given up
        Assert.Equal(2 * ((3 * 1.0) + (4 * 2.0)), Points("batchfactory.cost").Sum(p => p.GetSumDouble()), precision: 6); // sea and sky: 3 tokens in at $1 each, 4 out at $2
    }

    [Fact]
    public async Task Run_ThroughAFallbackChain_CountsEachFallbackUnderTheMemberThatCouldNotAnswer()
    {
        var closed = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
        var refusing = closed.BaseUri.ToString();
        await closed.DisposeAsync();
        var chain = "w" + Guid.NewGuid().ToString("N")[..8];
        var models = LoopbackModels.For(_server, Secret)
            .With("dead", new ProviderSettings { Kind = "openai-compatible", BaseUrl = refusing })
            .WithFallback(chain, [$"{_model}@dead", $"{_model}@openai"]);
        var graph = FromList(new[] { "sea", "fire", "sky" }, outputKey: "topic") | AskLLM("Poem about {topic}", $"{chain}@fallback", "poem") | ToList("poem");

        var result = await graph.RunCheckedAsync(new RunOptions { Models = models, Broker = new BrokerOptions { Retry = new RetryOptions { MaxRetries = 0 } } }, TestRuns.Token);
        _meter.ForceFlush();

        Assert.Equal(3, result.Count);
        Assert.Equal(3, Sum("batchfactory.fallbacks", provider: "dead"));
        Assert.Equal(3, Sum("batchfactory.calls"));
        Assert.Equal(0, Sum("batchfactory.fallbacks"));
    }

    [Fact]
    public async Task Run_TraceContent_RecordsPromptAndAnswer_WithTheKeyRemoved()
    {
        await RunAsync(new[] { "sea", Secret }, traceContent: true);
        _tracer.ForceFlush();

        var calls = _spans.Where(s => Equals(s.GetTagItem("gen_ai.request.model"), _model)).ToList();
        Assert.Equal(2, calls.Count);
        var sea = Assert.Single(calls, s => ((string)s.GetTagItem("gen_ai.input.messages")!).Contains("sea", StringComparison.Ordinal));
        Assert.Equal("""[{"role":"user","parts":[{"type":"text","content":"Poem about sea"}]}]""", sea.GetTagItem("gen_ai.input.messages"));
        Assert.Equal($$"""[{"role":"assistant","parts":[{"type":"text","content":"Echo[{{_model}}]: Poem about sea"}],"finish_reason":"stop"}]""", sea.GetTagItem("gen_ai.output.messages"));
        var everything = string.Join("\n", calls.SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}")));
        Assert.DoesNotContain(Secret, everything, StringComparison.Ordinal);
        Assert.Contains("Poem about ***", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OneCallInFlight_RecordsEachRequestsQueueWait()
    {
        await using var slow = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Latency = TimeSpan.FromMilliseconds(50) }, TestRuns.Token);
        var graph = FromList(new[] { "sea", "fire", "sky" }, outputKey: "topic") | AskLLM("Poem about {topic}", $"{_model}@openai", "poem") | ToList("poem");

        await graph.RunCheckedAsync(
            new RunOptions { Models = LoopbackModels.For(slow, Secret), Broker = new BrokerOptions { RateLimit = new RateLimitOptions { MaxConcurrency = 1 } } },
            TestRuns.Token);
        _meter.ForceFlush();

        // Three requests at once through one slot: each is recorded, and those behind the first waited for it.
        Assert.Equal(3, Count("batchfactory.queue.wait"));
        Assert.True(Points("batchfactory.queue.wait").Sum(p => p.GetHistogramSum()) > 0, "no request waited for the one slot");
    }

    private long Sum(string name, string provider = "openai") => Points(name, provider).Sum(p => p.GetSumLong());

    private long Count(string name) => Points(name).Sum(p => p.GetHistogramCount());

    // The points of this test's model at the provider; other tests may run at the same time.
    private List<MetricPoint> Points(string name, string provider = "openai")
    {
        var points = new List<MetricPoint>();
        foreach (var metric in _metrics.Where(m => m.Name == name))
        {
            foreach (var point in metric.GetMetricPoints())
            {
                var (ofModel, ofProvider) = (false, false);
                foreach (var tag in point.Tags)
                {
                    ofModel |= tag.Key == "gen_ai.request.model" && Equals(tag.Value, _model);
                    ofProvider |= tag.Key == "gen_ai.provider.name" && Equals(tag.Value, provider);
                }

                if (ofModel && ofProvider)
                {
                    points.Add(point);
                }
            }
        }

        return points;
    }

    private async Task RunAsync(string[]? topics = null, bool traceContent = false)
    {
        await using var project = ProjectFolder.Open("otel", "1", new ProjectFolderOptions { DataDirectory = _data.Path });
        var graph = FromList(topics ?? ["sea", "fire", "sky"], outputKey: "topic") | AskLLM("Poem about {topic}", $"{_model}@openai", "poem") | ToList("poem");
        await graph.RunCheckedAsync(new RunOptions { Project = project, Models = LoopbackModels.For(_server, Secret), TraceContent = traceContent }, TestRuns.Token);
    }
}
