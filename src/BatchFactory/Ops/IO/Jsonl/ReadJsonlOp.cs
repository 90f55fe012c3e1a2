using System.Text.Json;
using System.Text.Json.Nodes;
using BatchFactory.Engine;

namespace BatchFactory.Operators;

/// <summary>
/// Reads a JSONL file, one entry per non-blank line (each a JSON object), streaming line by line; or a file holding one
/// JSON array of objects, which is read whole.
/// </summary>
internal sealed class ReadJsonlOp : FileSourceOp
{
    private readonly BadRows _onBadRow;

    public ReadJsonlOp(string path, string? idxKey, BadRows onBadRow)
        : base("ReadJsonl", path, idxKey)
    {
        _onBadRow = onBadRow;
    }

    protected override IEnumerable<Entry> Produce(OpContext context)
    {
        var idxs = new SourceIdx(Kind, IdxKey);
        var rows = IsArrayFile() ? ArrayItems(context) : Lines(context);
        foreach (var (where, data) in rows)
        {
            yield return new Entry(idxs.Next(data, where), data);
        }
    }

    private IEnumerable<(string Where, JsonObject Data)> Lines(OpContext context)
    {
        foreach (var (number, text) in TextLines.Read(Path))
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            JsonNode? node;
            try
            {
                node = JsonNode.Parse(text);
            }
            catch (JsonException ex)
            {
                OnBadRow(_onBadRow, context, new InputFileException(Path, number, JsonErrors.Column(ex, text), $"not valid JSON: {JsonErrors.Problem(ex)}", ex));
                continue;
            }
            catch (ArgumentException ex)
            {
                OnBadRow(_onBadRow, context, new InputFileException(Path, number, $"not valid JSON: {ex.Message}", ex));
                continue;
            }

            if (node is not JsonObject data)
            {
                OnBadRow(_onBadRow, context, new InputFileException(Path, number, $"{JsonFieldCodec.Preview(node)} is not a JSON object; each line must hold one object."));
                continue;
            }

            yield return ($"line {number} of '{Path}'", data);
        }
    }

    private IEnumerable<(string Where, JsonObject Data)> ArrayItems(OpContext context)
    {
        JsonArray items;
        var text = StrictUtf8.ReadAll(Path);
        try
        {
            items = JsonNode.Parse(text)!.AsArray();
        }
        catch (JsonException ex)
        {
            var column = ex.LineNumber is { } index ? JsonErrors.Column(ex, JsonErrors.LineOf(text, index)) : null;
            throw new InputFileException(Path, ex.LineNumber + 1, column, $"not valid JSON: {JsonErrors.Problem(ex)}", ex);
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonObject)
            {
                OnBadRow(_onBadRow, context, new InputFileException(Path, null, $"item {i} of the array, {JsonFieldCodec.Preview(items[i])}, is not a JSON object."));
                continue;
            }

            // Detached from the array, so that the entry owns its data.
            var data = items[i]!.AsObject();
            items[i] = null;
            yield return ($"item {i} of '{Path}'", data);
        }
    }

    // A file whose first character (after any byte order mark and whitespace) is '[' holds one JSON array.
    private bool IsArrayFile()
    {
        using var reader = StrictUtf8.OpenText(Path);
        try
        {
            int c;
            while ((c = reader.Read()) >= 0 && char.IsWhiteSpace((char)c))
            {
            }

            return c == '[';
        }
        catch (System.Text.DecoderFallbackException ex)
        {
            throw StrictUtf8.NotUtf8(Path, ex);
        }
    }
}
