using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure.AI.OpenAI;
using BatchFactory.Testing;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using SdkChatMessage = OpenAI.Chat.ChatMessage;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Testing;

/// <summary>
/// The test server speaks the OpenAI wire format as the real OpenAI SDK (2.15), its Microsoft.Extensions.AI adapter
/// and Azure.AI.OpenAI (2.1) send and read it, answers deterministically, counts, waits and fails on request.
/// </summary>
public sealed class OpenAICompatibleServerTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CompleteChat_SameRequestTwice_ReturnsSameEchoTextAndIdWithWordCountUsage()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: Token);
        ChatClient client = Chat(server);
        SdkChatMessage[] messages = [new SystemChatMessage("Be brief."), new UserChatMessage("hello there world")];

        ChatCompletion first = (await client.CompleteChatAsync(messages, cancellationToken: Token)).Value;
        ChatCompletion second = (await client.CompleteChatAsync(messages, cancellationToken: Token)).Value;

        Assert.Equal("Echo[gpt-test]: hello there world", first.Content.Single().Text);
        Assert.Equal(OpenAI.Chat.ChatFinishReason.Stop, first.FinishReason);
        Assert.Equal("gpt-test", first.Model);
        Assert.Equal(5, first.Usage.InputTokenCount);
        Assert.Equal(4, first.Usage.OutputTokenCount);
        Assert.Equal(9, first.Usage.TotalTokenCount);
        Assert.Equal(first.Content.Single().Text, second.Content.Single().Text);
        Assert.Equal(first.Id, second.Id);
    }

    [Fact]
    public async Task GetResponse_ThroughAsIChatClient_ReturnsEchoOfLastUserMessageWithUsage()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: Token);
        IChatClient client = Chat(server, "model-a").AsIChatClient();

        ChatResponse response = await client.GetResponseAsync(
            [new AIChatMessage(ChatRole.User, "first question"), new AIChatMessage(ChatRole.Assistant, "an answer"), new AIChatMessage(ChatRole.User, "second one")],
            cancellationToken: Token);

        Assert.Equal("Echo[model-a]: second one", response.Text);
        Assert.Equal(Microsoft.Extensions.AI.ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(6, response.Usage?.InputTokenCount);
        Assert.Equal(3, response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponse_ThroughAsIChatClient_StreamsSameTextAndUsage()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: Token);
        IChatClient client = Chat(server).AsIChatClient();

        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync("stream this please", cancellationToken: Token))
        {
            updates.Add(update);
        }

        ChatResponse response = updates.ToChatResponse();
        Assert.Equal("Echo[gpt-test]: stream this please", response.Text);
        Assert.Equal(Microsoft.Extensions.AI.ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(3, response.Usage?.InputTokenCount);
        Assert.Equal(4, response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task ChatResponder_WhenSet_ComputesReplyFromModelAndMessages()
    {
        var options = new TestServerOptions
        {
            ChatResponder = request => $"{request.Model}/{request.Messages.Count}/{request.Messages[0].Role}/{request.LastUserMessage.ToUpperInvariant()}",
        };
        await using var server = await OpenAICompatibleServer.StartAsync(options, Token);
        IChatClient client = Chat(server, "m1").AsIChatClient();

        ChatResponse response = await client.GetResponseAsync(
            [new AIChatMessage(ChatRole.System, "sys"), new AIChatMessage(ChatRole.User, "shout this")], cancellationToken: Token);

        Assert.Equal("m1/2/system/SHOUT THIS", response.Text);
        Assert.Equal(2, response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task Generate_ThroughAsIEmbeddingGenerator_GivesDeterministicUnitVectorsOfConfiguredDimension()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { EmbeddingDimensions = 16 }, Token);
        IEmbeddingGenerator<string, Embedding<float>> generator =
            new EmbeddingClient("embedder", new ApiKeyCredential("test"), Options(server)).AsIEmbeddingGenerator();
        // Many inputs, so the base64 answer certainly contains '+' and '/' (an escaped '+' breaks the SDK).
        string[] inputs = ["alpha", "beta", "alpha", .. Enumerable.Range(0, 60).Select(i => $"text{i}")];

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(inputs, cancellationToken: Token);
        GeneratedEmbeddings<Embedding<float>> again = await generator.GenerateAsync(["beta"], cancellationToken: Token);

        Assert.Equal(inputs.Length, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal(16, e.Vector.Length));
        Assert.All(embeddings, e => Assert.Equal(1.0, Norm(e.Vector.Span), 5));
        Assert.Equal(embeddings[0].Vector.ToArray(), embeddings[2].Vector.ToArray());
        Assert.NotEqual(embeddings[0].Vector.ToArray(), embeddings[1].Vector.ToArray());
        Assert.Equal(embeddings[1].Vector.ToArray(), again[0].Vector.ToArray());
        Assert.Equal(inputs.Length, embeddings.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task Generate_WithDimensionsOption_GivesVectorsOfRequestedLength()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: Token);
        IEmbeddingGenerator<string, Embedding<float>> generator =
            new EmbeddingClient("embedder", new ApiKeyCredential("test"), Options(server)).AsIEmbeddingGenerator();

        GeneratedEmbeddings<Embedding<float>> defaults = await generator.GenerateAsync(["x"], cancellationToken: Token);
        GeneratedEmbeddings<Embedding<float>> five = await generator.GenerateAsync(
            ["x"], new Microsoft.Extensions.AI.EmbeddingGenerationOptions { Dimensions = 5 }, Token);

        Assert.Equal(8, defaults[0].Vector.Length);
        Assert.Equal(5, five[0].Vector.Length);
        Assert.Equal(1.0, Norm(five[0].Vector.Span), 5);
    }

    [Fact]
    public async Task PostEmbeddings_Base64AndFloatFormats_EncodeSameVectorsAndNeverEscapePlus()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: Token);
        using var http = new HttpClient { BaseAddress = server.Root };
        string[] inputs = [.. Enumerable.Range(0, 40).Select(i => $"input {i}")];

        string base64Json = await PostAsync(http, "v1/embeddings", new { model = "e", input = inputs, encoding_format = "base64" });
        string floatJson = await PostAsync(http, "v1/embeddings", new { model = "e", input = inputs, encoding_format = "float" });

        Assert.DoesNotContain("\\u002B", base64Json, StringComparison.OrdinalIgnoreCase);
        Assert.Contains('+', base64Json);
        using JsonDocument base64 = JsonDocument.Parse(base64Json);
        using JsonDocument floats = JsonDocument.Parse(floatJson);
        JsonElement[] base64Data = [.. base64.RootElement.GetProperty("data").EnumerateArray()];
        JsonElement[] floatData = [.. floats.RootElement.GetProperty("data").EnumerateArray()];
        Assert.Equal(inputs.Length, base64Data.Length);
        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(i, base64Data[i].GetProperty("index").GetInt32());
            float[] decoded = [.. System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(base64Data[i].GetProperty("embedding").GetBytesFromBase64())];
            float[] listed = [.. floatData[i].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())];
            Assert.Equal(listed, decoded);
        }
    }

    [Fact]
    public async Task Counters_AfterChatAndEmbeddingRequests_CountEachKindAndLogPathModelTextsAndTime()
    {
        var clock = new ManualTimeProvider(Start);
        await using var server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { TimeProvider = clock }, Token);
        IChatClient chat = Chat(server, "chat-model").AsIChatClient();
        IEmbeddingGenerator<string, Embedding<float>> embedder =
            new EmbeddingClient("embed-model", new ApiKeyCredential("test"), Options(server)).AsIEmbeddingGenerator();

        await chat.GetResponseAsync([new AIChatMessage(ChatRole.System, "Be brief."), new AIChatMessage(ChatRole.User, "hi")], cancellationToken: Token);
        clock.Advance(TimeSpan.FromMinutes(1));
        await embedder.GenerateAsync(["a", "b"], cancellationToken: Token);
        await chat.GetResponseAsync("again", cancellationToken: Token);

        Assert.Equal(3, server.TotalRequests);
        Assert.Equal(2, server.ChatRequests);
        Assert.Equal(1, server.EmbeddingRequests);
        Assert.Equal(0, server.FailedRequests);
        IReadOnlyList<ReceivedRequest> requests = server.Requests;
        Assert.Equal([1L, 2L, 3L], requests.Select(r => r.Number));
        Assert.Equal(
            new ReceivedRequest(1, RequestKind.Chat, "/v1/chat/completions", "chat-model", requests[0].Texts, Start),
            requests[0]);
        Assert.Equal(["Be brief.", "hi"], requests[0].Texts);
        Assert.Equal((RequestKind.Embeddings, "/v1/embeddings", "embed-model"), (requests[1].Kind, requests[1].Path, requests[1].Model));
        Assert.Equal(["a", "b"], requests[1].Texts);
        Assert.Equal(Start.AddMinutes(1), requests[1].ReceivedAt);
        Assert.Equal(["again"], requests[2].Texts);
    }

    [Fact]
    public async Task Reset_AfterRequests_ZeroesCountersRestartsNumbersAndDropsQueuedFailures()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: Token);
        IChatClient client = Chat(server).AsIChatClient();
        await client.GetResponseAsync("one", cancellationToken: Token);
        server.FailNext(1, Failure.ServerError());
        await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync("two", cancellationToken: Token));
        server.FailNext(5, Failure.ServerError());

        server.Reset();
        await client.GetResponseAsync("three", cancellationToken: Token);

        Assert.Equal((1L, 1L, 0L, 0L), (server.TotalRequests, server.ChatRequests, server.EmbeddingRequests, server.FailedRequests));
        ReceivedRequest only = Assert.Single(server.Requests);
        Assert.Equal((1L, "three"), (only.Number, only.Texts.Single()));
    }

    [Fact]
    public async Task Requests_BeyondMaxRecordedRequests_KeepsOnlyMostRecentButCountsAll()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { MaxRecordedRequests = 2 }, Token);
        IChatClient client = Chat(server).AsIChatClient();

        foreach (string prompt in new[] { "a", "b", "c" })
        {
            await client.GetResponseAsync(prompt, cancellationToken: Token);
        }

        Assert.Equal(3, server.ChatRequests);
        Assert.Equal([2L, 3L], server.Requests.Select(r => r.Number));
    }

    [Fact]
    public async Task FailNext_TooManyRequests_SurfacesAsClientResultException429WithRetryAfterThenAnswers()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: Token);
        ChatClient client = Chat(server);
        server.FailNext(1, Failure.TooManyRequests(retryAfterSeconds: 7));

        var error = await Assert.ThrowsAsync<ClientResultException>(
            () => client.CompleteChatAsync([new UserChatMessage("x")], cancellationToken: Token));
        ChatCompletion next = (await client.CompleteChatAsync([new UserChatMessage("x")], cancellationToken: Token)).Value;

        Assert.Equal(429, error.Status);
        Assert.True(error.GetRawResponse()!.Headers.TryGetValue("Retry-After", out string? retryAfter));
        Assert.Equal("7", retryAfter);
        Assert.Equal("Echo[gpt-test]: x", next.Content.Single().Text);
        Assert.Equal((2L, 1L), (server.ChatRequests, server.FailedRequests));
    }

    [Fact]
    public async Task FailNext_ServerErrorThroughAsIChatClient_SurfacesAsClientResultException500()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: Token);
        IChatClient client = Chat(server).AsIChatClient();
        server.FailNext(1, Failure.ServerError());

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync("x", cancellationToken: Token));

        Assert.Equal(500, error.Status);
        Assert.False(error.GetRawResponse()!.Headers.TryGetValue("Retry-After", out _));
    }

    [Fact]
    public async Task FailNext_Abort_SurfacesAsTransportErrorWithoutStatusThenAnswers()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: Token);
        IChatClient client = Chat(server).AsIChatClient();
        server.FailNext(1, Failure.Abort());

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync("x", cancellationToken: Token));
        ChatResponse next = await client.GetResponseAsync("y", cancellationToken: Token);

        Assert.Equal(0, error.Status);
        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Equal("Echo[gpt-test]: y", next.Text);
        Assert.Equal(1, server.FailedRequests);
    }

    [Fact]
    public async Task FailNext_TwoServiceUnavailableWithSdkDefaultRetries_ThirdAttemptSucceeds()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: Token);
        var client = new ChatClient("gpt-test", new ApiKeyCredential("test"), new OpenAIClientOptions { Endpoint = server.BaseUri });
        server.FailNext(2, Failure.ServiceUnavailable());

        ChatCompletion completion = (await client.CompleteChatAsync([new UserChatMessage("retry me")], cancellationToken: Token)).Value;

        Assert.Equal("Echo[gpt-test]: retry me", completion.Content.Single().Text);
        Assert.Equal((3L, 2L), (server.ChatRequests, server.FailedRequests));
    }

    [Fact]
    public async Task FailNext_OnEmbeddings_FailsThemToo()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: Token);
        IEmbeddingGenerator<string, Embedding<float>> generator =
            new EmbeddingClient("embedder", new ApiKeyCredential("test"), Options(server)).AsIEmbeddingGenerator();
        server.FailNext(1, Failure.HttpStatus(503, retryAfterSeconds: 2));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => generator.GenerateAsync(["x"], cancellationToken: Token));

        Assert.Equal(503, error.Status);
        Assert.Equal((1L, 1L), (server.EmbeddingRequests, server.FailedRequests));
    }

    [Fact]
    public async Task FailureSelector_FailsRequestNumbersItChoosesAfterQueuedFailures()
    {
        var options = new TestServerOptions
        {
            FailureSelector = request => request.Number % 2 == 0 ? Failure.ServiceUnavailable(retryAfterSeconds: 3) : null,
        };
        await using var server = await OpenAICompatibleServer.StartAsync(options, Token);
        IChatClient client = Chat(server).AsIChatClient();
        server.FailNext(1, Failure.ServerError());

        List<int> statuses = [];
        for (int i = 0; i < 5; i++)
        {
            try
            {
                await client.GetResponseAsync($"call {i}", cancellationToken: Token);
                statuses.Add(200);
            }
            catch (ClientResultException e)
            {
                statuses.Add(e.Status);
            }
        }

        Assert.Equal([500, 503, 200, 503, 200], statuses);
        Assert.Equal(3, server.FailedRequests);
    }

    [Fact]
    public async Task Latency_WithInjectedClock_AnswersOnlyAfterClockAdvancesByLatency()
    {
        var clock = new ManualTimeProvider(Start);
        await using var server = await OpenAICompatibleServer.StartAsync(
            new TestServerOptions { Latency = TimeSpan.FromSeconds(2), TimeProvider = clock }, Token);
        IChatClient client = Chat(server).AsIChatClient();

        Task<ChatResponse> call = client.GetResponseAsync("wait for it", cancellationToken: Token);
        await Eventually.TrueAsync(() => clock.PendingTimers >= 1, "the server sets its latency timer");
        clock.Advance(TimeSpan.FromMilliseconds(1999));
        bool answeredEarly = call.IsCompleted;
        clock.Advance(TimeSpan.FromMilliseconds(1));
        ChatResponse response = await call.WaitAsync(Bound, Token);

        Assert.False(answeredEarly, "the server answered before its clock had moved by the latency");
        Assert.Equal([TimeSpan.FromSeconds(2)], clock.RequestedDueTimes);
        Assert.Equal("Echo[gpt-test]: wait for it", response.Text);
        Assert.Equal(Start, Assert.Single(server.Requests).ReceivedAt);
    }

    [Fact]
    public async Task FailNext_Slow_WaitsLatencyPlusDelayThenAnswersNormally()
    {
        var clock = new ManualTimeProvider(Start);
        await using var server = await OpenAICompatibleServer.StartAsync(
            new TestServerOptions { Latency = TimeSpan.FromSeconds(1), TimeProvider = clock }, Token);
        IChatClient client = Chat(server).AsIChatClient();
        server.FailNext(1, Failure.Slow(TimeSpan.FromSeconds(3)));

        Task<ChatResponse> call = client.GetResponseAsync("slowly", cancellationToken: Token);
        await Eventually.TrueAsync(() => clock.PendingTimers >= 1, "the server sets its latency timer");
        clock.Advance(TimeSpan.FromSeconds(4));
        ChatResponse response = await call.WaitAsync(Bound, Token);

        Assert.Equal([TimeSpan.FromSeconds(4)], clock.RequestedDueTimes);
        Assert.Equal("Echo[gpt-test]: slowly", response.Text);
        Assert.Equal(0, server.FailedRequests);
    }

    [Fact]
    public async Task Latency_ManyConcurrentCalls_AllAnsweredAndCounted()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(
            new TestServerOptions { Latency = TimeSpan.FromMilliseconds(20) }, Token);
        IChatClient client = Chat(server).AsIChatClient();

        ChatResponse[] responses = await Task.WhenAll(
            Enumerable.Range(0, 300).Select(i => client.GetResponseAsync($"call {i}", cancellationToken: Token))).WaitAsync(Bound, Token);

        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"Echo[gpt-test]: call {i}"), responses.Select(r => r.Text));
        Assert.Equal(300, server.ChatRequests);
    }

    [Fact]
    public async Task AzureOpenAIClient_ChatThroughAsIChatClient_PostsToDeploymentPathAndGetsEcho()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: Token);
        // Azure.AI.OpenAI 2.1's own CompleteChat throws MissingMethodException beside OpenAI 2.15; AsIChatClient works.
        IChatClient client = new AzureOpenAIClient(server.Root, new ApiKeyCredential("k"))
            .GetChatClient("my-deployment").AsIChatClient();

        ChatResponse response = await client.GetResponseAsync("hello azure", cancellationToken: Token);

        Assert.Equal("Echo[my-deployment]: hello azure", response.Text);
        Assert.Equal(2, response.Usage?.InputTokenCount);
        ReceivedRequest request = Assert.Single(server.Requests);
        Assert.Equal("/openai/deployments/my-deployment/chat/completions", request.Path);
    }

    [Fact]
    public async Task AzureOpenAIClient_EmbeddingsThroughAsIEmbeddingGenerator_PostToDeploymentPathAndGetUnitVectors()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: Token);
        IEmbeddingGenerator<string, Embedding<float>> generator = new AzureOpenAIClient(server.Root, new ApiKeyCredential("k"))
            .GetEmbeddingClient("embed-deployment").AsIEmbeddingGenerator();

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(["q"], cancellationToken: Token);

        Assert.Equal(8, embeddings[0].Vector.Length);
        Assert.Equal(1.0, Norm(embeddings[0].Vector.Span), 5);
        Assert.Equal("/openai/deployments/embed-deployment/embeddings", Assert.Single(server.Requests).Path);
    }

    [Fact]
    public async Task UnknownPathAndUnreadableBody_Answer404And400WithOpenAIErrorsAndAreNotCounted()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: Token);
        using var http = new HttpClient { BaseAddress = server.Root };

        using HttpResponseMessage notFound = await http.GetAsync("v1/models", Token);
        using HttpResponseMessage badJson = await http.PostAsync(
            "v1/chat/completions", new StringContent("{not json", Encoding.UTF8, "application/json"), Token);
        using HttpResponseMessage noMessages = await http.PostAsync(
            "v1/chat/completions", new StringContent("{\"model\":\"m\"}", Encoding.UTF8, "application/json"), Token);

        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noMessages.StatusCode);
        using JsonDocument error = JsonDocument.Parse(await noMessages.Content.ReadAsStringAsync(Token));
        Assert.Contains("messages", error.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(0, server.TotalRequests);
    }

    [Fact]
    public async Task DisposeAsync_WhileRequestWaitsOutLatency_AbortsItAndReturns()
    {
        var clock = new ManualTimeProvider(Start);
        var server = await OpenAICompatibleServer.StartAsync(
            new TestServerOptions { Latency = TimeSpan.FromHours(1), TimeProvider = clock }, Token);
        IChatClient client = Chat(server).AsIChatClient();
        Task<ChatResponse> call = client.GetResponseAsync("never answered", cancellationToken: Token);
        await Eventually.TrueAsync(() => clock.PendingTimers >= 1, "the server sets its latency timer");

        await server.DisposeAsync().AsTask().WaitAsync(Bound, Token);

        await Assert.ThrowsAsync<ClientResultException>(() => call.WaitAsync(Bound, Token));
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_ThrowsArgumentOutOfRange()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => OpenAICompatibleServer.StartAsync(new TestServerOptions { Latency = TimeSpan.FromSeconds(-1) }, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => OpenAICompatibleServer.StartAsync(new TestServerOptions { EmbeddingDimensions = 0 }, Token));
    }

    private static ChatClient Chat(OpenAICompatibleServer server, string model = "gpt-test") =>
        new(model, new ApiKeyCredential("test"), Options(server));

    private static OpenAIClientOptions Options(OpenAICompatibleServer server) =>
        new() { Endpoint = server.BaseUri, RetryPolicy = new ClientRetryPolicy(0) };

    private static double Norm(ReadOnlySpan<float> vector)
    {
        double sum = 0;
        foreach (float value in vector)
        {
            sum += value * (double)value;
        }

        return Math.Sqrt(sum);
    }

    private static async Task<string> PostAsync(HttpClient http, string path, object body)
    {
        using HttpResponseMessage response = await http.PostAsync(
            path, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"), Token);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(Token);
    }
}
