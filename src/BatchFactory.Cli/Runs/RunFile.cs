namespace BatchFactory.Cli;

/// <summary>One run summary file of a project: its name (<c>&lt;start time&gt;.summary.json</c>) and what it says.</summary>
/// <param name="Name">The file's name.</param>
/// <param name="Summary">The summary.</param>
internal sealed record RunFile(string Name, RunSummary Summary);
