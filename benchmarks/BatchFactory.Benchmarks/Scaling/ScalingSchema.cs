using Npgsql;

namespace BatchFactory.Benchmarks.Scaling;

/// <summary>
/// A schema of its own for one harness run (<c>bf_scaling_…</c>, first in the workers' search path, where the library
/// makes its tables), dropped with everything in it when the run ends: every run measures on tables as small as a new
/// database's, and the database does not grow with each run (a run of 1, 2 and 4 workers leaves 28,000 claims and
/// records, and tables that outgrow PostgreSQL's shared buffers make every later run slower).
/// </summary>
internal sealed class ScalingSchema : IAsyncDisposable
{
    private readonly string _server;
    private readonly string _name;

    private ScalingSchema(string server, string name, string connectionString) => (_server, _name, ConnectionString) = (server, name, connectionString);

    /// <summary>The connection string the workers use: the harness's, with the schema first in its search path.</summary>
    public string ConnectionString { get; }

    public static async Task<ScalingSchema> CreateAsync(string connectionString)
    {
        var name = $"bf_scaling_{Guid.NewGuid():N}"[..24];
        await RunAsync(connectionString, $"CREATE SCHEMA {name}");
        var workers = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = name };
        return new ScalingSchema(connectionString, name, workers.ConnectionString);
    }

    public async ValueTask DisposeAsync() => await RunAsync(_server, $"DROP SCHEMA IF EXISTS {_name} CASCADE");

    private static async Task RunAsync(string connectionString, string statement)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(statement, connection);
        await command.ExecuteNonQueryAsync();
    }
}
