using System.Globalization;
using System.Text;
using BatchFactory.Ledgers;
using Npgsql;

namespace BatchFactory.Brokers;

internal sealed partial class ClaimStore
{
    // The most bytes one notification carries: PostgreSQL refuses payloads of 8,000 bytes or more.
    private const int NotifyBytes = 7900;

    // The most keys one claim or answer statement carries; a larger batch goes as several statements, one after another.
    private const int MaxKeysPerStatement = 512;

    // One statement stores every answer given meanwhile, each only under the token it was claimed with and only once,
    // with its ledger record when the caller gave one (in the same transaction: a worker that reads the answer finds the
    // record too, and a worker whose claim was taken over writes neither), and announces the keys stored: one
    // notification per group of keys (the groups are numbered by the caller so that each payload stays under
    // PostgreSQL's limit), "<scope>\n<key>\n<key>…", where a key the caller marked (its answer fits) is followed by
    // "\u0001<ledger>\u0001<answer>", so a worker waiting for it needs no statement to read it (see Wake). The count is
    // there only to make the notifying part run. A claim already answered under its own token (a statement run again
    // after a failure that had in fact committed) counts as stored: only its holder could have stored that answer, and
    // its record with it.
    private static readonly string CompleteSql = $"""
        WITH done AS (
            UPDATE batchfactory_claims c SET answer = u.a
            FROM unnest($2::text[], $3::bigint[], $4::text[], $5::int[], $6::int[], $7::text[], $8::bool[]) AS u(k, t, a, g, l, r, s)
            WHERE c.scope = $1 AND c.key = u.k AND c.token = u.t AND c.answer IS NULL
            RETURNING c.key, c.token, u.g, u.l, u.r, u.a, u.s),
        kept AS ({PostgresLedger.UpsertSql("(SELECT l AS ledger, key, r AS value FROM done WHERE l IS NOT NULL) AS d")}),
        told AS (
            SELECT pg_notify('{PostgresSchema.AnswersChannel}', $1 || string_agg(E'\n' || key || CASE WHEN s THEN E'\x01' || coalesce(l::text, '') || E'\x01' || a ELSE '' END, ''))
            FROM done GROUP BY g)
        SELECT done.key, done.token, kept.added FROM done LEFT JOIN kept ON kept.ledger = done.l AND kept.key = done.key CROSS JOIN (SELECT count(*) FROM told) AS n
        UNION ALL
        SELECT c.key, c.token, NULL FROM batchfactory_claims c JOIN unnest($2::text[], $3::bigint[]) AS p(k, t) ON c.key = p.k AND c.token = p.t
        WHERE c.scope = $1 AND c.answer IS NOT NULL
        """;

    /// <summary>
    /// Stores <paramref name="answer"/> under this worker's claim and announces it; only while the claim is still this
    /// worker's (<paramref name="token"/>): a worker whose lease ran out and was taken over stores nothing.
    /// </summary>
    /// <remarks>The answers given to one store at the same time go to the database as one statement, as claims do.</remarks>
    /// <returns>Whether the answer was stored.</returns>
    public Task<bool> CompleteAsync(string key, long token, string answer, CancellationToken cancellationToken) =>
        CompleteAsync(key, token, answer, null, null, cancellationToken);

    /// <summary>
    /// <see cref="CompleteAsync(string, long, string, CancellationToken)"/>, writing <paramref name="record"/> under
    /// <paramref name="key"/> to <paramref name="ledger"/> (one of this database's, see <see cref="Keeps"/>) in the same
    /// transaction, if the answer is stored; with no ledger, the answer alone.
    /// </summary>
    public async Task<bool> CompleteAsync(string key, long token, string answer, PostgresLedger? ledger, string? record, CancellationToken cancellationToken)
    {
        // The claim stays held (its lease renewed) until the statement storing its answer has run.
        var given = new Given(key, token, answer, record is null ? null : ledger, ledger is null ? null : record);
        try
        {
            await _completing.AddAsync(given, CancellationToken.None).ConfigureAwait(false);
            return await given.Stored.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _held.TryRemove(new KeyValuePair<string, long>(key, token));
        }
    }

    // Runs the batch's statements (at most MaxKeysPerStatement answers each), each retried after a deadlock or a
    // transient failure; never throws (each caller gets the error).
    private async ValueTask CompleteBatchAsync(List<Given> batch)
    {
        try
        {
            foreach (var chunk in batch.Chunk(MaxKeysPerStatement))
            {
                var stored = await RetryAsync(_ => CompleteOnceAsync(chunk)).ConfigureAwait(false);
                foreach (var given in chunk)
                {
                    given.Stored.TrySetResult(stored.Contains((given.Key, given.Token)));
                }
            }
        }
        catch (Exception ex)
        {
            var failure = ex is NpgsqlException or TimeoutException ? _connection.Failed(_connection.Description, "store answers in", ex) : ex;
            foreach (var given in batch)
            {
                given.Stored.TrySetException(failure);
            }
        }
    }

    private async Task<HashSet<(string Key, long Token)>> CompleteOnceAsync(Given[] batch)
    {
        // In the order of the keys, as claims are inserted.
        Array.Sort(batch, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var (keys, tokens, answers, groups) = (new string[batch.Length], new long[batch.Length], new string[batch.Length], new int[batch.Length]);
        var (ledgers, records, told) = (new int?[batch.Length], new string?[batch.Length], new bool[batch.Length]);
        var (group, bytes, budget) = (0, 0, NotifyBytes - Encoding.UTF8.GetByteCount(_scope));
        for (var i = 0; i < batch.Length; i++)
        {
            (keys[i], tokens[i], answers[i], ledgers[i], records[i]) = (batch[i].Key, batch[i].Token, batch[i].Answer, batch[i].Ledger?.Id, batch[i].Record);
            // The answer goes with its key when both fit in one notification: "\n<key>\u0001<ledger>\u0001<answer>".
            var size = Encoding.UTF8.GetByteCount(keys[i]) + 1;
            var withAnswer = size + 2 + (ledgers[i] is { } id ? id.ToString(CultureInfo.InvariantCulture).Length : 0) + Encoding.UTF8.GetByteCount(answers[i]);
            (told[i], size) = withAnswer <= budget ? (true, withAnswer) : (false, size);
            if (bytes > 0 && bytes + size > budget)
            {
                (group, bytes) = (group + 1, 0);
            }

            (groups[i], bytes) = (group, bytes + size);
        }

        var stored = new HashSet<(string, long)>(batch.Length);
        var added = new HashSet<string>(StringComparer.Ordinal);
        await using (var complete = _source.CreateCommand(CompleteSql))
        {
            Add(complete, _scope, keys, tokens, answers, groups, ledgers, records, told);
            await using var reader = await complete.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                stored.Add((reader.GetString(0), reader.GetInt64(1)));
                if (!reader.IsDBNull(2) && reader.GetBoolean(2))
                {
                    added.Add(reader.GetString(0));
                }
            }
        }

        // Counted once the statement has committed (its reader is disposed).
        foreach (var given in batch)
        {
            if (given.Ledger is { } ledger && added.Contains(given.Key))
            {
                ledger.Added(1);
            }
        }

        return stored;
    }

    // One caller's answer in a batch (with the ledger record to write with it, if any), and whether the batch stored it.
    private sealed class Given(string key, long token, string answer, PostgresLedger? ledger, string? record)
    {
        public PostgresLedger? Ledger { get; } = ledger;

        public string? Record { get; } = record;

        public string Key { get; } = key;

        public long Token { get; } = token;

        public string Answer { get; } = answer;

        public TaskCompletionSource<bool> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
