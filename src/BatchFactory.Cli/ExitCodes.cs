namespace BatchFactory.Cli;

/// <summary>The exit codes of the commands that do not run graphs (those that do use <see cref="ConsoleRunner"/>'s, the same numbers).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = ConsoleRunner.Completed;

    /// <summary>Bad arguments, or a path, ledger, op or entry that is not there.</summary>
    public const int BadInput = ConsoleRunner.ConfigurationError;
}
