using System.Text.Json.Nodes;

namespace BatchFactory.Operators;

/// <summary>
/// Gives the entries of one run of one source their idx: from a field when the source has an idx key (a string or
/// number, unique, not empty), otherwise from the content (see <see cref="ContentIdx"/>).
/// </summary>
internal sealed class SourceIdx
{
    private readonly string _opName;
    private readonly string? _idxKey;
    private readonly ContentIdx? _content;
    private readonly HashSet<string>? _seen;
    private JsonScratch? _scratch;

    public SourceIdx(string opName, string? idxKey)
    {
        _opName = opName;
        _idxKey = idxKey;
        _content = idxKey is null ? new ContentIdx() : null;
        _seen = idxKey is null ? null : new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>Whether the idx comes from the content, so that a caller with the data's JSON at hand can pass it to <see cref="FromContent"/>.</summary>
    public bool UsesContent => _content is not null;

    /// <summary>The content idx of data that serialises to <paramref name="json"/>.</summary>
    public string FromContent(ReadOnlySpan<byte> json) => _content!.Next(json);

    /// <summary>The idx of the next entry, whose data is <paramref name="data"/>; <paramref name="where"/> names it in errors (e.g. <c>item 3</c>).</summary>
    /// <exception cref="ArgumentException">The idx field is missing, empty or repeated.</exception>
    public string Next(JsonObject data, string where)
    {
        if (_content is not null)
        {
            _scratch ??= new JsonScratch();
            return _content.Next(_scratch.Write(data));
        }

        if (!data.TryGetPropertyValue(_idxKey!, out var node) || node is not JsonValue value)
        {
            throw new ArgumentException($"{_opName}: {where} has no field '{_idxKey}' to take its idx from (idxKey: '{_idxKey}').");
        }

        var idx = value.TryGetValue<string>(out var text) ? text : value.ToJsonString();
        if (string.IsNullOrEmpty(idx))
        {
            throw new ArgumentException($"{_opName}: {where} has an empty idx in field '{_idxKey}'.");
        }

        return _seen!.Add(idx) ? idx : throw new ArgumentException($"{_opName}: {where} repeats idx '{idx}' (field '{_idxKey}'); each entry needs a unique idx.");
    }
}
