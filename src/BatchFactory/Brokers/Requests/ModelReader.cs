using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// Reads the model of requests for one op, parsing each model text once: the requests one GenerateLLMRequest makes all
/// share the same text, so reading a model for every entry costs a comparison. Safe to use from many workers.
/// </summary>
internal sealed class ModelReader
{
    private volatile Parsed? _last;

    /// <summary>The model named by the request's <c>model</c> field.</summary>
    public ModelSpec Read(JsonObject request)
    {
        var text = request["model"]!.GetValue<string>();
        if (_last is { } last && string.Equals(last.Text, text, StringComparison.Ordinal))
        {
            return last.Spec;
        }

        var spec = ModelSpec.Parse(text);
        _last = new Parsed(text, spec);
        return spec;
    }

    private sealed record Parsed(string Text, ModelSpec Spec);
}
