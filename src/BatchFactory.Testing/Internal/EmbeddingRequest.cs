using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BatchFactory.Testing.Internal;

/// <summary>An embeddings request as read from its JSON body.</summary>
/// <param name="Model">The <c>model</c> field or the Azure deployment.</param>
/// <param name="Inputs">The <c>input</c> string, or its array of strings.</param>
/// <param name="Base64">Whether <c>encoding_format</c> is <c>base64</c> (otherwise <c>float</c>).</param>
/// <param name="Dimensions">The requested <c>dimensions</c>, else the server's default.</param>
internal sealed record EmbeddingRequest(string Model, string[] Inputs, bool Base64, int Dimensions)
{
    public const int MaxDimensions = 65_536;

    public static async Task<EmbeddingRequest> ReadAsync(
        HttpRequest request, string? deployment, int defaultDimensions, CancellationToken cancellationToken)
    {
        using JsonDocument document = await JsonBody.ParseAsync(request, cancellationToken).ConfigureAwait(false);
        return Read(document.RootElement, deployment, defaultDimensions);
    }

    /// <summary>Reads an embeddings body (also a line of a batch file).</summary>
    public static EmbeddingRequest Read(JsonElement root, string? deployment, int defaultDimensions)
    {
        string model = JsonBody.ReadModel(root, deployment);
        string[] inputs = root.TryGetProperty("input", out JsonElement input)
            ? ReadInputs(input)
            : throw new BadRequestException("The request needs an 'input' string or array of strings.");
        return new EmbeddingRequest(model, inputs, ReadBase64(root), ReadDimensions(root, defaultDimensions));
    }

    private static string[] ReadInputs(JsonElement input)
    {
        if (input.ValueKind == JsonValueKind.String)
        {
            return [input.GetString()!];
        }

        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            throw new BadRequestException("'input' must be a string or a non-empty array of strings.");
        }

        var inputs = new string[input.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in input.EnumerateArray())
        {
            inputs[i++] = item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw new BadRequestException("'input' must hold strings; token arrays are not supported by this test server.");
        }

        return inputs;
    }

    private static bool ReadBase64(JsonElement root)
    {
        if (!root.TryGetProperty("encoding_format", out JsonElement format) || format.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        return format.ValueKind == JsonValueKind.String && format.ValueEquals("base64") ? true
            : format.ValueKind == JsonValueKind.String && format.ValueEquals("float") ? false
            : throw new BadRequestException("'encoding_format' must be \"float\" or \"base64\".");
    }

    private static int ReadDimensions(JsonElement root, int defaultDimensions)
    {
        if (!root.TryGetProperty("dimensions", out JsonElement dimensions) || dimensions.ValueKind == JsonValueKind.Null)
        {
            return defaultDimensions;
        }

        return dimensions.ValueKind == JsonValueKind.Number
            && dimensions.TryGetInt32(out int value) && value is >= 1 and <= MaxDimensions
            ? value
            : throw new BadRequestException($"'dimensions' must be an integer from 1 to {MaxDimensions}.");
    }
}
