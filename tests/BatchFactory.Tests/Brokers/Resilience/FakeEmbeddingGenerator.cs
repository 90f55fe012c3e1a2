using Microsoft.Extensions.AI;

namespace BatchFactory.Tests.Brokers.Resilience;

/// <summary>An embedding generator whose answers are a callback; counts calls.</summary>
internal sealed class FakeEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private int _calls;

    /// <summary>Answers a call (the number of the call, from 1, comes first). Default: one 2-float embedding per value, no usage.</summary>
    public Func<int, IEnumerable<string>, EmbeddingGenerationOptions?, CancellationToken, Task<GeneratedEmbeddings<Embedding<float>>>> OnGenerate { get; set; } =
        (_, values, _, _) => Task.FromResult(Embeddings(values.Count()));

    public int Calls => Volatile.Read(ref _calls);

    public static GeneratedEmbeddings<Embedding<float>> Embeddings(int count, long? totalTokens = null) =>
        new(Enumerable.Range(0, count).Select(i => new Embedding<float>(new float[] { i, 1 })))
        {
            Usage = totalTokens is null ? null : new UsageDetails { TotalTokenCount = totalTokens },
        };

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        OnGenerate(Interlocked.Increment(ref _calls), values, options, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
