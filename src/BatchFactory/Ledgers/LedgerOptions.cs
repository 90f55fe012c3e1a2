using Microsoft.Extensions.Logging;

namespace BatchFactory;

/// <summary>How a ledger is opened. Read once, when the ledger opens.</summary>
public sealed class LedgerOptions
{
    /// <summary>
    /// Whether each append waits until its record is on the disk (fsync), so it survives a power cut or an operating
    /// system crash. Default <see langword="false"/>: an append waits only until the operating system has the record,
    /// which survives the process being killed (Ctrl+C, <c>kill -9</c>, a crash) but not the machine losing power.
    /// Concurrent appends share one fsync, so durable ledgers are slower but not one-disk-write-per-record slow.
    /// </summary>
    public bool Durable { get; init; }

    /// <summary>
    /// Where the ledger reports what it repaired on open (a torn last record), as a warning. Default
    /// <see langword="null"/>: a ledger a run opens through its <c>RunOptions.Project</c> logs to the run's
    /// <c>RunOptions.LoggerFactory</c> (category <c>BatchFactory.Ledgers</c>); a ledger opened any other way logs nowhere.
    /// When set, it is used instead of the run's logger.
    /// </summary>
    public ILogger? Logger { get; init; }

    /// <summary>Test hook: wraps the stream appends are written through (to simulate a full disk).</summary>
    internal Func<Stream, Stream>? WrapStream { get; init; }

    internal static LedgerOptions Default { get; } = new();

    /// <summary>A copy of these options that logs to <paramref name="logger"/>.</summary>
    internal LedgerOptions WithLogger(ILogger logger) => new() { Durable = Durable, Logger = logger, WrapStream = WrapStream };
}
