using BatchFactory.Tests.Support;
using Microsoft.Extensions.AI;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Brokers.Calls;

public class ClientLifetimeTests
{
    /// <summary>A provider whose clients are fakes it keeps, to see what the run does with them.</summary>
    private sealed class CountingProvider : IModelProvider
    {
        public List<FakeChatClient> Made { get; } = [];

        public string Name => "counting";

        public void Validate(string model)
        {
        }

        public IChatClient CreateChatClient(string model)
        {
            var client = new FakeChatClient();
            Made.Add(client);
            return client;
        }

        public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string model) => throw new NotSupportedException();
    }

    private static Graph Ask(string model) => FromList(["a", "b"], outputKey: "t") | AskLLM("Q {t}", model, "answer") | ToList("answer");

    [Fact]
    public async Task ClientsAProviderMadeForARun_AreDisposedWhenTheRunEnds()
    {
        var provider = new CountingProvider();

        await Ask("m@counting").RunCheckedAsync(new RunOptions { Models = ModelProviders.Default.With(provider), Broker = new BrokerOptions { Retry = null } }, TestRuns.Token);

        var client = Assert.Single(provider.Made);
        Assert.Equal(2, client.Calls);
        Assert.True(client.Disposed);
    }

    [Fact]
    public async Task AClientRegisteredWithWithChatClient_StaysUsableForTheNextRun()
    {
        var mine = new FakeChatClient();
        var options = new RunOptions { Models = ModelProviders.Default.WithChatClient("mine", _ => mine) };

        await Ask("m@mine").RunCheckedAsync(options, TestRuns.Token);
        await Ask("m@mine").RunCheckedAsync(options, TestRuns.Token);

        Assert.False(mine.Disposed);
        Assert.Equal(4, mine.Calls);
    }
}
