using System.Text.Json.Nodes;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Llm;

public sealed class AskLLMTests : IDisposable
{
    private readonly TempFolder _data = new();
    private readonly FakeChatClient _fake = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Offline_AnswersEveryEntryTheSameWayEveryRun()
    {
        Graph Poems() => Topics("sea", "fire") | AskLLM("Write a poem about {topic}.", "gpt-4o-mini@offline", "poem") | ToList("poem");

        var first = await RunAsync(Poems());
        var second = await RunAsync(Poems(), freshData: true);

        Assert.Equal(first, second);
        Assert.All(first, p => Assert.Contains("Write a poem about", p));
        Assert.NotEqual(first[0], first[1]);
    }

    [Fact]
    public async Task SecondRun_ServesEveryAnswerFromTheLedger_AndMakesNoCall()
    {
        var first = await RunResultAsync(Topics("a", "b", "c") | AskLLM("Tell me about {topic}", "m@fake", "answer") | ToList("answer"));
        Assert.Equal(3, _fake.Calls);

        var second = await RunResultAsync(Topics("a", "b", "c") | AskLLM("Tell me about {topic}", "m@fake", "answer") | ToList("answer"));

        Assert.Equal(3, _fake.Calls);
        Assert.Equal(first.Values<string>(), second.Values<string>());
        var stats = second.Nodes.Single(o => o.Broker is not null).Broker!;
        Assert.Equal((0L, 3L, 0L), (stats.Calls, stats.Cached, stats.Failed));
        Assert.Equal(3, first.Nodes.Single(o => o.Broker is not null).Broker!.Calls);
        Assert.Contains("Calls: 0 made, 3 served from the ledger, 0 failed", second.Summary.ToString());
        Assert.Equal((0L, 3L), (second.Calls, second.CachedCalls));
    }

    [Fact]
    public async Task EditedPrompt_CallsAgainOnlyForTheEntriesItChanges()
    {
        Graph Ask(string template) => Topics("a", "b") | AskLLM(template, "m@fake", "answer") | ToList("answer");
        await RunAsync(Ask("About {topic}"));

        await RunAsync(Topics("a", "b", "c") | AskLLM("About {topic}", "m@fake", "answer") | ToList("answer"));
        Assert.Equal(3, _fake.Calls);

        await RunAsync(Ask("Something else about {topic}"));
        Assert.Equal(5, _fake.Calls);
    }

    [Fact]
    public async Task IdenticalRequestsInFlightTogether_AreSentOnce()
    {
        var release = new TaskCompletionSource();
        _fake.Answer = async (prompt, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return "shared";
        };
        var run = RunAsync(FromList(Enumerable.Range(0, 20), outputKey: "n") | AskLLM("Same question for everyone", "m@fake", "answer") | ToList("answer"));
        SpinWait.SpinUntil(() => _fake.Calls > 0, TimeSpan.FromSeconds(30));
        await Task.Delay(50, TestRuns.Token);
        release.SetResult();

        var answers = await run;

        Assert.Equal(1, _fake.Calls);
        Assert.Equal(Enumerable.Repeat("shared", 20), answers);
    }

    [Fact]
    public async Task IdenticalRequestsFailingTogether_AreRecordedAsFailedOncePerRequestSent()
    {
        var release = new TaskCompletionSource();
        _fake.Answer = async (prompt, ct) =>
        {
            await release.Task.WaitAsync(ct);
            throw new InvalidOperationException("the model is down");
        };
        var run = RunResultAsync(FromList(Enumerable.Range(0, 10), outputKey: "n") | AskLLM("Same question for everyone", "m@fake", "answer") | ToList("answer"));
        SpinWait.SpinUntil(() => _fake.Calls > 0, TimeSpan.FromSeconds(30));
        await Task.Delay(50, TestRuns.Token);
        release.SetResult();

        var result = await run;

        // Every entry failed; each request actually sent (normally one, shared by all) left one failure record.
        Assert.Equal(10, result.FailedCalls);
        var ledger = Directory.GetFiles(_data.Path, "llm.jsonl", SearchOption.AllDirectories).Single();
        Assert.Equal(_fake.Calls, File.ReadLines(ledger).Count(line => line.Contains("#failed", StringComparison.Ordinal)));
        Assert.True(_fake.Calls < 10, "identical requests in flight together were not shared");
    }

