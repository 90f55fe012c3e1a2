using Npgsql;

namespace BatchFactory.Ledgers;

/// <summary>
/// The tables BatchFactory keeps in a PostgreSQL database (in the first schema of the connection's search path),
/// created by the first worker to connect and versioned in <c>batchfactory_schema</c>. A database of a newer version
/// (made by a newer BatchFactory) is refused rather than misread.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>batchfactory_records</c>: one row per ledger and key, the current record as JSON text; <c>seq</c> (from
/// <c>batchfactory_seq</c>) is the order of the last write, so reading by <c>seq</c> is append order.</item>
/// <item><c>batchfactory_claims</c>: who answers which request (worker, lease expiry, fencing token) and, once
/// answered, the answer.</item>
/// <item><c>batchfactory_grants</c>: the requests and tokens of rate limits shared by the workers, one row per call
/// let through in the last window (a sliding log on the database's clock).</item>
/// </list>
/// </remarks>
internal static class PostgresSchema
{
    /// <summary>The schema version this library reads and writes.</summary>
    public const int Version = 1;

    /// <summary>The channel answers are announced on (<c>NOTIFY</c>), with the claim's scope and key as payload.</summary>
    public const string AnswersChannel = "batchfactory_answers";

    // Serialises schema creation between workers that start together (an arbitrary constant of ours).
    private const long CreationLock = 0x4261_7463_6846_6163;

    private const string Create = """
        CREATE SEQUENCE batchfactory_seq;
        CREATE TABLE batchfactory_records (
            ledger text NOT NULL,
            key text NOT NULL,
            seq bigint NOT NULL DEFAULT nextval('batchfactory_seq'),
            value text NOT NULL,
            PRIMARY KEY (ledger, key));
        CREATE INDEX batchfactory_records_order ON batchfactory_records (ledger, seq);
        CREATE SEQUENCE batchfactory_fence;
        CREATE TABLE batchfactory_claims (
            scope text NOT NULL,
            key text NOT NULL,
            worker text NOT NULL,
            token bigint NOT NULL,
            expires timestamptz NOT NULL,
            answer text,
            PRIMARY KEY (scope, key));
        CREATE TABLE batchfactory_grants (
            scope text NOT NULL,
            name text NOT NULL,
            id bigserial NOT NULL,
            at timestamptz NOT NULL,
            amount bigint NOT NULL,
            PRIMARY KEY (scope, name, id));
        """;

    /// <summary>Creates the tables if the database has none, and checks the version of those it has.</summary>
    /// <exception cref="LedgerException">The database cannot be reached, or holds a newer schema.</exception>
    public static async Task EnsureAsync(NpgsqlDataSource source, PostgresConnection connection, CancellationToken cancellationToken)
    {
        int? found;
        try
        {
            await using var db = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var locking = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({CreationLock}); CREATE TABLE IF NOT EXISTS batchfactory_schema (version integer NOT NULL)", db, transaction))
            {
                await locking.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var reading = new NpgsqlCommand("SELECT max(version) FROM batchfactory_schema", db, transaction))
            {
                found = await reading.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as int?;
            }

            if (found is null)
            {
                await using var creating = new NpgsqlCommand(Create + $"INSERT INTO batchfactory_schema (version) VALUES ({Version});", db, transaction);
                await creating.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw connection.Failed(connection.Description, "reach the PostgreSQL database", ex);
        }

        if (found > Version)
        {
            throw new LedgerException(
                connection.Description,
                $"The PostgreSQL database {connection.Description} holds BatchFactory tables of schema version {found}, newer than this library's {Version}: upgrade BatchFactory on every worker, or use another database.");
        }
    }
}
