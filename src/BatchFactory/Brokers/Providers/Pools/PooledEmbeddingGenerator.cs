using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers.Pools;

/// <summary>An embedding generator over one generator per server of an <see cref="EndpointPool"/>; disposing disposes them.</summary>
internal sealed class PooledEmbeddingGenerator(EndpointPool pool, IReadOnlyList<IEmbeddingGenerator<string, Embedding<float>>> generators) : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <inheritdoc/>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = values as IList<string> ?? [.. values];
        return pool.SendAsync((i, token) => generators[i].GenerateAsync(list, options, token), cancellationToken);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType.IsInstanceOfType(this) ? this : generators[0].GetService(serviceType, serviceKey);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var generator in generators)
        {
            generator.Dispose();
        }
    }
}
