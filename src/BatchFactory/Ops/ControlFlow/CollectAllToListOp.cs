using System.Text.Json.Nodes;
using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;
using BatchFactory.Entries.Scopes;

namespace BatchFactory.Operators;

/// <summary>
/// Gathers spawned children back into their master: in-port 0 takes masters (from SpawnFromList's out-port 0), in-port 1
/// the children after their work. A master waits until each of its children has arrived or been dropped, then leaves
/// with one list per item key, in item order (a dropped child is left out).
/// </summary>
internal sealed class CollectAllToListOp : BlockOp
{
    private readonly string[] _itemKeys;
    private readonly string[] _listKeys;

    public CollectAllToListOp(string[] itemKeys, string[] listKeys)
        : base("CollectAllToList", 2, 1)
    {
        KeyChecks.Pairs(Kind, itemKeys, listKeys, nameof(itemKeys), nameof(listKeys));
        _itemKeys = itemKeys;
        _listKeys = listKeys;
    }

    private protected override string Describe() => $"{string.Join(", ", _itemKeys)} -> {string.Join(", ", _listKeys)}";

    internal override OpBlocks Materialize(OpContext context)
    {
        var output = new BufferBlock<Entry>(context.Buffer);
        var held = new HeldMasters();

        // When the last child is dropped rather than delivered, no block is handling the master: send it from here.
        void OnReady(SpawnGroup group) => _ = PassOnHeldAsync(context, output, group, held);

        var masters = new ActionBlock<Entry>(
            async master =>
            {
                context.Counters.AddIn();
                var group = master.Spawned ?? throw context.Fail(master, new InvalidOperationException(
                    $"Entry '{master.Idx}' reached in-port 0 of {context.Name} but was not spawned from; wire SpawnFromList's out-port 0 here."));
                held.Hold();
                if (group.MasterArrived(OnReady))
                {
                    await PassOnHeldAsync(context, output, group, held).ConfigureAwait(false);
                }
            },
            context.Serial);
        var children = new ActionBlock<Entry>(
            async child =>
            {
                context.Counters.AddIn();
                SpawnGroup group;
                JsonNode?[] values;
                try
                {
                    group = child.Frame is { Scope: SpawnGroup g, Parent: null } ? g : throw new InvalidOperationException(
                        $"Entry '{child.Idx}' reached in-port 1 of {context.Name} but was not spawned by SpawnFromList (or is still inside a loop of the spawn body).");
                    values = [.. _itemKeys.Select(child.Take)];
                }
                catch (Exception ex)
                {
                    throw context.Fail(child, ex);
                }

                if (group.ChildArrived(child.Order, values))
                {
                    await PassOnHeldAsync(context, output, group, held).ConfigureAwait(false);
                }
            },
            context.Serial);
        OutputPump.CompleteWhenDone(held.AfterAsync(Task.WhenAll(masters.Completion, children.Completion)), output);
        return new OpBlocks([masters, children], [output]);
    }

    // Fills the master's lists and passes it on; the collector's output does not end before this is done.
    private async Task PassOnHeldAsync(OpContext context, ITargetBlock<Entry> output, SpawnGroup group, HeldMasters held)
    {
        try
        {
            var master = group.Master;
            master.Spawned = null;
            var results = group.ResultsInOrder();
            for (var k = 0; k < _listKeys.Length; k++)
            {
                master.Data[_listKeys[k]] = new JsonArray([.. results.Select(r => r[k])]);
            }

            await OutputPump.SendCountedAsync(context, output, master).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.Token.IsCancellationRequested)
        {
        }
        finally
        {
            held.Release();
        }
    }
}
