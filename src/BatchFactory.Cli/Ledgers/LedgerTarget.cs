using IOPath = System.IO.Path;

namespace BatchFactory.Cli;

/// <summary>
/// A ledger the <c>ledger</c> commands name: a <c>.jsonl</c> or <c>.sqlite</c> file, found from a path that is the file
/// itself, a project folder (its <c>ledgers/</c>) or a <c>ledgers/</c> folder; or, with <c>--postgres</c>, a ledger of
/// a project kept in PostgreSQL.
/// </summary>
internal sealed class LedgerTarget
{
    private const string JsonlExtension = ".jsonl";
    private const string SqliteExtension = ".sqlite";
    private readonly Func<CancellationToken, Task<OpenLedger>> _open;

    private LedgerTarget(string name, string backend, string? path, Func<CancellationToken, Task<OpenLedger>> open)
    {
        Name = name;
        Backend = backend;
        Path = path;
        _open = open;
    }

    /// <summary>How messages name the ledger: its file relative to the current directory, or its project and name.</summary>
    public string Name { get; }

    /// <summary>The backend's name (<see cref="LedgerBackend.Name"/>).</summary>
    public string Backend { get; }

    /// <summary>The file's full path; <see langword="null"/> for a PostgreSQL ledger.</summary>
    public string? Path { get; }

    /// <summary>Every ledger file <paramref name="path"/> names: the file itself, or those of a project or <c>ledgers/</c> folder, sorted.</summary>
    /// <exception cref="CliException">There is no such file or folder, or no ledger in it.</exception>
    public static IReadOnlyList<LedgerTarget> Find(string path)
    {
        var full = IOPath.GetFullPath(path);
        if (File.Exists(full))
        {
            return IsLedgerFile(full) ? [OfFile(full)]
                : throw new CliException($"'{path}' is not a ledger: a ledger file ends in {JsonlExtension} or {SqliteExtension}.");
        }

        if (!Directory.Exists(full))
        {
            throw new CliException($"There is no file or folder '{path}'. Give a ledger file (…/ledgers/llm.jsonl), a project folder (data/<project>/<version>) or its ledgers folder.");
        }

        var folder = Directory.Exists(IOPath.Combine(full, "ledgers")) ? IOPath.Combine(full, "ledgers") : full;
        var files = Directory.EnumerateFiles(folder).Where(IsLedgerFile).Order(StringComparer.Ordinal).ToList();
        return files.Count > 0 ? [.. files.Select(OfFile)]
            : throw new CliException($"'{path}' holds no ledger ({JsonlExtension} or {SqliteExtension} files, in it or in its ledgers/ folder).");
    }

    /// <summary>
    /// The ledger called <paramref name="ledger"/> of the project folder <paramref name="project"/>
    /// (<c>&lt;data dir&gt;/&lt;name&gt;/&lt;version&gt;</c>): its file, or with <paramref name="postgres"/> (a
    /// connection string; empty for <c>BATCHFACTORY_POSTGRES</c>) its rows in PostgreSQL.
    /// </summary>
    /// <exception cref="CliException">The project has no such ledger file; the message lists those it has.</exception>
    public static LedgerTarget InProject(string project, string ledger, string? postgres)
    {
        if (postgres is null)
        {
            var all = Find(project);
            return all.FirstOrDefault(t => IOPath.GetFileNameWithoutExtension(t.Path) == ledger)
                ?? throw new CliException($"'{project}' has no ledger '{ledger}'; it has: {string.Join(", ", all.Select(t => IOPath.GetFileNameWithoutExtension(t.Path)))}. Name one with --ledger.");
        }

        var full = IOPath.TrimEndingDirectorySeparator(IOPath.GetFullPath(project));
        var (name, version, dataDirectory) = (IOPath.GetFileName(IOPath.GetDirectoryName(full))!, IOPath.GetFileName(full), IOPath.GetDirectoryName(IOPath.GetDirectoryName(full))!);
        return new LedgerTarget($"{name} {version} {ledger}", "PostgreSQL", null, async cancellationToken =>
        {
            var folder = ProjectFolder.Open(name, version, new ProjectFolderOptions
            {
                DataDirectory = dataDirectory,
                Backend = postgres.Length == 0 ? LedgerBackend.Postgres() : LedgerBackend.Postgres(postgres),
            });
            try
            {
                return new OpenLedger(await folder.OpenLedgerAsync(ledger, cancellationToken).ConfigureAwait(false), folder);
            }
            catch
            {
                await folder.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        });
    }

    /// <summary>Opens the ledger; dispose the result. A JSONL or SQLite ledger cannot be opened while a run has it open.</summary>
    /// <exception cref="CliException">The ledger cannot be opened (in use, corrupt, unreachable); the message says why.</exception>
    public async Task<OpenLedger> OpenAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _open(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LedgerException or InvalidOperationException or ArgumentException)
        {
            throw new CliException($"Cannot open the ledger {Name}: {ex.Message}", ex);
        }
    }

    private static LedgerTarget OfFile(string path)
    {
        var name = IOPath.GetRelativePath(Environment.CurrentDirectory, path);
        return path.EndsWith(SqliteExtension, StringComparison.OrdinalIgnoreCase)
            ? new LedgerTarget(name, LedgerBackend.Sqlite.Name, path, async ct => new OpenLedger(await SqliteLedger.OpenAsync(path, cancellationToken: ct).ConfigureAwait(false)))
            : new LedgerTarget(name, LedgerBackend.Jsonl.Name, path, async ct => new OpenLedger(await JsonlLedger.OpenAsync(path, cancellationToken: ct).ConfigureAwait(false)));
    }

    private static bool IsLedgerFile(string path) =>
        path.EndsWith(JsonlExtension, StringComparison.OrdinalIgnoreCase) || path.EndsWith(SqliteExtension, StringComparison.OrdinalIgnoreCase);
}
