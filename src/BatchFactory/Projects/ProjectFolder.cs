using System.Runtime.ExceptionServices;
using BatchFactory.Ledgers;
using Microsoft.Extensions.Logging;

namespace BatchFactory;

/// <summary>
/// The folder of one version of one pipeline, <c>&lt;data directory&gt;/&lt;name&gt;/&lt;version&gt;</c>: it holds the
/// pipeline's ledgers (under <c>ledgers/</c>) and its outputs. Bump the version to start afresh while keeping the old
/// results; keep it to resume. Disposing the project flushes and closes every ledger it opened.
/// </summary>
/// <example>
/// <code>
/// await using var project = ProjectFolder.Open("poems", "1.0.0");
/// var g = FromList(topics) | CheckPoint("written", MapField(WritePoem, "topic", "poem")) | ToList("poem");
/// await g.RunAsync(new RunOptions { Project = project });
/// File.WriteAllText(project["out/poems.md"], …);
/// </code>
/// </example>
public sealed class ProjectFolder : IAsyncDisposable
{
    private readonly ProjectFolderOptions _options;
    private readonly Dictionary<string, Task<ILedger>> _ledgers = new(StringComparer.Ordinal);
    private ILoggerFactory? _runLoggers;
    private bool _disposed;

    private ProjectFolder(string name, string version, string fullPath, ProjectFolderOptions options)
    {
        Name = name;
        Version = version;
        FullPath = fullPath;
        _options = options;
    }

    /// <summary>The project's name.</summary>
    public string Name { get; }

    /// <summary>The project's version.</summary>
    public string Version { get; }

    /// <summary>The project folder's full path.</summary>
    public string FullPath { get; }

    /// <summary>The store this project's ledgers use: <see cref="ProjectFolderOptions.Backend"/>, default <see cref="LedgerBackend.Jsonl"/>.</summary>
    public LedgerBackend Backend => _options.Backend;

    /// <summary>Whether the project's ledgers wait for the disk on every commit (<see cref="LedgerOptions.Durable"/>).</summary>
    internal bool DurableLedgers => _options.Ledger.Durable;

    /// <summary>
    /// The full path of <paramref name="relativePath"/> inside the project folder, e.g. <c>project["out/poems.md"]</c>.
    /// Creates nothing. Refuses a path that leads outside the folder: an absolute path, <c>..</c>, or a symbolic link
    /// that points outside.
    /// </summary>
    /// <exception cref="ArgumentException">The path leads outside the project folder.</exception>
    public string this[string relativePath] => SafePaths.Resolve(FullPath, relativePath);

    /// <summary>Opens (creating if needed) the folder of project <paramref name="name"/> at <paramref name="version"/>.</summary>
    /// <param name="name">The project's name; letters, digits, <c>.</c>, <c>-</c> and <c>_</c>.</param>
    /// <param name="version">The version, e.g. <c>1.0.7</c>; the same characters.</param>
    /// <param name="options">Where the data directory is and which ledger store to use; default <see cref="ProjectFolderOptions"/>.</param>
    /// <exception cref="ArgumentException">The name or version has characters that cannot name a folder, or <paramref name="options"/> has no data directory.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> has a <see langword="null"/> <see cref="ProjectFolderOptions.Backend"/>.</exception>
    /// <exception cref="LedgerException">The folder cannot be created.</exception>
    public static ProjectFolder Open(string name, string version, ProjectFolderOptions? options = null)
    {
        SafePaths.CheckSegment(name, "project name", nameof(name));
        SafePaths.CheckSegment(version, "project version", nameof(version));
        options ??= new ProjectFolderOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataDirectory, nameof(options));
        ArgumentNullException.ThrowIfNull(options.Backend, nameof(options));
        var path = Path.GetFullPath(Path.Combine(options.DataDirectory, name, version));
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LedgerException(path, $"Cannot create the project folder '{path}': {ex.Message}. Choose a data directory you can write to.", ex);
        }

        return new ProjectFolder(name, version, path, options);
    }

    /// <summary>
    /// The project's ledger called <paramref name="name"/>, opened by <see cref="Backend"/> on first use and shared
    /// afterwards; the project closes it when disposed. The built-in backends keep it in <c>ledgers/&lt;name&gt;.jsonl</c>
    /// or <c>ledgers/&lt;name&gt;.sqlite</c>.
    /// </summary>
    /// <param name="name">The ledger's name; letters, digits, <c>.</c>, <c>-</c> and <c>_</c>.</param>
    /// <param name="cancellationToken">Cancels opening (replaying) the ledger.</param>
    /// <exception cref="ArgumentException">The name has characters that cannot name a file, or the <c>ledgers</c> folder is a symbolic link pointing outside the project folder.</exception>
    /// <exception cref="LedgerException">The ledger cannot be opened; see <see cref="LedgerBackend.OpenAsync"/>.</exception>
    public async ValueTask<ILedger> OpenLedgerAsync(string name, CancellationToken cancellationToken = default)
    {
        SafePaths.CheckSegment(name, "ledger name", nameof(name));
        Task<ILedger> opening;
        lock (_ledgers)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_ledgers.TryGetValue(name, out opening!) || opening.IsFaulted || opening.IsCanceled)
            {
                var location = new LedgerLocation(Name, Version, name, this["ledgers"]);
                opening = Backend.OpenAsync(location, LedgerOptionsForOpen(), cancellationToken).AsTask();
                _ledgers[name] = opening;
            }
        }

        return await opening.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The category ledgers log under when they log to a run's <see cref="ILoggerFactory"/>.</summary>
    internal const string LedgerLogCategory = "BatchFactory.Ledgers";

    /// <summary>
    /// Sends the warnings of the ledgers this project opens from now on (a repaired torn record) to
    /// <paramref name="loggers"/>, under <see cref="LedgerLogCategory"/>, unless <see cref="LedgerOptions.Logger"/> is
    /// set; until the returned scope is disposed. A run calls this with its logger factory before its ops open ledgers.
    /// </summary>
    internal IDisposable LogLedgersTo(ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        Volatile.Write(ref _runLoggers, loggers);
        return new LoggerScope(this, loggers);
    }

    private LedgerOptions LedgerOptionsForOpen()
    {
        var options = _options.Ledger;
        return options.Logger is null && Volatile.Read(ref _runLoggers) is { } loggers
            ? options.WithLogger(loggers.CreateLogger(LedgerLogCategory))
            : options;
    }

    /// <summary>Flushes and closes every ledger the project opened. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        List<Task<ILedger>> ledgers;
        lock (_ledgers)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            ledgers = [.. _ledgers.Values];
        }

        Exception? first = null;
        foreach (var opening in ledgers)
        {
            try
            {
                await ((Task)opening).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (opening.IsCompletedSuccessfully)
                {
                    await opening.Result.DisposeAsync().ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                first ??= ex;
            }
        }

        if (first is not null)
        {
            ExceptionDispatchInfo.Throw(first);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Version} ({FullPath})";

    private sealed class LoggerScope(ProjectFolder project, ILoggerFactory loggers) : IDisposable
    {
        public void Dispose() => Interlocked.CompareExchange(ref project._runLoggers, null, loggers);
    }
}
