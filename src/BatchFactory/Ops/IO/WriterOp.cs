using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>
/// An op that writes the whole stream to a file (or files) and passes every entry on, as batchfactory's Write* ops do.
/// It keeps the entries that reach it; when its input ends successfully it writes them in stream order (through
/// <see cref="AtomicFiles"/>, so a failed or cancelled run never leaves a half-written file and never replaces a good
/// one), then emits them in that same order. With nothing wired after it, it just writes.
/// </summary>
internal abstract class WriterOp : BlockOp
{
    protected WriterOp(string kind, string path)
        : base(kind, 1, 1)
    {
        Path = path;
    }

    internal sealed override bool WaitsForAllInput => true;

    /// <summary>The file or folder written, as given.</summary>
    protected string Path { get; }

    /// <summary>Writes <paramref name="entries"/> (in stream order) into <paramref name="files"/>; the op commits them. Field errors should be <see cref="EntryFieldException"/>s.</summary>
    protected abstract Task WriteAsync(IReadOnlyList<Entry> entries, AtomicFiles files, CancellationToken cancellationToken);

    internal sealed override OpBlocks Materialize(OpContext context)
    {
        var kept = new List<Entry>();
        var input = new ActionBlock<Entry>(
            entry =>
            {
                context.Counters.AddIn();
                kept.Add(entry);
            },
            context.Serial);
        var output = new BufferBlock<Entry>(context.Buffer);
        return new OpBlocks([input], [output]) { Finishing = WriteWhenCompleteAsync(context, input.Completion, kept, output) };
    }

    private async Task WriteWhenCompleteAsync(OpContext context, Task inputDone, List<Entry> kept, BufferBlock<Entry> output)
    {
        await inputDone.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!inputDone.IsCompletedSuccessfully)
        {
            OutputPump.CompleteLike(inputDone, output);
            return;
        }

        // A stable sort: entries that share a key (copies) keep their arrival order.
        Entry[] ordered = [.. kept.OrderBy(e => e.Order)];
        kept.Clear();
        try
        {
            // A run that only estimates writes nothing.
            if (!context.Run.Estimating)
            {
                using var files = new AtomicFiles();
                await WriteAsync(ordered, files, context.Token).ConfigureAwait(false);
                files.Commit(context.Token);
            }
        }
        catch (OperationCanceledException) when (context.Token.IsCancellationRequested)
        {
            output.Complete();
            return;
        }
        catch (Exception ex)
        {
            var entry = ex is EntryFieldException field ? ordered.FirstOrDefault(e => e.Idx == field.Idx) : null;
            ((IDataflowBlock)output).Fault(context.Fail(entry, ex));
            return;
        }

        await OutputPump.PumpAsync(context, ordered, output, assignOrder: false).ConfigureAwait(false);
    }
}
