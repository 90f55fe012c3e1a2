using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Brokers.Calls;

/// <summary>The record an answer is stored as: the same JSON whether a ledger takes its parts or a record of its own.</summary>
public sealed class AnswerRecordTests : IDisposable
{
    private static readonly ModelSpec Model = ModelSpec.Parse("m@offline");
    private static readonly DateTimeOffset At = new(2026, 12, 7, 16, 0, 0, TimeSpan.Zero);
    private readonly TempFolder _folder = new();

    public static TheoryData<string> Backends => ["jsonl", "sqlite", "memory"];

    public void Dispose() => _folder.Dispose();

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task AppendAsync_AnyBackend_StoresTheAnswerStampedWithTheOpEntryTimeAndRequest(string backend)
    {
        await using var ledger = await OpenAsync(backend);
        var request = new ChatCall(ChatRequest.Create(Model.ToString(), [ChatRequest.Message("user", "hello \"world\" ü")], null, 0), Model);
        var answer = new JsonObject
        {
            ["text"] = "hi",
            ["model"] = Model.ToString(),
            ["finish_reason"] = null,
            ["usage"] = new JsonObject { ["input_tokens"] = 3, ["output_tokens"] = 4 },
        };
        var site = new CallSite(2, "CallLLM", ledger, new BrokerCounters());
        var before = answer.DeepClone();

        await AnswerRecord.AppendAsync(ledger, answer, site, "e7", request, At, TestRuns.Token);

        var stored = await ledger.TryGetAsync(request.Key, TestRuns.Token);
        Assert.True(JsonNode.DeepEquals(AnswerRecord.Of(answer, site, "e7", request, At), stored), stored?.ToJsonString());
        Assert.Equal("e7", stored!["asked"]!["idx"]!.GetValue<string>());
        Assert.Equal("hello \"world\" ü", stored["request"]!["messages"]![0]!["content"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(before, answer));
        Assert.True(JsonNode.DeepEquals(before, AnswerRecord.Answer(stored.AsObject())));
    }

    private async Task<ILedger> OpenAsync(string backend)
    {
        LedgerBackend chosen = backend switch
        {
            "jsonl" => LedgerBackend.Jsonl,
            "sqlite" => LedgerBackend.Sqlite,
            _ => new MemoryLedgerBackend(),
        };
        return await chosen.OpenAsync(new LedgerLocation("p", "1", "llm", _folder.Path), new LedgerOptions(), TestRuns.Token);
    }
}
