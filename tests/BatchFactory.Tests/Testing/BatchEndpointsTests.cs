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

    [Fact]
    public async Task BatchFilesOnDisk_ABatchOfLongAndManyLines_AnswersAsInMemory_HoldsNoBytes_AndDisposeDeletesItsFolder()
    {
        // 3,000 lines (the output passes the 64 KB at which it goes to disk) and one line longer than the read buffer.
        var lines = Enumerable.Range(0, 3_000).Select(i => Line.Replace("\"a\"", $"\"r{i}\"", StringComparison.Ordinal)).ToList();
        lines[1_500] = lines[1_500].Replace("hello there", string.Concat(Enumerable.Repeat("word ", 30_000)), StringComparison.Ordinal);
        var content = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");

        var (inMemory, _, memoryBytes) = await RunBatchAsync(onDisk: false, content);
        var (onDisk, folder, diskBytes) = await RunBatchAsync(onDisk: true, content);

        Assert.Equal(inMemory, onDisk);
        Assert.Equal(3_000, onDisk.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("\"custom_id\":\"r1500\"", onDisk, StringComparison.Ordinal);
        Assert.True(memoryBytes > content.Length, $"in memory the server holds {memoryBytes} bytes");
        Assert.Equal(0, diskBytes);
        Assert.NotNull(folder);
        Assert.False(Directory.Exists(folder), $"{folder} is left after the server was disposed");
    }

    // Uploads the file, makes a batch of it, reads it done and downloads its output; returns the output, the server's
    // folder for files on disk and the bytes it held in memory.
    private static async Task<(string Output, string? Folder, long Bytes)> RunBatchAsync(bool onDisk, byte[] content)
    {
        var options = new TestServerOptions { BatchFilesOnDisk = onDisk, TimeProvider = new ManualTimeProvider() };
        string output, folder;
        long bytes;
        await using (var server = await OpenAICompatibleServer.StartAsync(options, TestRuns.Token))
        {
            using var http = new HttpClient { BaseAddress = server.Root };
            var file = await ReadAsync(await http.PostAsync("v1/files", Upload(content), TestRuns.Token));
            var created = await ReadAsync(await http.PostAsJsonAsync("v1/batches", new { input_file_id = file.GetProperty("id").GetString(), endpoint = "/v1/chat/completions", completion_window = "24h" }, TestRuns.Token));
            var done = await ReadAsync(await http.GetAsync($"v1/batches/{created.GetProperty("id").GetString()}", TestRuns.Token));
            output = await http.GetStringAsync($"v1/files/{done.GetProperty("output_file_id").GetString()}/content", TestRuns.Token);
            Assert.Equal(content.Length, file.GetProperty("bytes").GetInt64());
            Assert.Equal(3_000, server.BatchRequestLines(created.GetProperty("id").GetString()!).Count);
            bytes = server.BatchFileBytes;
            folder = server.BatchFileFolder!;
            if (onDisk)
            {
                Assert.True(Directory.Exists(folder));
            }
        }

        return (output, folder, bytes);
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
