using System.Threading.Tasks.Dataflow;
using BatchFactory.Entries;

namespace BatchFactory.Engine.Kinds;

/// <summary>Sends a sequence of entries into an op's output buffer with backpressure, then completes it.</summary>
internal static class OutputPump
{
    /// <summary>
    /// Sends every entry of <paramref name="entries"/> (enumerated here, so errors it throws are caught) to
    /// <paramref name="output"/> and completes it. With <paramref name="assignOrder"/>, the i-th entry's stream
    /// position becomes (op node, i). A failure faults the output and stops the run; cancellation, or a graceful stop
    /// (<see cref="RunContext.Stopping"/>), just completes it.
    /// </summary>
    public static Task PumpAsync(OpContext context, IEnumerable<Entry> entries, ITargetBlock<Entry> output, bool assignOrder) =>
        GuardAsync(context, output, async () =>
        {
            var position = 0;
            var run = context.Run;
            foreach (var entry in entries)
            {
                if (run.Stopping)
                {
                    break;
                }

                if (assignOrder)
                {
                    entry.Order = OrderKey.Root(context.Node, position++);
                }

                if (!await output.SendAsync(entry, context.Token).ConfigureAwait(false))
                {
                    break;
                }

                context.Counters.AddOut();
            }
        });

    /// <summary>
    /// Like <see cref="PumpAsync(OpContext, IEnumerable{Entry}, ITargetBlock{Entry}, bool)"/> for a source that reads
    /// asynchronously: the i-th entry's stream position becomes (op node, i).
    /// </summary>
    public static Task PumpAsync(OpContext context, IAsyncEnumerable<Entry> entries, ITargetBlock<Entry> output) =>
        GuardAsync(context, output, async () =>
        {
            var position = 0;
            var run = context.Run;
            await foreach (var entry in entries.WithCancellation(context.Token).ConfigureAwait(false))
            {
                if (run.Stopping)
                {
                    break;
                }

                entry.Order = OrderKey.Root(context.Node, position++);
                if (!await output.SendAsync(entry, context.Token).ConfigureAwait(false))
                {
                    break;
                }

                context.Counters.AddOut();
            }
        });

    // Completes the output once sending ends; a failure faults it and stops the run, cancellation just completes it.
    private static async Task GuardAsync(OpContext context, ITargetBlock<Entry> output, Func<Task> send)
    {
        try
        {
            await send().ConfigureAwait(false);
            output.Complete();
        }
        catch (OperationCanceledException) when (context.Token.IsCancellationRequested)
        {
            output.Complete();
        }
        catch (Exception ex)
        {
            output.Fault(context.Fail(null, ex));
        }
    }

    /// <summary>Passes a failed or cancelled input on to an output, so that the ops downstream stop too.</summary>
    public static void CompleteLike(Task inputDone, IDataflowBlock output)
    {
        if (inputDone.Exception is { } error)
        {
            output.Fault(error.GetBaseException());
        }
        else
        {
            output.Complete();
        }
    }

    /// <summary>When <paramref name="inputsDone"/> ends, completes each output the same way (see <see cref="CompleteLike"/>).</summary>
    public static void CompleteWhenDone(Task inputsDone, params IDataflowBlock[] outputs) =>
        _ = inputsDone.ContinueWith(
            done => Array.ForEach(outputs, o => CompleteLike(done, o)),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    /// <summary>Sends <paramref name="entry"/> on with backpressure and counts it as out if the target took it.</summary>
    public static async Task SendCountedAsync(OpContext context, ITargetBlock<Entry> target, Entry entry)
    {
        if (await target.SendAsync(entry, context.Token).ConfigureAwait(false))
        {
            context.Counters.AddOut();
        }
    }
}
