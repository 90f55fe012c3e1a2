using System.Text;
using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Brokers.Batches;

/// <summary>A message batch's create body streamed from its batch file.</summary>
public sealed class BatchRequestsContentTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ReadAsString_LinesAcrossBufferBoundaries_AreTheRequestsArray_OfTheLengthItAnnounced()
    {
        // Lines of about 1.2 KB: many cross the 64 KB reads; CRLF endings and blank lines are left out.
        var lines = Enumerable.Range(0, 300).Select(i => new JsonObject { ["custom_id"] = $"id{i}", ["params"] = new JsonObject { ["text"] = new string((char)('a' + (i % 26)), 1200 + i) } }.ToJsonString()).ToList();
        var path = Path.Combine(_folder.Path, "batch.jsonl");
        await File.WriteAllTextAsync(path, "\n" + string.Join("\n", lines.Take(150)) + "\r\n\r\n" + string.Join("\n", lines.Skip(150)) + "\n", new UTF8Encoding(false), TestRuns.Token);
        using var content = await BatchRequestsContent.OpenAsync(path, TestRuns.Token);
        var announced = content.Headers.ContentLength;

        var body = await content.ReadAsStringAsync(TestRuns.Token);

        Assert.Equal(Encoding.UTF8.GetByteCount(body), announced);
        Assert.Equal("application/json", content.Headers.ContentType?.MediaType);
        var requests = JsonNode.Parse(body)!["requests"]!.AsArray();
        Assert.Equal(lines, requests.Select(r => r!.ToJsonString()));
    }

    [Fact]
    public async Task ReadAsString_OneLineWithoutNewline_IsAnArrayOfOne()
    {
        var path = Path.Combine(_folder.Path, "one.jsonl");
        await File.WriteAllTextAsync(path, """{"custom_id":"a","params":{}}""", TestRuns.Token);
        using var content = await BatchRequestsContent.OpenAsync(path, TestRuns.Token);

        Assert.Equal("""{"requests":[{"custom_id":"a","params":{}}]}""", await content.ReadAsStringAsync(TestRuns.Token));
        Assert.Equal(44, content.Headers.ContentLength);
    }
}
