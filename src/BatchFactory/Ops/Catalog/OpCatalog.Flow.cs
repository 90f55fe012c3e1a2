using BatchFactory.Operators;
using static BatchFactory.Operators.Param;

namespace BatchFactory;

public static partial class OpCatalog
{
    private const long MaxIterations = 1000;

    private static void AddControlFlow(List<OpDescription> all)
    {
        const string Flow = "ControlFlow";
        var predicate = Required("predicate", "condition", "e.g. \"len(pairs) < 3\"");
        var key = Optional("key", "string", null, "the field the condition is about: a missing one fails the run");
        var maxIterations = Optional("maxIterations", "int", MaxIterations, "the most rounds, a guard against endless loops");
        var body = Required("body", "graph", "the ops of the body");
        all.Add(Yaml("If", Flow, "Sends entries through `then` when a condition holds, else through `otherwise`; both join after.",
            [predicate, Required("then", "graph", "the ops for entries that satisfy it"), Optional("otherwise", "graph", null, "the ops for the others; default straight on"), key],
            a => Ops.If(Keyed(a, a.Condition("predicate")!), a.Body("then")!, a.Body("otherwise")), "then: the branch taken when the condition holds; otherwise: the other branch"));
        all.Add(Yaml("Repeat", Flow, "Runs each entry through the body a number of times (fixed, or read from a field).",
            [body, Optional("rounds", "int", null, "how many times (or maxRoundsKey)"), Optional("maxRoundsKey", "string", null, "the field holding each entry's number of rounds"), Optional("roundsKey", "string", "rounds", "the field counting rounds"), maxIterations],
            a => a.Has("rounds") == a.Has("maxRoundsKey")
                ? throw new ArgumentException("Repeat: give exactly one of rounds and maxRoundsKey.", "rounds")
                : a.Has("rounds") ? Ops.Repeat(a.Body("body")!, a.Int("rounds"), a.Text("roundsKey")) : Ops.Repeat(a.Body("body")!, a.Text("maxRoundsKey"), a.Text("roundsKey"), a.Int("maxIterations")),
            "body: the ops run each round"));
        all.Add(Yaml("While", Flow, "Runs each entry through the body while a condition holds.",
            [body, predicate, key, maxIterations],
            a => Ops.While(a.Body("body")!, Keyed(a, a.Condition("predicate")!), a.Int("maxIterations")), "body: the ops run each round"));
        all.Add(Yaml("ListParallel", Flow, "Runs the body once per item of a list field, in parallel, and collects the results back into the entry.",
            [body, Optional("listKey", "string", null, "the list field (or listKeys)"), Optional("itemKey", "string", null, "the field each item is in, inside the body"),
             Optional("outputItemKey", "string", null, "the field collected from the body; default itemKey"), Optional("outputListKey", "string", null, "where the collected list goes; default listKey"),
             Optional("listKeys", "string[]", null, "several list fields, zipped"), Optional("itemKeys", "string[]", null, "their item fields"),
             Optional("outputItemKeys", "string[]", null, "the fields collected"), Optional("outputListKeys", "string[]", null, "where the lists go")],
            a => a.Has("listKeys")
                ? Ops.ListParallel(a.Body("body")!, a.Strings("listKeys")!, a.Strings("itemKeys") ?? throw new ArgumentException("ListParallel: listKeys needs itemKeys.", "itemKeys"), a.Strings("outputItemKeys"), a.Strings("outputListKeys"))
                : Ops.ListParallel(a.Body("body")!, a.Text("listKey"), a.Text("itemKey"), a.String("outputItemKey"), a.String("outputListKey")),
            "body: the ops run on each item"));
        all.Add(Yaml("SpawnFromList", Flow, "Spawns one entry per item of a list field (collect them with CollectAllToList).",
            [Optional("listKey", "string", null, "the list field (or listKeys)"), Optional("itemKey", "string", null, "the field each item goes to"), Optional("listKeys", "string[]", null, "several list fields, zipped"), Optional("itemKeys", "string[]", null, "their item fields")],
            a => Ops.SpawnFromList(Many(a, "listKey", "listKeys"), Many(a, "itemKey", "itemKeys"))));
        all.Add(Yaml("CollectAllToList", Flow, "Collects the spawned entries' item fields back into lists on their parent.",
            [Optional("itemKey", "string", null, "the item field (or itemKeys)"), Optional("listKey", "string", null, "the list it goes to"), Optional("itemKeys", "string[]", null, "several item fields"), Optional("listKeys", "string[]", null, "their lists")],
            a => Ops.CollectAllToList(Many(a, "itemKey", "itemKeys"), Many(a, "listKey", "listKeys"))));
        all.Add(CSharpOnly("CollectField", Flow, "Merges fields from in-port 1 onto the same-idx entry from in-port 0 (two in-ports: wire it in C#).", [Optional("keys", "string[]", null, "the fields")]));
    }

    private static void AddCheckPoints(List<OpDescription> all) =>
        all.Add(Yaml("CheckPoint", "CheckPoints", "Stores the entries that pass (after the body, if any) and serves them on later runs, skipping the body.",
            [Required("name", "string", "the checkpoint's name; also names its ledger"), Optional("body", "graph", null, "the work to skip for stored entries; default none (a marker)"),
             Optional("latestRevOnly", "bool", false, "keep only the latest rev of each idx")],
            a => a.Body("body") is { } body ? Ops.CheckPoint(body, a.Text("name"), a.Bool("latestRevOnly")) : Ops.CheckPoint(a.Text("name"), a.Bool("latestRevOnly")),
            "body: the work skipped for entries already stored"));

    private static void AddRouting(List<OpDescription> all)
    {
        const string Routing = "Routing";
        all.Add(CSharpOnly("Replicate", Routing, "Copies each entry to n out-ports (several out-ports: wire it in C#).", [Optional("copies", "int", 2L, "how many out-ports")]));
        all.Add(Yaml("ExplodeList", Routing, "Makes one entry per item of a list field.",
            [Optional("listKey", "string", null, "the list field (or listKeys)"), Optional("itemKey", "string", null, "where each item goes; default listKey"),
             Optional("indexKey", "string", null, "also store the item's position here"), Optional("listKeys", "string[]", null, "several list fields, zipped"), Optional("itemKeys", "string[]", null, "their item fields")],
            a => a.Has("listKeys") ? Ops.ExplodeList(a.Strings("listKeys")!, a.Strings("itemKeys"), a.String("indexKey")) : Ops.ExplodeList(a.Text("listKey"), a.String("itemKey"), a.String("indexKey"))));
    }

    // One key (name) or several (names), as the C# overloads take them.
    private static string[] Many(OpArgs a, string one, string many) =>
        a.Strings(many) ?? (a.String(one) is { } single ? [single] : throw new ArgumentException($"{a.Op.Name}: give {one} or {many}.", one));
}
