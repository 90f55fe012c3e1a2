using System.Text;
using System.Text.Json.Nodes;
using BatchFactory.Engine;
using CsvHelper;

namespace BatchFactory.Operators;

/// <summary>
/// Reads a CSV file with a header row, streaming record by record: one entry per record, a field per column, typed as
/// declared or as inferred from the whole column (a first pass over the file infers the columns not declared).
/// </summary>
internal sealed class ReadCsvOp : FileSourceOp
{
    private readonly Dictionary<string, CsvColumnKind> _declared;
    private readonly BadRows _onBadRow;
    private readonly char _separator;

    public ReadCsvOp(string path, IReadOnlyDictionary<string, Type>? types, string? idxKey, BadRows onBadRow, char separator)
        : base("ReadCsv", path, idxKey)
    {
        _declared = types?.ToDictionary(t => t.Key, t => CsvColumnKinds.Of(t.Value, t.Key), StringComparer.Ordinal) ?? [];
        _onBadRow = onBadRow;
        _separator = separator is '\r' or '\n' or '"' ? throw new ArgumentException($"ReadCsv: '{separator}' cannot separate fields.", nameof(separator)) : separator;
    }

    protected override IEnumerable<Entry> Produce(OpContext context)
    {
        var idxs = new SourceIdx(Kind, IdxKey);
        string[]? headers = null;
        CsvColumnKind[]? kinds = null;
        foreach (var (line, values) in Records(context, countSkipped: true))
        {
            if (headers is null)
            {
                headers = values;
                kinds = Kinds(headers, context);
                continue;
            }

            if (Row(headers, kinds!, values, line) is { } data)
            {
                yield return new Entry(idxs.Next(data, $"the record on line {line}"), data);
            }
            else
            {
                context.Counters.AddDropped();
            }
        }
    }

    // The column kinds: declared ones as declared, the others inferred by a first pass over the file.
    private CsvColumnKind[] Kinds(string[] headers, OpContext context)
    {
        if (_declared.Keys.FirstOrDefault(k => !headers.Contains(k, StringComparer.Ordinal)) is { } missing)
        {
            throw new InputFileException(Path, 1, $"the column '{missing}' given a type has no column in the header ({string.Join(", ", headers)}).");
        }

        var kinds = headers.Select(h => _declared.GetValueOrDefault(h, CsvColumnKind.Empty)).ToArray();
        var inferred = headers.Select(h => !_declared.ContainsKey(h)).ToArray();
        if (!inferred.Any(i => i))
        {
            return kinds;
        }

        foreach (var (_, values) in Records(context, countSkipped: false).Skip(1))
        {
            for (var i = 0; i < values.Length; i++)
            {
                if (inferred[i])
                {
                    kinds[i] = CsvColumnKinds.Widen(kinds[i], values[i]);
                }
            }
        }

        return kinds;
    }

    // The entry's data, or null for a bad row that is skipped.
    private JsonObject? Row(string[] headers, CsvColumnKind[] kinds, string[] values, long line)
    {
        var data = new JsonObject();
        for (var i = 0; i < headers.Length; i++)
        {
            if (!CsvColumnKinds.TryParse(kinds[i], values[i], out var node))
            {
                var error = new InputFileException(Path, line, $"column '{headers[i]}': '{values[i]}' is not a {kinds[i].ToString().ToLowerInvariant()}.");
                return _onBadRow == BadRows.Fail ? throw error : null;
            }

            data[headers[i]] = node;
        }

        return data;
    }

    // The header (first) and then each record, with the line it starts on. Malformed records fail or are skipped.
    private IEnumerable<(long Line, string[] Values)> Records(OpContext context, bool countSkipped)
    {
        var options = new CsvReaderOptions
        {
            Separator = _separator,
            HasHeader = false,
            TrackLineNumbers = true,
            MalformedData = _onBadRow == BadRows.Skip ? CsvMalformedDataHandling.Skip : CsvMalformedDataHandling.Throw,
            FieldCountMismatch = _onBadRow == BadRows.Skip ? CsvFieldCountHandling.Skip : CsvFieldCountHandling.Throw,
            OnMalformedRecord = countSkipped ? r => context.Counters.AddDropped() : null,
        };
        using var reader = CsvReader.Create(StrictUtf8.OpenText(Path), options, leaveOpen: false);
        var first = true;
        while (Read(reader))
        {
            var values = new string[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.GetString(i);
            }

            if (first)
            {
                CheckHeader(values);
                first = false;
            }

            yield return (reader.LineNumber, values);
        }
    }

    private bool Read(CsvReader reader)
    {
        try
        {
            return reader.Read();
        }
        catch (CsvFormatException ex)
        {
            throw new InputFileException(Path, ex.LineNumber > 0 ? ex.LineNumber : null, ex.Message, ex);
        }
        catch (Exception ex) when ((ex as DecoderFallbackException ?? ex.InnerException as DecoderFallbackException) is { } decoding)
        {
            throw StrictUtf8.NotUtf8(Path, decoding);
        }
    }

    private void CheckHeader(string[] headers)
    {
        var empty = Array.FindIndex(headers, string.IsNullOrWhiteSpace);
        if (empty >= 0)
        {
            throw new InputFileException(Path, 1, $"column {empty + 1} of the header has no name; give every column a name.");
        }

        var repeated = headers.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw new InputFileException(Path, 1, $"the header names column '{repeated.Key}' twice; give every column its own name.");
        }
    }
}
