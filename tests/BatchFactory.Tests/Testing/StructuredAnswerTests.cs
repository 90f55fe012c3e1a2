using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Testing;

/// <summary>The test server's answers to chat requests with a JSON schema: valid JSON built from the schema, or scripted bad answers.</summary>
public sealed class StructuredAnswerTests
{
    private const string Schema = """
        {"type":"object","properties":{"name":{"type":"string","maxLength":12},"score":{"type":"integer","minimum":1,"maximum":5},
         "tags":{"type":"array","items":{"type":"string","enum":["x","y"]},"minItems":2}},"required":["name","score","tags"],"additionalProperties":false}
        """;

    [Fact]
    public async Task Chat_WithJsonSchema_AnswersJsonTheSchemaAccepts_TheSameForTheSameRequest()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);

        var first = JsonNode.Parse(await AskAsync(server, "hello"))!;
        var again = JsonNode.Parse(await AskAsync(server, "hello"))!;

        Assert.True(JsonNode.DeepEquals(first, again));
        Assert.True(first["name"]!.GetValue<string>().Length <= 12);
        Assert.InRange(first["score"]!.GetValue<int>(), 1, 5);
        Assert.Equal(3, first["tags"]!.AsArray().Count);
        Assert.All(first["tags"]!.AsArray(), t => Assert.Contains(t!.GetValue<string>(), new[] { "x", "y" }));
        Assert.Equal(JsonNode.Parse(Schema)!.ToJsonString(), JsonNode.Parse(server.Requests[0].JsonSchema!)!.ToJsonString());
    }

    [Theory]
    [InlineData(BadAnswerKind.NotJson, "cannot")]
    [InlineData(BadAnswerKind.ProseWrapped, "```json")]
    [InlineData(BadAnswerKind.MissingRequired, "\"name\"")]
    [InlineData(BadAnswerKind.OutOfRange, "\"score\":6")]
    [InlineData(BadAnswerKind.ExtraMember, "\"unexpected\":true")]
    [InlineData(BadAnswerKind.WrongType, "\"name\":12345")]
    public async Task Chat_WithBadAnswers_SpoilsOnlyTheAttemptsItIsTold(BadAnswerKind kind, string mark)
    {
        await using var server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { BadAnswers = info => info.Attempt < 1 ? kind : null }, TestRuns.Token);

        var bad = await AskAsync(server, "hello");
        var repaired = await AskAsync(server, "hello", bad);

        if (kind == BadAnswerKind.MissingRequired)
        {
            Assert.DoesNotContain(mark, bad);
        }
        else
        {
            Assert.Contains(mark, bad);
        }

        var valid = JsonNode.Parse(repaired)!.AsObject();
        Assert.Equal(["name", "score", "tags"], valid.Select(p => p.Key));
        Assert.InRange(valid["score"]!.GetValue<int>(), 1, 5);
    }

    private static async Task<string> AskAsync(OpenAICompatibleServer server, string prompt, string? previous = null)
    {
        using var http = new HttpClient();
        var messages = new JsonArray { new JsonObject { ["role"] = "user", ["content"] = prompt } };
        if (previous is not null)
        {
            messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = previous });
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = "Fix it." });
        }

        var body = new JsonObject
        {
            ["model"] = "m",
            ["messages"] = messages,
            ["response_format"] = new JsonObject { ["type"] = "json_schema", ["json_schema"] = new JsonObject { ["name"] = "s", ["strict"] = true, ["schema"] = JsonNode.Parse(Schema) } },
        };
        using var response = await http.PostAsJsonAsync(new Uri(server.BaseUri + "/chat/completions"), body, TestRuns.Token);
        response.EnsureSuccessStatusCode();
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestRuns.Token))!;
        return answer["choices"]![0]!["message"]!["content"]!.GetValue<string>();
    }
}
