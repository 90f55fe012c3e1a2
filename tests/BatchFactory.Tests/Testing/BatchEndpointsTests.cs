using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Testing;

/// <summary>The test server's files and batches endpoints over plain HTTP: the parts the library's own runs do not reach.</summary>
public sealed class BatchEndpointsTests
{
    private const string Line = """{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"hello there"}]}}""";

    [Fact]
    public async Task Upload_AzurePathWithAByteOrderMark_IsRejected_TheOpenAIPathTakesIt()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
        using var http = new HttpClient { BaseAddress = server.Root };
        var bom = new UTF8Encoding(true).GetPreamble().Concat(Encoding.UTF8.GetBytes(Line + "\n")).ToArray();

        using var azure = await http.PostAsync("openai/files?api-version=2024-10-21", Upload(bom), TestRuns.Token);
        using var openai = await http.PostAsync("v1/files", Upload(bom), TestRuns.Token);

        Assert.Equal(HttpStatusCode.BadRequest, azure.StatusCode);
        Assert.Contains("byte-order mark", await azure.Content.ReadAsStringAsync(TestRuns.Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, openai.StatusCode);
        Assert.Equal(1, server.FilesUploaded);
    }

    [Fact]
    public async Task Cancel_ABatchInProgress_EndsItCancelled_AndListShowsIt()
    {
        var clock = new ManualTimeProvider();
        await using var server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { BatchProcessingTime = TimeSpan.FromHours(1), TimeProvider = clock, BatchStatuses = ["validating", "in_progress"] }, TestRuns.Token);
        using var http = new HttpClient { BaseAddress = server.Root };
        var file = await ReadAsync(await http.PostAsync("v1/files", Upload(Encoding.UTF8.GetBytes(Line + "\n")), TestRuns.Token));
        var created = await ReadAsync(await http.PostAsJsonAsync("v1/batches", new { input_file_id = file.GetProperty("id").GetString(), endpoint = "/v1/chat/completions", completion_window = "24h" }, TestRuns.Token));
        var id = created.GetProperty("id").GetString();

        var statuses = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await ReadAsync(await http.GetAsync($"v1/batches/{id}", TestRuns.Token))).GetProperty("status").GetString());
        }

        var cancelled = await ReadAsync(await http.PostAsync($"v1/batches/{id}/cancel", null, TestRuns.Token));
        var list = await ReadAsync(await http.GetAsync("v1/batches", TestRuns.Token));

        Assert.Equal(["validating", "in_progress", "in_progress"], statuses);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal("cancelled", list.GetProperty("data")[0].GetProperty("status").GetString());
        Assert.Equal(0, server.EnqueuedTokens);
        Assert.Equal(3, server.PeakEnqueuedTokens);
    }

    [Fact]
    public async Task MessageBatches_BadCustomIdOrDuplicate_AreRejectedInAnthropicsShape()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(cancellationToken: TestRuns.Token);
        using var http = new HttpClient { BaseAddress = server.Root };

        using var bad = await http.PostAsJsonAsync("v1/messages/batches", new { requests = new[] { MessageRequest("key:with:colons") } }, TestRuns.Token);
        using var twice = await http.PostAsJsonAsync("v1/messages/batches", new { requests = new[] { MessageRequest("a"), MessageRequest("a") } }, TestRuns.Token);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (bad.StatusCode, twice.StatusCode));
        using var error = JsonDocument.Parse(await bad.Content.ReadAsStringAsync(TestRuns.Token));
        Assert.Equal("invalid_request_error", error.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("requests.0.custom_id", error.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, server.BatchesCreated);
    }

    [Fact]
    public async Task MessageBatches_CancelledBatch_EndsWithCanceledResults_AndListIsNewestFirstInPages()
    {
        var clock = new ManualTimeProvider();
        await using var server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { BatchProcessingTime = TimeSpan.FromHours(1), TimeProvider = clock }, TestRuns.Token);
        using var http = new HttpClient { BaseAddress = server.Root };
        var first = await ReadAsync(await http.PostAsJsonAsync("v1/messages/batches", new { requests = new[] { MessageRequest("a"), MessageRequest("b") } }, TestRuns.Token));
        var second = await ReadAsync(await http.PostAsJsonAsync("v1/messages/batches", new { requests = new[] { MessageRequest("c") } }, TestRuns.Token));
        var id = first.GetProperty("id").GetString();

        var polled = await ReadAsync(await http.GetAsync($"v1/messages/batches/{id}", TestRuns.Token));
        var cancelled = await ReadAsync(await http.PostAsync($"v1/messages/batches/{id}/cancel", null, TestRuns.Token));
        var results = await http.GetStringAsync($"v1/messages/batches/{id}/results", TestRuns.Token);
        var page = await ReadAsync(await http.GetAsync("v1/messages/batches?limit=1", TestRuns.Token));
        var next = await ReadAsync(await http.GetAsync($"v1/messages/batches?limit=1&after_id={page.GetProperty("last_id").GetString()}", TestRuns.Token));

        Assert.Equal(("in_progress", 2), (polled.GetProperty("processing_status").GetString(), polled.GetProperty("request_counts").GetProperty("processing").GetInt32()));
        Assert.Equal(("ended", 2), (cancelled.GetProperty("processing_status").GetString(), cancelled.GetProperty("request_counts").GetProperty("canceled").GetInt32()));
        Assert.EndsWith($"/v1/messages/batches/{id}/results", cancelled.GetProperty("results_url").GetString(), StringComparison.Ordinal);
        Assert.Equal(["a:canceled", "b:canceled"], results.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).Select(r => $"{r.GetProperty("custom_id").GetString()}:{r.GetProperty("result").GetProperty("type").GetString()}"));
        Assert.Equal((second.GetProperty("id").GetString(), true), (page.GetProperty("data")[0].GetProperty("id").GetString(), page.GetProperty("has_more").GetBoolean()));
        Assert.Equal((id, false), (next.GetProperty("data")[0].GetProperty("id").GetString(), next.GetProperty("has_more").GetBoolean()));
    }

    private static object MessageRequest(string customId) => new
    {
        custom_id = customId,
        @params = new { model = "claude-haiku-4-5", max_tokens = 16, messages = new[] { new { role = "user", content = "hello there" } } },
    };

    private static MultipartFormDataContent Upload(byte[] content) => new()
    {
        { new StringContent("batch"), "purpose" },
        { new ByteArrayContent(content), "file", "requests.jsonl" },
    };

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            response.EnsureSuccessStatusCode();
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestRuns.Token)).RootElement.Clone();
        }
    }
}
