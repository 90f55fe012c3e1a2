using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BatchFactory.Testing.Internal;

/// <summary>Reading request bodies: parsing, and the fields chat and embeddings requests share.</summary>
internal static class JsonBody
{
    public static async Task<JsonDocument> ParseAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            JsonDocument document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken).ConfigureAwait(false);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new BadRequestException("The request body must be a JSON object.");
            }

            return document;
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"The request body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>The <c>model</c> field, else the Azure deployment from the path.</summary>
    public static string ReadModel(JsonElement root, string? deployment)
    {
        if (root.TryGetProperty("model", out JsonElement model) && model.ValueKind == JsonValueKind.String)
        {
            return model.GetString()!;
        }

        return deployment ?? throw new BadRequestException("The request needs a string 'model' field.");
    }
}
