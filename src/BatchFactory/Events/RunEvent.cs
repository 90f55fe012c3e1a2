namespace BatchFactory;

/// <summary>
/// Something that happened during a run, as a <see cref="RunMonitor"/> publishes it: the run started
/// (<see cref="RunStarted"/>), per-op progress (<see cref="RunProgress"/>), a model call
/// (<see cref="CallEvent"/> and its kinds), a provider batch's progress (<see cref="BatchChanged"/>), and how the run
/// ended (<see cref="RunEnded"/> and its kinds).
/// </summary>
/// <param name="Elapsed">Time since the run started, on the run's <see cref="RunOptions.TimeProvider"/>.</param>
public abstract record RunEvent(TimeSpan Elapsed);
