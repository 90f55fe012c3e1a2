using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Requests;

/// <summary>
/// The cache key of a request is the SHA-256 of its canonical JSON (keys sorted, no whitespace): fixed here by value,
/// so that a change to how requests are built or hashed cannot silently make every ledger a cache miss.
/// </summary>
public sealed class RequestKeyTests
{
    [Fact]
    public async Task PlainRequest_HasTheKeyOfItsCanonicalJson()
    {
        var request = await RequestAsync(GenerateLLMRequest("Q {topic}", "m@offline"));

        // sha256('{"messages":[{"content":"Q a","role":"user"}],"model":"m@offline"}')
        Assert.Equal("chat-v1:b44573c83b113705a32d72a978098aab917a730c20fbecf2095ad57cfebbad4a", ChatRequest.Key(request));
    }

    [Fact]
    public async Task RequestWithSystemPromptOptionsAndSample_HasTheKeyOfItsCanonicalJson_WithOptionsSorted()
    {
        var request = await RequestAsync(GenerateLLMRequest("Q {topic}", "m@offline", options: new RequestOptions { SystemPrompt = "Be brief.", Llm = new LlmOptions { Temperature = 0.2, MaxTokens = 50 }, Sample = 2 }));

        // sha256('{"messages":[{"content":"Be brief.","role":"system"},{"content":"Q a","role":"user"}],"model":"m@offline","options":{"max_tokens":50,"temperature":0.2},"sample":2}')
        Assert.Equal("chat-v1:515f63be9dbe54269d225620899d19118eee5476db28702a6d368bcdb87483e4", ChatRequest.Key(request));
    }

    private static async Task<JsonObject> RequestAsync(Op generate)
    {
        var result = await (FromList(["a"], outputKey: "topic") | generate | OutputEntries()).RunCheckedAsync(cancellationToken: TestRuns.Token);
        return result.Entries.Single().Data["llm_request"]!.AsObject();
    }
}
