using Microsoft.Extensions.Logging;

namespace BatchFactory.Tests.Support;

/// <summary>A logger that keeps what it was told, for asserting on warnings.</summary>
public sealed class ListLogger : ILogger
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <summary>The least severe level kept; below it the logger is disabled. Default Trace: everything.</summary>
    public LogLevel MinLevel { get; init; } = LogLevel.Trace;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= MinLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        lock (_entries)
        {
            _entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
