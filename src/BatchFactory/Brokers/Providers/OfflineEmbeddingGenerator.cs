using System.Text;
using BatchFactory.Entries;
using Microsoft.Extensions.AI;

namespace BatchFactory;

/// <summary>
/// An embedding generator that needs no network: each text becomes a unit vector drawn from a generator seeded by the
/// hash of the model and the text, so equal texts get equal vectors and different texts nearly orthogonal ones.
/// Dimension: 1,536 for <c>text-embedding-3-small</c> and <c>text-embedding-ada-002</c>, 3,072 for
/// <c>text-embedding-3-large</c>, and 256 for any other model name, or the number after a colon (<c>my-model:64</c>).
/// </summary>
public sealed class OfflineEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly string _model;

    /// <summary>Creates the generator for <paramref name="model"/> (any name).</summary>
    public OfflineEmbeddingGenerator(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        _model = model;
        Dimensions = DimensionsOf(model);
    }

    /// <summary>The length of the vectors this generator makes.</summary>
    public int Dimensions { get; }

    /// <inheritdoc/>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        cancellationToken.ThrowIfCancellationRequested();
        var texts = values.ToList();
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => new Embedding<float>(Vector(t)) { ModelId = _model }))
        {
            Usage = new UsageDetails { InputTokenCount = texts.Sum(t => t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length) },
        };
        return Task.FromResult(embeddings);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private static int DimensionsOf(string model)
    {
        var colon = model.LastIndexOf(':');
        if (colon >= 0 && int.TryParse(model.AsSpan(colon + 1), out var stated) && stated > 0)
        {
            return stated;
        }

        return model switch
        {
            "text-embedding-3-small" or "text-embedding-ada-002" => 1536,
            "text-embedding-3-large" => 3072,
            _ => 256,
        };
    }

    private float[] Vector(string text)
    {
        var state = System.IO.Hashing.XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(_model + "\u001f" + text));
        var vector = new float[Dimensions];
        double norm = 0;
        for (var i = 0; i < vector.Length; i++)
        {
            // SplitMix64 steps, mapped to [-1, 1).
            state += 0x9E3779B97F4A7C15UL;
            var value = ((StableHash.Mix(state) >> 11) * (1.0 / (1UL << 53) * 2)) - 1;
            vector[i] = (float)value;
            norm += value * value;
        }

        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] *= scale;
        }

        return vector;
    }
}