    [Fact]
    public async Task Samples_OfOnePrompt_AreSeparateCalls()
    {
        await RunAsync(Topics("a") | AskLLM("Q {topic}", "m@fake", "s0", new AskOptions { Sample = 0 }) | AskLLM("Q {topic}", "m@fake", "s1", new AskOptions { Sample = 1 }) | AskLLM("Q {topic}", "m@fake", "s0b", new AskOptions { Sample = 0 }) | ToList("s1"));

        Assert.Equal(2, _fake.Calls);
    }

    [Fact]
    public async Task PromptWithAMissingField_FailsNamingTheOpFieldAndIdx()
    {
        var ex = await Assert.ThrowsAsync<OpException>(() => RunAsync(Topics("a") | AskLLM("About {subject}", "m@fake") | ToList("response")));

        Assert.Equal("AskLLM › GenerateLLMRequest", ex.OpName);
        Assert.Equal("a", ex.Idx);
        Assert.Equal("subject", ex.Field);
        Assert.Contains("AskLLM › GenerateLLMRequest", ex.Message, StringComparison.Ordinal);
        Assert.Contains("subject", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _fake.Calls);
    }

    [Fact]
    public async Task UnknownProvider_FailsBeforeAnyEntryMoves()
    {
        var ex = await Assert.ThrowsAsync<ModelConfigurationException>(() => (Topics("a") | AskLLM("About {topic}", "m@nowhere") | ToList("response")).RunAsync(new RunOptions(), TestRuns.Token));

        Assert.Contains("'nowhere'", ex.Message);
        Assert.Contains("offline", ex.Message);
        Assert.Contains("GenerateLLMRequest", ex.Message);
    }

    [Fact]
    public async Task OpenAIWithoutKey_FailsBeforeAnyCall_NamingTheVariable()
    {
        var models = ModelProviders.Default.With(new OpenAIProvider(_ => null));

        var ex = await Assert.ThrowsAsync<ModelConfigurationException>(() => (Topics("a") | AskLLM("About {topic}", "gpt-4o-mini@openai") | ToList("response")).RunAsync(new RunOptions { Models = models }, TestRuns.Token));

        Assert.Contains("OPENAI_API_KEY", ex.Message);
    }

    [Fact]
    public async Task OpenAIWithAModelTheServerDoesNotList_FailsBeforeAnyCall_AndNeverShowsTheKey()
    {
        await using var server = await BatchFactory.Testing.OpenAICompatibleServer.StartAsync(new BatchFactory.Testing.TestServerOptions { Models = ["gpt-4o-mini"] }, TestRuns.Token);
        var models = LoopbackModels.For(server, "sk-secret-123");

        var ex = await Assert.ThrowsAsync<ModelConfigurationException>(() => (Topics("a") | AskLLM("About {topic}", "gpt-9-ultra@openai") | ToList("response")).RunAsync(new RunOptions { Models = models }, TestRuns.Token));

        Assert.Contains("gpt-9-ultra", ex.Message);
        Assert.DoesNotContain("sk-secret-123", ex.ToString());
        Assert.Equal(0, server.ChatRequests);
    }

