using System.Text.Json.Nodes;
using System.Threading.Tasks.Dataflow;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;
using BatchFactory.Entries;
using BatchFactory.Entries.Scopes;

namespace BatchFactory.Operators;

/// <summary>
/// Gathers spawned children back into their master: in-port 0 takes masters (from SpawnFromList's out-port 0), in-port 1
/// the children after their work. A master waits until each of its children has arrived or been dropped, then leaves
/// with one list per item key, in item order. A child the body dropped on purpose (a filter) is left out; a child whose
/// model call failed and stays keeps its master waiting (listed in the summary), and one passed on marked failed fills
/// its slot with the failure.
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
                    values = [.. _itemKeys.Select(key => TakeOrFailure(child, key))];
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

    // A child whose model call failed under OnCallFailure.Emit lacks its item: its slot carries the failure instead.
    private static JsonNode? TakeOrFailure(Entry child, string key) =>
        FailureMark.Lacks(child, key)
            ? new JsonObject { [FailureMark.StatusKey] = FailureMark.Failed, [FailureMark.ErrorKey] = child.Data[FailureMark.ErrorKey]?.DeepClone() }
            : child.Take(key);

    // Fills the master's lists and passes it on; the collector's output does not end before this is done. A master some
    // of whose children stay for a later run waits too: it does not go on with a shorter list.
    private async Task PassOnHeldAsync(OpContext context, ITargetBlock<Entry> output, SpawnGroup group, HeldMasters held)
    {
        try
        {
            var master = group.Master;
            master.Spawned = null;
            if (group.StayedChildren > 0)
            {
                context.Run.Telemetry.EntryWaits(
                    context,
                    master.Idx,
                    $"{group.StayedChildren} of its {group.Children} children stay for a later run (a call failed, or the run was stopped), so it waits for them; a rerun does them and completes it.");
                OpContext.Stays(master);
                context.Dropped(master);
                return;
            }

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
