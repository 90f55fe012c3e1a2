using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks.Dataflow;

namespace BatchFactory.Benchmarks.Throughput;

/// <summary>
/// The same per-entry work as <see cref="OursPipeline"/>, hand-written on TPL Dataflow as a competent user would:
/// a feeder converts each record with <see cref="JsonSerializer.SerializeToNode{TValue}(TValue, JsonSerializerOptions?)"/>
/// (what FromList does) and SendAsyncs it into a chain of blocks, every block with BoundedCapacity 1024 and
/// completion propagated along the links.
/// </summary>
internal static class RawPipeline
{
    private const int Capacity = 1024;

    public static async Task<Outcome> RunAsync(IReadOnlyList<Row> rows, bool collect, RawFilter filter)
    {
        var options = new ExecutionDataflowBlockOptions { BoundedCapacity = Capacity };
        var link = new DataflowLinkOptions { PropagateCompletion = true };

        var doubled = new TransformBlock<JsonObject, JsonObject>(
            o =>
            {
                o[Data.Double] = o[Data.N]!.GetValue<int>() * 2;
                return o;
            },
            options);

        var tag = new TransformBlock<JsonObject, JsonObject>(
            o =>
            {
                o[Data.Tag] = "x";
                return o;
            },
            options);

        var reached = 0;
        var len = new TransformBlock<JsonObject, JsonObject>(
            o =>
            {
                o[Data.Len] = o[Data.Name]!.GetValue<string>().Length;
                reached++; // MaxDegreeOfParallelism is 1: one entry at a time.
                return o;
            },
            options);

        LinkFilter(doubled, tag, filter, options, link);
        tag.LinkTo(len, link);

        List<int>? lens = null;
        Task done;
        if (collect)
        {
            lens = [];
            var sink = new ActionBlock<JsonObject>(o => lens.Add(o[Data.Len]!.GetValue<int>()), options);
            len.LinkTo(sink, link);
            done = sink.Completion;
        }
        else
        {
            len.LinkTo(DataflowBlock.NullTarget<JsonObject>());
            done = len.Completion;
        }

        foreach (var row in rows)
        {
            var data = JsonSerializer.SerializeToNode(row)!.AsObject();
            if (!await doubled.SendAsync(data))
            {
                break;
            }
        }

        doubled.Complete();
        await done;
        return lens is null ? new Outcome(reached, null) : new Outcome(lens.Count, () => lens.Sum(v => (long)v));
    }

    private static void LinkFilter(
        ISourceBlock<JsonObject> from, ITargetBlock<JsonObject> to, RawFilter filter, ExecutionDataflowBlockOptions options, DataflowLinkOptions link)
    {
        IPropagatorBlock<JsonObject, JsonObject> block;
        if (filter == RawFilter.TransformMany)
        {
            block = new TransformManyBlock<JsonObject, JsonObject>(
                (Func<JsonObject, IEnumerable<JsonObject>>)(o => Data.Keep(o[Data.Double]!.GetValue<int>()) ? new[] { o } : Array.Empty<JsonObject>()),
                options);
            block.LinkTo(to, link);
        }
        else
        {
            block = new TransformBlock<JsonObject, JsonObject>(o => Data.Keep(o[Data.Double]!.GetValue<int>()) ? o : null!, options);
            block.LinkTo(to, link, o => o is not null);

            // The NullTarget needs the opposite predicate: without it, a kept entry that the bounded block downstream
            // postpones (because it is full) is offered to the next link and silently swallowed.
            block.LinkTo(DataflowBlock.NullTarget<JsonObject>(), o => o is null);
        }

        from.LinkTo(block, link);
    }
}
