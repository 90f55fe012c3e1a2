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
