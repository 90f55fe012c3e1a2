using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace BatchFactory.Cli;

/// <summary>
/// What a ledger holds, read in one pass: its records by kind (the key's prefix: <c>chat-v1</c>, <c>embed-v1</c>,
/// <c>checkpoint</c>…), failures, the ops and models of model answers, their tokens, and when they were asked.
/// </summary>
internal sealed class LedgerStats
{
    private readonly SortedDictionary<string, long> _kinds = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _ops = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _models = new(StringComparer.Ordinal);
    private long _records, _failures, _inputTokens, _outputTokens, _withoutRequest;
    private string? _first, _last;

    /// <summary>Reads every current record of <paramref name="ledger"/>.</summary>
    public static async Task<LedgerStats> ReadAsync(ILedger ledger, CancellationToken cancellationToken)
    {
        var stats = new LedgerStats();
        await foreach (var record in ledger.EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            stats.Add(record);
        }

        return stats;
    }

    /// <summary>The stats as a few indented lines.</summary>
    public string Format()
    {
        var culture = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(culture, $"  records: {_records:N0} keys ({_records - _failures:N0} answers or entries, {_failures:N0} failures)").AppendLine();
        AppendCounts(text, "by kind", _kinds);
        AppendCounts(text, "by op", _ops);
        AppendCounts(text, "by model", _models);
        if (_inputTokens + _outputTokens > 0)
        {
            text.Append(culture, $"  tokens: {_inputTokens:N0} in, {_outputTokens:N0} out").AppendLine();
        }

        if (_first is not null)
        {
            text.Append(culture, $"  asked: {_first} to {_last}").AppendLine();
        }

        if (_withoutRequest > 0)
        {
            text.Append(culture, $"  model answers stored without their request (written before ledger explain existed): {_withoutRequest:N0}").AppendLine();
        }

        return text.ToString();
    }

    private void Add(LedgerRecord record)
    {
        _records++;
        var failed = record.Key.EndsWith("#failed", StringComparison.Ordinal);
        if (failed)
        {
            _failures++;
        }

        var colon = record.Key.IndexOf(':', StringComparison.Ordinal);
        var kind = colon > 0 ? record.Key[..colon] : "(other)";
        Increment(_kinds, failed ? kind + " (failed)" : kind);
        if (record.Value is not JsonObject value || !StoredRequest.IsModelKey(record.Key))
        {
            return;
        }

        if (value["asked"] is JsonObject asked)
        {
            Increment(_ops, asked["op"]?.ToString() ?? "(unnamed)");
            var at = asked["at"]?.ToString();
            if (at is not null)
            {
                _first = _first is null || string.CompareOrdinal(at, _first) < 0 ? at : _first;
                _last = _last is null || string.CompareOrdinal(at, _last) > 0 ? at : _last;
            }
        }
        else
        {
            _withoutRequest++;
        }

        if (value["model"]?.ToString() is { } model)
        {
            Increment(_models, model);
        }

        if (value["usage"] is JsonObject usage)
        {
            _inputTokens += usage["input_tokens"]?.GetValue<long>() ?? 0;
            _outputTokens += usage["output_tokens"]?.GetValue<long>() ?? 0;
        }
    }

    private static void Increment(SortedDictionary<string, long> counts, string name) =>
        counts[name] = counts.GetValueOrDefault(name) + 1;

    private static void AppendCounts(StringBuilder text, string title, SortedDictionary<string, long> counts)
    {
        if (counts.Count > 0)
        {
            text.Append("  ").Append(title).Append(": ")
                .AppendJoin(", ", counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value:N0}")))
                .AppendLine();
        }
    }
}