    [Fact]
    public async Task FailingRequest_Stay_DropsTheEntryRecordsTheFailure_AndALaterRunRetriesIt()
    {
        _fake.Answer = (prompt, _) => prompt.Contains("bad", StringComparison.Ordinal) ? throw new HttpRequestException("server said no") : Task.FromResult("ok " + prompt);

        var first = await RunResultAsync(Topics("good", "bad") | AskLLM("Q {topic}", "m@fake", "answer") | ToList("answer"));

        Assert.Equal(["ok Q good"], first.Values<string>());
        Assert.Equal(1, first.Nodes.Single(o => o.Broker is not null).Broker!.Failed);
        await using (var project = OpenProject())
        {
            var ledger = await project.OpenLedgerAsync("llm", TestRuns.Token);
            var failures = new List<LedgerRecord>();
            await foreach (var record in ledger.EnumerateAsync(TestRuns.Token))
            {
                if (record.Key.EndsWith("#failed", StringComparison.Ordinal))
                {
                    failures.Add(record);
                }
            }

            Assert.Contains("server said no", Assert.Single(failures).Value["error"]!.GetValue<string>());
        }

        _fake.Answer = (prompt, _) => Task.FromResult("ok " + prompt);
        var second = await RunResultAsync(Topics("good", "bad") | AskLLM("Q {topic}", "m@fake", "answer") | ToList("answer"));

        Assert.Equal(["ok Q good", "ok Q bad"], second.Values<string>());
        Assert.Equal((1L, 1L), (second.Nodes.Single(o => o.Broker is not null).Broker!.Calls, second.Nodes.Single(o => o.Broker is not null).Broker!.Cached));
    }

    [Fact]
    public async Task FailingRequest_Emit_PassesTheEntryOnMarkedFailed()
    {
        _fake.Answer = (_, _) => throw new HttpRequestException("down");

        var result = await RunResultAsync(Topics("a") | AskLLM("Q {topic}", "m@fake", "answer", new AskOptions { OnFailure = OnCallFailure.Emit }) | OutputEntries());

        var entry = Assert.Single(result.Entries);
        Assert.Equal("failed", entry.Get<string>("status"));
        Assert.Contains("down", entry.Get<string>("error"));
        Assert.False(entry.Has("answer"));
    }

    [Fact]
    public async Task FailingRequest_Retry_TriesAgainNow()
    {
        var attempts = 0;
        _fake.Answer = (_, _) => Interlocked.Increment(ref attempts) < 3 ? throw new HttpRequestException("flaky") : Task.FromResult("finally");

        var answers = await RunAsync(Topics("a") | AskLLM("Q {topic}", "m@fake", "answer", new AskOptions { OnFailure = OnCallFailure.Retry }) | ToList("answer"));

        Assert.Equal(["finally"], answers);
    }

    [Fact]
    public async Task FailingRequest_RetryWithExtraAttemptsZero_TriesOnceAndTheEntryStays()
    {
        var attempts = 0;
        _fake.Answer = (_, _) => Interlocked.Increment(ref attempts) < 2 ? throw new HttpRequestException("flaky") : Task.FromResult("later");

        var result = await RunResultAsync(Topics("a") | AskLLM("Q {topic}", "m@fake", "answer", new AskOptions { OnFailure = OnCallFailure.Retry, ExtraAttempts = 0 }) | ToList("answer"));

        Assert.Empty(result.Values<string>());
        Assert.Equal(1, result.FailedCalls);
    }

