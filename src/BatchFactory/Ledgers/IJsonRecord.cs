using System.Text.Json;

namespace BatchFactory.Ledgers;

/// <summary>
/// A record that writes itself as JSON, so a record assembled from parts that belong elsewhere (an answer, the request
/// it answers) is stored without first being copied into a JSON tree of its own (see <see cref="IAppendsJsonRecords"/>).
/// </summary>
internal interface IJsonRecord
{
    /// <summary>Writes the record as one JSON value.</summary>
    void WriteTo(Utf8JsonWriter writer);
}
