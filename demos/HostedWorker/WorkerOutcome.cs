namespace BatchFactory.Demos;

/// <summary>Where the worker prints, and the exit code it leaves for the program.</summary>
/// <param name="output">Where to print.</param>
public sealed class WorkerOutcome(TextWriter output)
{
    /// <summary>Where to print.</summary>
    public TextWriter Output { get; } = output;

    /// <summary>The program's exit code; 0 until the worker says otherwise.</summary>
    public int ExitCode { get; set; }
}