    [Theory]
    [InlineData(0, 2, 0, "AskOptions.Concurrency")]
    [InlineData(64, -1, 0, "AskOptions.ExtraAttempts")]
    [InlineData(64, 2, -1, "AskOptions.Sample")]
    public void AskLLM_OptionOutOfRange_ThrowsWhenBuiltNamingTheOption(int concurrency, int extraAttempts, int sample, string option)
    {
        var options = new AskOptions { Concurrency = concurrency, ExtraAttempts = extraAttempts, Sample = sample };

        var ex = Assert.Throws<ArgumentException>(() => AskLLM("Q {topic}", "m@fake", "answer", options));

        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("AskLLM:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelCallOps_OptionOutOfRange_ThrowWhenBuiltNamingTheOption()
    {
        Assert.Contains("EmbedOptions.Concurrency", Assert.Throws<ArgumentException>(() => EmbedText("t", "tiny:8@offline", "v", new EmbedOptions { Concurrency = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("CallOptions.ExtraAttempts", Assert.Throws<ArgumentException>(() => CallLLM(options: new CallOptions { ExtraAttempts = -3 })).Message, StringComparison.Ordinal);
        Assert.Contains("RequestOptions.Sample", Assert.Throws<ArgumentException>(() => GenerateLLMRequest("Q", "m@fake", options: new RequestOptions { Sample = -1 })).Message, StringComparison.Ordinal);
        Assert.Contains("CharacterOptions.OnFailure", Assert.Throws<ArgumentException>(() => new AICharacter("A", "You are A.", "m@fake", options: new CharacterOptions { OnFailure = (OnCallFailure)42 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PromptBuilder_WithOptions_SendsTheSystemPromptAndKeepsOutputKey()
    {
        var result = await RunResultAsync(Topics("a") | AskLLM(e => "Q " + e.Get<string>("topic"), "m@fake", "answer", new AskOptions { SystemPrompt = "Be brief." }) | ToList("answer"));

        Assert.Equal(["answer to Q a"], result.Values<string>());
        Assert.Equal([("system", "Be brief."), ("user", "Q a")], Assert.Single(_fake.Received));
    }

    [Fact]
    public async Task FailingRequest_FailRun_StopsTheRunNamingTheOpAndIdx()
    {
        _fake.Answer = (_, _) => throw new HttpRequestException("down");

        var ex = await Assert.ThrowsAsync<OpException>(() => RunAsync(Topics("a") | AskLLM("Q {topic}", "m@fake", "answer", new AskOptions { OnFailure = OnCallFailure.FailRun }) | ToList("answer")));

        Assert.Equal("AskLLM › CallLLM", ex.OpName);
        Assert.Equal("a", ex.Idx);
    }

    [Fact]
    public async Task Cost_IsComputedFromTheUsageOfCallsMade_ByThePriceTable()
    {
        var models = ModelProviders.Default.WithChatClient("fake", _ => _fake);
        var prices = ModelPrices.Default.With("priced", 1m, 10m);
        await using var project = OpenProject();

        var result = await (Topics("a", "b") | AskLLM("Q {topic}", "priced@fake") | ToList("response")).RunAsync(new RunOptions { Project = project, Models = models, Prices = prices, Broker = new BrokerOptions { Retry = null } }, TestRuns.Token);

        var stats = result.Nodes.Single(o => o.Broker is not null).Broker!;
        Assert.Equal((2000L, 4000L), (stats.InputTokens, stats.OutputTokens));
        Assert.Equal(0.042m, stats.Cost);
    }

    [Fact]
    public async Task RemoveThinking_DropsReasoningBlocksFromTheAnswer()
    {
        _fake.Answer = (_, _) => Task.FromResult("<think>let me see\nhmm</think>\nThe answer.");

        var answers = await RunAsync(Topics("a") | AskLLM("Q {topic}", "m@fake", "answer", new AskOptions { RemoveThinking = true }) | ToList("answer"));

        Assert.Equal(["The answer."], answers);
    }

    [Fact]
    public async Task SystemPromptAndOptions_AreSentAndPartOfTheRequest()
    {
        var g = Topics("a") | GenerateLLMRequest("Q {topic}", "m@offline", options: new RequestOptions { SystemPrompt = "Be brief.", Llm = new LlmOptions { Temperature = 0.2, MaxTokens = 50 } }) | OutputEntries();

        var request = (await RunResultAsync(g)).Entries.Single().Data["llm_request"]!;

        Assert.Equal("""{"messages":[{"content":"Be brief.","role":"system"},{"content":"Q a","role":"user"}],"model":"m@offline","options":{"temperature":0.2,"max_tokens":50}}""", request.ToJsonString());
    }

    private static Graph Topics(params string[] topics) => FromList(topics, outputKey: "topic", idxKey: "topic");

    private ProjectFolder OpenProject() => ProjectFolder.Open("llm", "1", new ProjectFolderOptions { DataDirectory = _data.Path });

    private async Task<RunResult> RunResultAsync(Graph graph)
    {
        await using var project = OpenProject();
        return await graph.RunCheckedAsync(new RunOptions { Project = project, Models = ModelProviders.Default.WithChatClient("fake", _ => _fake), Broker = new BrokerOptions { Retry = null } }, TestRuns.Token);
    }

    private async Task<List<string>> RunAsync(Graph graph, bool freshData = false)
    {
        if (freshData)
        {
            Directory.Delete(_data.Path, recursive: true);
        }

        return [.. (await RunResultAsync(graph)).Values<string>()];
    }
}
