namespace BatchFactory.Operators;

/// <summary>Sends started outside an op's blocks (from a callback); the op's output must not end before they have.</summary>
internal sealed class LateSends
{
    private readonly List<Task> _tasks = [];

    public void Track(Task send)
    {
        lock (_tasks)
        {
            _tasks.Add(send);
        }
    }

    /// <summary>Ends when <paramref name="inputsDone"/> has, and then every tracked send; faults like <paramref name="inputsDone"/>.</summary>
    public async Task AfterAsync(Task inputsDone)
    {
        await inputsDone.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task[] sends;
        lock (_tasks)
        {
            sends = [.. _tasks];
        }

        await Task.WhenAll(sends).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await inputsDone.ConfigureAwait(false);
    }
}
