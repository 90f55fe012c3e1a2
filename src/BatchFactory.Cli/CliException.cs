namespace BatchFactory.Cli;

/// <summary>A command cannot do what was asked (a path, op or entry that is not there): its message is printed as <c>error: …</c> and the exit code is 2.</summary>
internal sealed class CliException(string message, Exception? inner = null) : Exception(message, inner);
