using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BatchFactory.Reporting;

namespace BatchFactory;

public sealed partial record RunSummary
{
    // Source-generated (no reflection, see SummaryJson). A file for people and tools, never embedded in HTML: keep '>'
    // and non-ASCII text readable.
    private static readonly JsonTypeInfo<RunSummary> s_json =
        new SummaryJson(new JsonSerializerOptions(SummaryJson.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).RunSummary;

    /// <summary>
    /// The summary as indented JSON with camel-case names (<c>status</c>, <c>startedAt</c>, <c>elapsed</c> as
    /// <c>hh:mm:ss.fffffff</c>, <c>ops</c>, <c>failures</c>, <c>totals</c>…), as written to the project folder.
    /// </summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>Reads a summary written by <see cref="ToJson"/>, e.g. to compare two runs.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="JsonException">The text is not a run summary.</exception>
    public static RunSummary FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize<RunSummary>(json, s_json) ?? throw new JsonException("The JSON text is null, not a run summary.");
    }
}
