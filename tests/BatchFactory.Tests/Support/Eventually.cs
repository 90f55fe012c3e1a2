using System.Diagnostics;

namespace BatchFactory.Tests.Support;

/// <summary>
/// Waits for work that continues on the thread pool (after a fake timer fired) to reach a state. Real time only bounds
/// the wait so that a broken test fails instead of hanging; nothing is asserted on it.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan s_giveUpAfter = TimeSpan.FromSeconds(20);

    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > s_giveUpAfter)
            {
                Assert.Fail($"Gave up waiting until {what}.");
            }

            await Task.Delay(1, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds, e.g. a database server noticing a closed connection.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > s_giveUpAfter)
            {
                Assert.Fail($"Gave up waiting until {what}.");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Awaits <paramref name="task"/>, failing the test instead of hanging if it never completes.</summary>
    public static async Task<T> Within<T>(Task<T> task) => await task.WaitAsync(s_giveUpAfter, TestContext.Current.CancellationToken);

    /// <summary>Awaits <paramref name="task"/>, failing the test instead of hanging if it never completes.</summary>
    public static async Task Within(Task task) => await task.WaitAsync(s_giveUpAfter, TestContext.Current.CancellationToken);
}
