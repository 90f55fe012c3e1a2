using System.Runtime.InteropServices;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Llm;

public sealed class EmbedTextTests : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Offline_GivesUnitVectorsOfTheStatedDimension_EqualForEqualTexts()
    {
        var result = await RunAsync(Words("sea", "fire", "sea") | EmbedText("word", "text-embedding-3-small@offline") | ToList("embedding"));

        var vectors = result.Values<float[]>();
        Assert.All(vectors, v => Assert.Equal(1536, v.Length));
        Assert.All(vectors, v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 4));
        Assert.Equal(vectors[0], vectors[2]);
        Assert.NotEqual(vectors[0], vectors[1]);
    }

    [Fact]
    public async Task Base64Format_HoldsTheSameFloatsAsTheList()
    {
        var list = (await RunAsync(Words("sea") | EmbedText("word", "tiny:8@offline") | ToList("embedding"))).Values<float[]>()[0];
        var base64 = (await RunAsync(Words("sea") | EmbedText("word", "tiny:8@offline", options: new EmbedOptions { Format = EmbeddingFormat.Base64 }) | ToList("embedding"))).Values<string>()[0];

        Assert.Equal(list, MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(base64)).ToArray());
    }

    [Fact]
    public async Task SecondRun_ServesVectorsFromTheLedger()
    {
        await RunAsync(Words("a", "b") | EmbedText("word", "tiny:8@offline") | ToList("embedding"));

        var second = await RunAsync(Words("a", "b") | EmbedText("word", "tiny:8@offline") | ToList("embedding"));

        var stats = second.Nodes.Single(o => o.Broker is not null).Broker!;
        Assert.Equal((0L, 2L), (stats.Calls, stats.Cached));
    }

    [Fact]
    public async Task ChatOnlyProvider_CannotEmbed_AndSaysSoBeforeTheRun()
    {
        var models = ModelProviders.Default.WithChatClient("chatonly", _ => new FakeChatClient());

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => (Words("a") | EmbedText("word", "m@chatonly") | ToList("embedding")).RunAsync(new RunOptions { Models = models }, TestRuns.Token));

        Assert.Contains("chat client only", ex.ToString());
    }

    private static Graph Words(params string[] words) => FromList(words, outputKey: "word");

    private async Task<RunResult> RunAsync(Graph graph)
    {
        await using var project = ProjectFolder.Open("embed", "1", new ProjectFolderOptions { DataDirectory = _data.Path });
        return await graph.RunCheckedAsync(new RunOptions { Project = project }, TestRuns.Token);
    }
}
