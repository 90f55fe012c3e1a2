using Microsoft.Extensions.Logging;

namespace BatchFactory.Tests.Support;

/// <summary>Hands out one <see cref="ListLogger"/> per category, all with the same minimum level.</summary>
public sealed class ListLoggerFactory(LogLevel minLevel = LogLevel.Trace) : ILoggerFactory
{
    private readonly Dictionary<string, ListLogger> _loggers = [];

    /// <summary>Everything logged, over every category, as (category, level, message), in no particular order between categories.</summary>
    public IReadOnlyList<(string Category, LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_loggers)
            {
                return [.. _loggers.SelectMany(l => l.Value.Entries.Select(e => (l.Key, e.Level, e.Message)))];
            }
        }
    }

    public ILogger CreateLogger(string categoryName)
    {
        lock (_loggers)
        {
            if (!_loggers.TryGetValue(categoryName, out var logger))
            {
                logger = new ListLogger { MinLevel = minLevel };
                _loggers[categoryName] = logger;
            }

            return logger;
        }
    }

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }
}
