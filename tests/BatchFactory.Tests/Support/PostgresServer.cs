using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace BatchFactory.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL cluster for one test collection: <c>initdb</c> in a temporary folder, started with
/// <c>pg_ctl</c> on 127.0.0.1 and a free port (as the <c>postgres</c> user when the tests run as root, since PostgreSQL
/// refuses root), stopped and deleted when the collection ends. A watchdog shell stops and deletes it too if the test
/// process dies without disposing it, so no server outlives the tests.
/// </summary>
/// <remarks>
/// Local runs without the binaries skip the PostgreSQL tests (<see cref="RequireAvailable"/>); with <c>CI</c> set they
/// fail instead (<c>.ci/run</c> installs the binaries first). Connections need the password (<c>scram-sha-256</c> over TCP),
/// so tests can check that it never leaks.
/// </remarks>
public sealed class PostgresServer : IAsyncLifetime
{
    /// <summary>The superuser the cluster is made with.</summary>
    public const string User = "bf";

    private readonly string? _bin = FindBinaries();
    private string? _folder;
    private Process? _watchdog;
    private int _databases;

    /// <summary>The superuser's password: random per cluster, so a test can look for it in what must not hold it.</summary>
    public string Password { get; } = "pw-" + Guid.NewGuid().ToString("N");

    /// <summary>The port the server listens on, on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>Why the server is not running, or <see langword="null"/> when it is.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>The connection string of database <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username={User};Password={Password};Database={database};Pooling=true";

    /// <summary>Skips the calling test when the server could not start outside CI (see the remarks on the class).</summary>
    public void RequireAvailable() => Assert.SkipWhen(Unavailable is not null, Unavailable ?? "");

    /// <summary>Creates a fresh, empty database and returns its connection string: each test gets its own.</summary>
    public string NewDatabase()
    {
        RequireAvailable();
        var name = $"t{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}";
        using var connection = new NpgsqlConnection(ConnectionString());
        connection.Open();
        using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        create.ExecuteNonQuery();
        return ConnectionString(name);
    }

    public async ValueTask InitializeAsync()
    {
        // Each test has a database of its own: its pools need not outlive it by the library's minute, holding a few of
        // the server's connections each meanwhile (the tests of the linger set their own).
        BatchFactory.Ledgers.PostgresPools.DefaultLinger = TimeSpan.FromSeconds(2);
        if (_bin is null)
        {
            Unavailable = "PostgreSQL's initdb and pg_ctl are not installed (apt-get install postgresql-15).";
            if (IsCi)
            {
                throw new InvalidOperationException(Unavailable + " CI must run the PostgreSQL tests: .ci/run installs them.");
            }

            return;
        }

        var asRoot = Environment.IsPrivilegedProcess;
        _folder = Directory.CreateTempSubdirectory("bf-pg-").FullName;
        if (asRoot)
        {
            await RunAsync("chown", ["postgres", _folder], asPostgres: false);
        }

        var passwordFile = Path.Combine(_folder, "pw");
        await File.WriteAllTextAsync(passwordFile, Password);
        if (asRoot)
        {
            await RunAsync("chown", ["postgres", passwordFile], asPostgres: false);
        }

        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", Data, "-U", User, "--pwfile", passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"], asRoot);
        File.Delete(passwordFile);
        Port = FreePort();
        StartWatchdog(asRoot);
        await RunAsync(
            Path.Combine(_bin, "pg_ctl"),
            ["-D", Data, "-l", Path.Combine(_folder, "log"), "-w", "-t", "60", "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300", "start"],
            asRoot);
    }

    public async ValueTask DisposeAsync()
    {
        if (_folder is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(_bin!, "pg_ctl"), ["-D", Data, "-m", "immediate", "-w", "stop"], Environment.IsPrivilegedProcess);
        }
        finally
        {
            if (_watchdog is { HasExited: false })
            {
                _watchdog.Kill();
            }

            _watchdog?.Dispose();
            Directory.Delete(_folder, recursive: true);
            _folder = null;
        }
    }

    private static bool IsCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    private string Data => Path.Combine(_folder!, "data");

    // Stops the server and deletes its folder once this process is gone, however it ended (even kill -9).
    private void StartWatchdog(bool asRoot)
    {
        var stop = $"{Path.Combine(_bin!, "pg_ctl")} -D {Data} -m immediate stop";
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {(asRoot ? "runuser -u postgres -- " : "")}{stop} >/dev/null 2>&1; rm -rf {_folder}";
        var start = new ProcessStartInfo("setsid", ["sh", "-c", script]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        _watchdog = Process.Start(start);
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = asPostgres ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", program, .. arguments]) : new ProcessStartInfo(program, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {await error}{await output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // initdb and pg_ctl on the PATH, else Debian's /usr/lib/postgresql/<version>/bin (newest first).
    private static string? FindBinaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).Select(d => Path.Combine(d, "bin"))
            : [];
        return onPath.Concat(debian).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }
}
