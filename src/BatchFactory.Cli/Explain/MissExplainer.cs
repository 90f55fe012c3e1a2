using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace BatchFactory.Cli;

/// <summary>
/// Why an entry's request missed the cache: finds the entry's request in the ledger (the last one the op asked for the
/// entry), the stored request nearest to it (the same entry's previous request, else the op's request with the fewest
/// differing parts, the latest on a tie), and their exact difference (<see cref="RequestDiff"/>).
/// </summary>
/// <remarks>
/// The ledger is read once, in append order, by a <see cref="RecordScanner"/>; of each of the op's requests only a
/// <see cref="RequestSignature"/> is kept; the few best candidates are read again by key and compared in full. Records written before requests were stored beside their
/// answers are counted and skipped.
/// </remarks>
internal static class MissExplainer
{
    // How many of the candidates tied on their signatures are read again and compared character by character.
    private const int FullyCompared = 16;

    /// <summary>Explains the miss of entry <paramref name="idx"/> of op <paramref name="op"/> in <paramref name="ledger"/>.</summary>
    /// <param name="ledger">The ledger the op keeps its answers in (<c>llm</c> for chat ops, <c>embeddings</c>…).</param>
    /// <param name="ledgerName">How to name the ledger in the text.</param>
    /// <param name="op">The op's name as run summaries show it (<c>AskLLM › CallLLM</c>), or one of its parts (<c>AskLLM</c>).</param>
    /// <param name="idx">The entry's idx; <see langword="null"/> for the op's latest request.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The explanation, as lines for people.</returns>
    /// <exception cref="CliException">The ledger holds no request of the op for the entry; the message lists what it holds.</exception>
    public static async Task<string> ExplainAsync(ILedger ledger, string ledgerName, string op, string? idx, CancellationToken cancellationToken = default)
    {
        var scan = await ScanAsync(ledger, op, idx, cancellationToken).ConfigureAwait(false);
        if (scan.Matched.Count > 1)
        {
            throw new CliException($"Several ops are called '{op}' in {ledgerName}: {string.Join(", ", scan.Matched.Order(StringComparer.Ordinal).Select(m => $"'{m}'"))}. Give one of these names.");
        }

        var target = scan.Target ?? throw new CliException(NotFound(scan, ledgerName, op, idx));
        op = target.Op;
        idx = target.Idx;
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.Append(culture, $"Entry {idx} of op '{op}': its request {target.Key} was asked at {target.At} ({(target.Failed ? "it failed" : "answered by the model, not from the ledger")}).").AppendLine();
        if (await NearestAsync(ledger, scan, target, cancellationToken).ConfigureAwait(false) is not var (nearest, stored))
        {
            text.Append(culture, $"No other request of op '{op}' is in {ledgerName}: it missed because the op had asked nothing before it (a new ledger, or the op's first run).").AppendLine();
            return text.ToString();
        }

        text.Append(culture, $"Nearest stored request: {(nearest.Idx == idx ? "the same entry's previous request" : $"entry {nearest.Idx}'s")}, {nearest.Key}, asked at {stored.At}.").AppendLine();
        var differences = RequestDiff.Compare(stored.Request, target.Request);
        text.Append(culture, $"What differs ({differences.Count}):").AppendLine();
        foreach (var difference in differences)
        {
            text.Append("  ").Append(difference).AppendLine();
        }

        return text.ToString();
    }

    // An op is named by its full name as summaries show it (e.g. "AskLLM › CallLLM") or by one of its parts ("AskLLM").
    private static bool Names(string name, string op) =>
        name == op || name.Split(" › ").Contains(op, StringComparer.Ordinal);

    private static async Task<Scan> ScanAsync(ILedger ledger, string op, string? idx, CancellationToken cancellationToken)
    {
        var scan = new Scan(op, idx);
        using var scanner = new RecordScanner();
        if (ledger is JsonlLedger jsonl)
        {
            // A JSONL ledger hands over its records' text: nothing is parsed into nodes.
            jsonl.ScanRecordTexts((key, value) => scan.Add(key, scanner.Scan(key, value)), cancellationToken);
        }
        else
        {
            await foreach (var record in ledger.EnumerateAsync(cancellationToken).ConfigureAwait(false))
            {
                scan.Add(record.Key, scanner.Scan(record));
            }
        }

        // Only the target is read whole.
        if (scan.TargetKey is { } target && await ledger.TryGetAsync(target, cancellationToken).ConfigureAwait(false) is { } value)
        {
            scan.Target = StoredRequest.Of(new LedgerRecord(target, value));
        }

        return scan;
    }

