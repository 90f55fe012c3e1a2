using System.Text.Json.Nodes;

namespace BatchFactory.Cli;

/// <summary>
/// A request reduced to a few hashes (model, settings, response format, sample, each message), kept for every request
/// of the op while the ledger streams by, so the nearest one is found without keeping the requests themselves; only the
/// chosen one is read again in full for the exact difference.
/// </summary>
internal sealed class RequestSignature
{
    private readonly int[] _parts;

    private RequestSignature(StoredRequest request)
    {
        Key = request.Key;
        Idx = request.Idx;
        At = request.At;
        var body = request.Request;
        var messages = body["messages"] as JsonArray;
        _parts = new int[4 + (messages?.Count ?? 0)];
        _parts[0] = Hash(body["model"]);
        _parts[1] = Hash(body["options"]) ^ Hash(body["input"]);
        _parts[2] = Hash(body["response_format"]);
        _parts[3] = Hash(body["sample"]);
        for (var i = 0; i < (messages?.Count ?? 0); i++)
        {
            _parts[4 + i] = Hash(messages![i]);
        }
    }

    /// <summary>The request's key (without <c>#failed</c>).</summary>
    public string Key { get; }

    /// <summary>The entry it was asked for.</summary>
    public string Idx { get; }

    /// <summary>When it was asked, ISO 8601 UTC.</summary>
    public string At { get; }

    /// <summary>The signature of <paramref name="request"/>.</summary>
    public static RequestSignature Of(StoredRequest request) => new(request);

    /// <summary>How many parts (model, settings, format, sample, each message position) differ between the two requests.</summary>
    public int Distance(RequestSignature other)
    {
        var distance = Math.Abs(_parts.Length - other._parts.Length);
        for (var i = 0; i < Math.Min(_parts.Length, other._parts.Length); i++)
        {
            distance += _parts[i] == other._parts[i] ? 0 : 1;
        }

        return distance;
    }

    private static int Hash(JsonNode? node) => node is null ? 0 : node.ToJsonString().GetHashCode(StringComparison.Ordinal);
}
