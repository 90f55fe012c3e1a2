using System.ClientModel;
using System.ClientModel.Primitives;
using BatchFactory.Brokers;
using BatchFactory.Testing;
using Microsoft.Extensions.AI;
using OpenAI;

namespace BatchFactory.Tests.Brokers.Batches;

/// <summary>The OpenAI provider at the loopback server, except that its batch creates give up after <c>createTimeout</c> (the SDK's own network timeout).</summary>
internal sealed class ImpatientCreateProvider(OpenAICompatibleServer server, string key, TimeSpan createTimeout) : IModelProvider, IBatchProvider
{
    private readonly IModelProvider _inner = BatchProviders.For("gpt-4o-mini@openai", server, key);

    public string Name => _inner.Name;

    public void Validate(string model) => _inner.Validate(model);

    public IChatClient CreateChatClient(string model) => _inner.CreateChatClient(model);

    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string model) => _inner.CreateEmbeddingGenerator(model);

    public IBatchApi CreateBatchApi(string model) =>
        new OpenAIBatchApi(Client(new OpenAIClientOptions()), Client(new OpenAIClientOptions { RetryPolicy = new ClientRetryPolicy(0), NetworkTimeout = createTimeout }), model);

    private OpenAIClient Client(OpenAIClientOptions options)
    {
        options.Endpoint = server.BaseUri;
        return new OpenAIClient(new ApiKeyCredential(key), options);
    }
}
