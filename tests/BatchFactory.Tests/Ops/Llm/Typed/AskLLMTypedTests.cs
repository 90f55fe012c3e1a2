using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Llm.Typed;

public sealed record QA(string Question, string Answer, [property: Range(1, 5)] int Difficulty);

public sealed class AskLLMTypedTests : IAsyncLifetime
{
    private const string Model = "gpt-4o-mini@openai";
    private readonly TempProject _project = new();
    private Func<ChatRequestInfo, BadAnswerKind?>? _bad;
    private Func<ReceivedRequest, Failure?>? _failure;
    private OpenAICompatibleServer _server = null!;

    public static TheoryData<BadAnswerKind> BadKinds => [.. Enum.GetValues<BadAnswerKind>()];

    public async ValueTask InitializeAsync() =>
        _server = await OpenAICompatibleServer.StartAsync(
            new TestServerOptions { BadAnswers = info => _bad?.Invoke(info), FailureSelector = r => _failure?.Invoke(r) },
            TestRuns.Token);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _project.DisposeAsync();
    }

    [Fact]
    public async Task AskLLM_ValidAnswers_StoresTypedValuesReadableAsT()
    {
        var result = await RunAsync(Ask<QA>("One question about {topic}.", "qa"), "sea", "fire");

        var pairs = result.Values<QA>();
        Assert.Equal(2, pairs.Count);
        Assert.All(pairs, qa => Assert.InRange(qa.Difficulty, 1, 5));
        Assert.All(pairs, qa => Assert.False(string.IsNullOrWhiteSpace(qa.Question)));
        Assert.Equal(2, _server.ChatRequests);
        Assert.Equal(new AnswerStats(2, [], 0), Answers(result));
    }

    [Fact]
    public async Task AskLLM_SendsTheSchemaOfTheType_AsStrictJsonSchema()
    {
        await RunAsync(Ask<QA>("One question about {topic}.", "qa"), "sea");

        var schema = JsonNode.Parse(_server.Requests.Single().JsonSchema!)!;
        Assert.Equal("object", schema["type"]!.GetValue<string>());
        Assert.Equal(["Question", "Answer", "Difficulty"], schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.False(schema["additionalProperties"]!.GetValue<bool>());

        // In strict mode the OpenAI client moves the bounds it does not send into the description; the answer is still checked against them.
        Assert.Equal("minimum: 1\nmaximum: 5", schema["properties"]!["Difficulty"]!["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task AskLLM_SchemaInPrompt_StatesTheSchemaInTheUserPromptToo()
    {
        await RunAsync(Ask<QA>("One question about {topic}.", "qa", new AskOptions<QA> { SchemaInPrompt = true }), "sea");

        var prompt = _server.Requests.Single().Texts[0];
        Assert.StartsWith("One question about sea.\n\nAnswer with JSON only, matching this JSON schema:\n{", prompt);
        Assert.Contains("\"Difficulty\"", prompt);
    }

    [Fact]
    public async Task AskLLM_ListOfRecords_IsWrappedForTheProvider_AndUnwrappedForTheUser()
    {
        var result = await RunAsync(Ask<List<QA>>("Three questions about {topic}.", "qa"), "sea");

        var schema = JsonNode.Parse(_server.Requests.Single().JsonSchema!)!;
        Assert.Equal("array", schema["properties"]!["value"]!["type"]!.GetValue<string>());
        Assert.Equal(3, result.Values<List<QA>>().Single().Count);
    }

    [Theory]
    [MemberData(nameof(BadKinds))]
    public async Task AskLLM_BadAnswerCorrectedByTheModel_IsRepaired_WithOneRequestPerRepair(BadAnswerKind kind)
    {
        _bad = info => info.Attempt < 2 ? kind : null;

        var result = await RunAsync(Ask<QA>("One question about {topic}.", "qa"), "sea");

        Assert.Equal(3, _server.ChatRequests);
        Assert.Single(result.Values<QA>());
        Assert.Equal(new AnswerStats(0, [0, 1], 0), Answers(result));
        var repair = _server.Requests[1];
        Assert.Equal(3, repair.Texts.Count);
        Assert.StartsWith("Your answer is not a valid QA:", repair.Texts[2]);
        Assert.Contains("$", repair.Texts[2]);
    }

    [Theory]
    [MemberData(nameof(BadKinds))]
    public async Task AskLLM_BadAnswerNeverCorrected_IsDeadLettered_AfterOnePlusMaxRepairsRequests(BadAnswerKind kind)
    {
        _bad = _ => kind;

        var result = await RunAsync(Ask<QA>("One question about {topic}.", "qa"), "sea", "fire");

        Assert.Equal(6, _server.ChatRequests);
        Assert.Empty(result.Values<QA>());
        Assert.Equal(RunStatus.CompletedWithFailures, result.Summary.Status);
        Assert.Equal(new AnswerStats(0, [], 2), Answers(result));
        var letters = DeadLetters("AskLLM-QA");
        Assert.Equal(["t0", "t1"], letters.Select(l => l["idx"]!.GetValue<string>()).Order());
        Assert.All(letters, l => Assert.NotEmpty(l["errors"]!.AsArray()));
        Assert.All(letters, l => Assert.Equal(2, l["repairs"]!.GetValue<int>()));
        Assert.Contains("One question about", letters[0]["request"]!.ToJsonString());
        Assert.NotNull(letters[0]["answer"]);
    }

    [Fact]
    public async Task AskLLM_ErrorsNameTheJsonPath()
    {
        _bad = _ => BadAnswerKind.OutOfRange;

        await RunAsync(Ask<QA>("One question about {topic}.", "qa", new AskOptions<QA> { MaxRepairs = 0 }), "sea");

        var error = DeadLetters("AskLLM-QA").Single()["errors"]![0]!.GetValue<string>();
        Assert.StartsWith("$.Difficulty: ", error);
        Assert.Contains("between 1 and 5", error);
    }

    [Fact]
    public async Task AskLLM_RerunAfterRepairs_MakesNoCall_AndGivesTheSameValues()
    {
        _bad = info => info.Attempt < 1 ? BadAnswerKind.WrongType : null;
        var first = await RunAsync(Ask<QA>("One question about {topic}.", "qa"), "a", "b", "c");
        Assert.Equal(6, _server.ChatRequests);

        var second = await RunAsync(Ask<QA>("One question about {topic}.", "qa"), "a", "b", "c");

        Assert.Equal(6, _server.ChatRequests);
        Assert.Equal(first.Values<QA>(), second.Values<QA>());
        Assert.Equal(new AnswerStats(0, [3], 0), Answers(second));
        Assert.Equal((0L, 6L), (second.Calls, second.CachedCalls));
    }

    [Fact]
    public async Task AskLLM_InterruptedRepairChain_ResumesWithoutRepeatingAnsweredAttempts()
    {
        _bad = info => info.Attempt < 2 ? BadAnswerKind.MissingRequired : null;
        _failure = r => r.Texts.Count > 3 ? Failure.HttpStatus(400) : null;
        var first = await RunAsync(Ask<QA>("One question about {topic}.", "qa"), "a");
        Assert.Empty(first.Values<QA>());
        Assert.Equal(3, _server.ChatRequests);
        _failure = null;

        var second = await RunAsync(Ask<QA>("One question about {topic}.", "qa"), "a");

        Assert.Equal(4, _server.ChatRequests);
        Assert.Equal(5, _server.Requests[^1].Texts.Count);
        Assert.Single(second.Values<QA>());
        Assert.Equal(new AnswerStats(0, [0, 1], 0), Answers(second));
    }

    [Fact]
    public async Task AskLLM_ChangedValidator_RechecksStoredAnswersWithoutCalls_AndRepairsOnlyWhatNowFails()
    {
        await RunAsync(Ask<QA>("One question about {topic}.", "qa"), "a", "b", "c");
        Assert.Equal(3, _server.ChatRequests);

        var looser = await RunAsync(Ask<QA>("One question about {topic}.", "qa", new AskOptions<QA> { Validator = _ => null }), "a", "b", "c");
        Assert.Equal(3, _server.ChatRequests);
        Assert.Equal(3, looser.Values<QA>().Count);

        var firstQuestion = looser.Values<QA>()[0].Question;
        var tighter = await RunAsync(
            Ask<QA>("One question about {topic}.", "qa", new AskOptions<QA> { MaxRepairs = 1, Validator = qa => qa.Question == firstQuestion ? "Ask another question." : null }),
            "a", "b", "c");

        Assert.Equal(4, _server.ChatRequests);
        Assert.Equal(3, tighter.Values<QA>().Count);
        Assert.Equal(new AnswerStats(2, [1], 0), Answers(tighter));
        Assert.Contains("$: Ask another question.", _server.Requests[^1].Texts[^1]);
    }

    [Fact]
    public async Task AskLLM_OneBadAnswerAmongAThousand_DoesNotStopTheRun()
    {
        _bad = info => info.Messages[0].Text == "One question about t500." ? BadAnswerKind.NotJson : null;
        var topics = Enumerable.Range(0, 1000).Select(i => $"t{i}").ToArray();

        var result = await RunAsync(Ask<QA>("One question about {topic}.", "qa"), topics);

        Assert.Equal(999, result.Values<QA>().Count);
        Assert.Equal(new AnswerStats(999, [], 1), Answers(result));
        Assert.Equal(1002, _server.ChatRequests);
        Assert.Equal(RunStatus.CompletedWithFailures, result.Summary.Status);
        Assert.Equal("t500", Assert.Single(result.Summary.Failures).Idx);
        Assert.Contains("answers: valid 999, repaired 0, invalid 1", result.Summary.ToString());
        Assert.Equal(new AnswerStats(999, [], 1), RunSummary.FromJson(result.Summary.ToJson()).Nodes.Single(n => n.Answers is not null).Answers);
    }

    [Fact]
    public async Task AskLLM_PublishesAnAnswerCheckedEventPerEntry()
    {
        _bad = info => info.Messages[0].Text == "About b." ? BadAnswerKind.WrongType : null;
        using var monitor = new RunMonitor();
        var recorder = new EventRecorder();
        using var subscription = monitor.Subscribe(recorder);
        var options = Options();

        await (FromList(new[] { "a", "b" }, outputKey: "topic") | Ask<QA>("About {topic}.", "qa", new AskOptions<QA> { MaxRepairs = 1 }) | ToList("qa"))
            .RunCheckedAsync(new RunOptions { Project = options.Project, Models = options.Models, Monitor = monitor }, TestRuns.Token);

        var checks = recorder.Of<AnswerChecked>();
        Assert.Equal(2, checks.Count);
        Assert.Single(checks, c => c.Valid && c.Repairs == 0);
        var invalid = Assert.Single(checks, c => !c.Valid);
        Assert.Equal((1, "AskLLM<QA> › CallLLM"), (invalid.Repairs, invalid.OpName));
        Assert.StartsWith("$.", invalid.Errors[0]);
    }

    [Fact]
    public async Task AskLLM_EmitPolicy_PassesInvalidEntriesOnMarked()
    {
        _bad = _ => BadAnswerKind.Truncated;

        var result = await (FromList(new[] { "a" }, outputKey: "topic") | Ask<QA>("About {topic}.", "qa", new AskOptions<QA> { MaxRepairs = 1, OnFailure = OnCallFailure.Emit }) | OutputEntries())
            .RunCheckedAsync(Options(), TestRuns.Token);

        var entry = result.Output.Entries.Single();
        Assert.Equal("invalid", entry.Get<string>("status"));
        Assert.False(entry.Has("qa"));
        Assert.NotEmpty(entry.Get<List<string>>("errors"));
        Assert.False(string.IsNullOrEmpty(entry.Get<string>("raw_answer")));
        Assert.Equal(2, _server.ChatRequests);
    }

    [Fact]
    public async Task AskLLM_FailRunPolicy_StopsTheRunNamingTheEntry()
    {
        _bad = _ => BadAnswerKind.NotJson;

        var ex = await Assert.ThrowsAsync<OpException>(() => RunAsync(Ask<QA>("About {topic}.", "qa", new AskOptions<QA> { MaxRepairs = 0, OnFailure = OnCallFailure.FailRun }), "a"));

        Assert.Contains("'t0'", ex.Message);
        Assert.Contains("not a valid QA", ex.Message);
    }

    [Fact]
    public async Task AskLLM_RetryPolicy_AsksForExtraRepairsBeforeKeepingTheEntryBack()
    {
        _bad = _ => BadAnswerKind.ExtraMember;

        await RunAsync(Ask<QA>("About {topic}.", "qa", new AskOptions<QA> { MaxRepairs = 1, OnFailure = OnCallFailure.Retry, ExtraAttempts = 2 }), "a");

        Assert.Equal(4, _server.ChatRequests);
    }

    [Fact]
    public async Task AskLLM_NextRunAfterDeadLetters_RewritesTheFileWithWhatStillFails()
    {
        _bad = info => info.Messages[0].Text == "About b." ? BadAnswerKind.NotJson : null;
        await RunAsync(Ask<QA>("About {topic}.", "qa"), "a", "b");
        Assert.Single(DeadLetters("AskLLM-QA"));

        await RunAsync(Ask<QA>("About {topic}.", "qa", new AskOptions<QA> { MaxRepairs = 0 }), "a", "b");
        Assert.Single(DeadLetters("AskLLM-QA"));

        _bad = null;
        await RunAsync(Ask<QA>("About {topic}.", "qa", new AskOptions<QA> { MaxRepairs = 3 }), "a", "b");
        Assert.False(File.Exists(_project.Project["failed/AskLLM-QA.jsonl"]));
    }

    [Fact]
    public void AskLLM_BadOptions_ThrowNamingThem()
    {
        var ex = Assert.Throws<ArgumentException>(() => AskLLM<QA>("q", Model, "qa", new AskOptions<QA> { MaxRepairs = -1 }));

        Assert.Contains("MaxRepairs", ex.Message);
    }

    [Fact]
    public async Task AskLLM_Offline_AnswersSchemaRequestsWithValidValues_TheSameEveryRun()
    {
        Graph Pairs() => FromList(new[] { "sea", "fire" }, outputKey: "topic") | AskLLM<List<QA>>("Three about {topic}.", "m@offline", "pairs") | ToList("pairs");

        var first = await Pairs().RunCheckedAsync(cancellationToken: TestRuns.Token);
        var second = await Pairs().RunCheckedAsync(cancellationToken: TestRuns.Token);

        var lists = first.Values<List<QA>>();
        Assert.All(lists, l => Assert.Equal(3, l.Count));
        Assert.Equal(lists.SelectMany(l => l), second.Values<List<QA>>().SelectMany(l => l));
        Assert.Equal(new AnswerStats(2, [], 0), first.Nodes.Single(n => n.Answers is not null).Answers);
    }

    private static Graph Ask<T>(string prompt, string outputKey, AskOptions<T>? options = null) => AskLLM(prompt, Model, outputKey, options);

    private static AnswerStats Answers(RunResult result) => result.Nodes.Single(n => n.Answers is not null).Answers!;

    private List<JsonObject> DeadLetters(string name) =>
        [.. File.ReadAllLines(_project.Project[$"failed/{name}.jsonl"]).Select(l => JsonNode.Parse(l)!.AsObject())];

    private RunOptions Options() => new() { Project = _project.Project, Models = LoopbackModels.For(_server, "sk-test") };

    private Task<RunResult> RunAsync(Graph ask, params string[] topics) =>
        (FromList(topics.Select((t, i) => new { topic = t, id = $"t{i}" }), idxKey: "id") | ask | ToList("qa")).RunCheckedAsync(Options(), TestRuns.Token);
}
