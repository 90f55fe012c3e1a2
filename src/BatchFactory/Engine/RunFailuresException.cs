using System.Globalization;

namespace BatchFactory;

/// <summary>
/// A run with <see cref="RunOptions.ThrowOnFailures"/> went to its end, but something failed on the way
/// (<see cref="RunStatus.CompletedWithFailures"/>). The message counts the failures and quotes the first;
/// <see cref="Summary"/> lists them, and <see cref="Result"/> holds what the run produced all the same.
/// </summary>
public sealed class RunFailuresException : Exception
{
    /// <summary>Creates the exception for a run that ended as <paramref name="result"/>.</summary>
    /// <param name="result">The run's result.</param>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is null.</exception>
    public RunFailuresException(RunResult result)
        : base(Format(result))
    {
        Result = result;
    }

    /// <summary>What the run produced: its outputs and summary.</summary>
    public RunResult Result { get; }

    /// <summary>The run's summary; <see cref="RunSummary.Failures"/> lists what failed.</summary>
    public RunSummary Summary => Result.Summary;

    private static string Format(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var summary = result.Summary;
        var count = summary.Failures.Count + summary.FailuresNotListed;
        var first = summary.Failures.Count > 0 ? summary.Failures[0] : null;
        var where = first is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" The first: [{first.Node}] {first.OpName}{(first.Idx is null ? string.Empty : $", entry '{first.Idx}'")}: {first.Error}");
        return string.Create(CultureInfo.InvariantCulture, $"The run finished with {count:N0} failure(s) (RunOptions.ThrowOnFailures is on); RunFailuresException.Summary lists them.{where}");
    }
}
