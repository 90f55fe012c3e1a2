using BatchFactory.Brokers;
using BatchFactory.Tests.Support;
using Microsoft.Extensions.AI;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers;

public sealed class KeyRedactionTests : IDisposable
{
    private const string Key = "sk-given-not-from-the-environment-1234";
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>A provider given its key by the caller, whose client fails with a message quoting the key.</summary>
    private sealed class LeakyProvider : IModelProvider, IHoldsSecrets
    {
        public string Name => "leaky";

        public IEnumerable<string> Secrets => [Key];

        public void Validate(string model)
        {
        }

        public IChatClient CreateChatClient(string model) =>
            new FakeChatClient { Answer = (_, _) => throw new InvalidOperationException($"401: key {Key} was refused") };

        public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string model) => throw new NotSupportedException();
    }

    [Fact]
    public async Task AFailedCallsErrorInTheEntryAndTheLedger_NeverHoldsAKeyTheProviderWasGiven()
    {
        await using var project = ProjectFolder.Open("keys", "1", new ProjectFolderOptions { DataDirectory = _data.Path });
        var g = FromList(["a"], outputKey: "t") | AskLLM("Q {t}", "m@leaky", "answer", new AskOptions { OnFailure = OnCallFailure.Emit }) | OutputEntries();

        var result = await g.RunCheckedAsync(new RunOptions { Project = project, Models = ModelProviders.Default.With(new LeakyProvider()), Broker = new BrokerOptions { Retry = null } }, TestRuns.Token);

        var error = Assert.Single(result.Entries).Get<string>("error");
        Assert.Contains("401: key *** was refused", error);
        await project.DisposeAsync();
        var files = string.Concat(Directory.GetFiles(_data.Path, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.Contains("#failed", files);
        Assert.DoesNotContain(Key, files);
        Assert.DoesNotContain(Key, result.Summary.ToString());
    }
}