    // The entry's previous request if it has one, else the op's request with the fewest differing parts; of the
    // latest few tied there (in the ledger's order), the one with the fewest changed characters, then the latest.
    // One pass over the candidates, newest first: a million requests are ranked without sorting them.
    private static async Task<(RequestSignature Signature, StoredRequest Stored)?> NearestAsync(ILedger ledger, Scan scan, StoredRequest target, CancellationToken cancellationToken)
    {
        var tied = new List<RequestSignature>(FullyCompared);
        (bool SameEntry, int Distance) bestRank = (false, int.MaxValue);
        for (var i = scan.Requests.Count - 1; i >= 0; i--)
        {
            var candidate = scan.Requests[i];
            if (candidate.Key == target.Key)
            {
                continue;
            }

            var rank = (SameEntry: candidate.Idx == target.Idx, Distance: candidate.Distance(scan.TargetSignature!));
            if ((rank.SameEntry && !bestRank.SameEntry) || (rank.SameEntry == bestRank.SameEntry && rank.Distance < bestRank.Distance))
            {
                (bestRank, tied) = (rank, new List<RequestSignature>(FullyCompared));
            }
            else if (rank != bestRank || tied.Count == FullyCompared)
            {
                continue;
            }

            tied.Add(candidate);
        }

        (RequestSignature Signature, StoredRequest Request, long Changed)? best = null;
        foreach (var candidate in tied)
        {
            var request = await RequestAsync(ledger, candidate.Key, cancellationToken).ConfigureAwait(false);
            var changed = RequestDiff.ChangedCharacters(request.Request, target.Request);
            if (best is null || changed < best.Value.Changed)
            {
                best = (candidate, request, changed);
            }
        }

        return best is { } chosen ? (chosen.Signature, chosen.Request) : null;
    }

    private static async Task<StoredRequest> RequestAsync(ILedger ledger, string key, CancellationToken cancellationToken)
    {
        var record = await ledger.TryGetAsync(key, cancellationToken).ConfigureAwait(false) ?? await ledger.TryGetAsync(key + "#failed", cancellationToken).ConfigureAwait(false);
        return StoredRequest.Of(new LedgerRecord(key, record!))!;
    }

    private static string NotFound(Scan scan, string ledgerName, string op, string? idx)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{ledgerName} holds no request of op '{op}'{(idx is null ? "" : $" for entry '{idx}'")}.");
        if (scan.Ops.Count > 0)
        {
            text.Append(" Ops with requests: ").AppendJoin(", ", scan.Ops.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Key} ({o.Value:N0})"))).Append('.');
            if (scan.Requests.Count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" Entries of '{op}' include: ").AppendJoin(", ", scan.Requests.Select(r => r.Idx).Distinct().Take(10)).Append('.');
            }
        }

        if (scan.WithoutRequest > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" {scan.WithoutRequest:N0} answers were stored without their request (written before ledger explain existed): rerun to store them with it.");
        }

        return text.ToString();
    }

    private sealed class Scan(string op, string? idx)
    {
        private string? _targetAt;

        public Dictionary<string, long> Ops { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Matched { get; } = new(StringComparer.Ordinal);

        public List<RequestSignature> Requests { get; } = [];

        // The record key (with #failed for a failure) of the entry's latest request, read whole once the scan is done.
        public string? TargetKey { get; private set; }

        public StoredRequest? Target { get; set; }

        public RequestSignature? TargetSignature { get; private set; }

        public long WithoutRequest { get; private set; }

        // One record of the ledger, with what the scanner read of it (null: no stored request).
        public void Add(string key, (string Op, string At, RequestSignature Signature)? scanned)
        {
            if (scanned is not var (asker, at, signature))
            {
                WithoutRequest += StoredRequest.IsModelKey(key) ? 1 : 0;
                return;
            }

            Ops[asker] = Ops.GetValueOrDefault(asker) + 1;
            if (!Names(asker, op))
            {
                return;
            }

            Matched.Add(asker);
            Requests.Add(signature);
            if ((idx is null || signature.Idx == idx) && (_targetAt is null || string.CompareOrdinal(at, _targetAt) >= 0))
            {
                (TargetKey, _targetAt, TargetSignature) = (key, at, signature);
            }
        }
    }
}
