using BatchFactory.Operators;
using static BatchFactory.Operators.Param;

namespace BatchFactory;

public static partial class OpCatalog
{
    private static void AddSources(List<OpDescription> all) =>
        all.Add(Yaml("FromList", "Sources", "Emits one entry per item: an object's members become fields, or each item goes under outputKey.",
            [Required("items", "list", "the items"), Optional("outputKey", "string", null, "store each item whole under this field"), Optional("idxKey", "string", null, "take each entry's idx from this field; default from the content")],
            a => Ops.FromList(a.List("items")!.Select(i => i?.DeepClone()).ToArray(), a.String("outputKey"), a.String("idxKey"))));

    private static void AddChat(List<OpDescription> all) =>
        all.Add(Yaml("ChatHistoryToText", "Chat", "Renders a chat history field as text.",
            [Optional("template", "string", "**{role}**: {content}\n\n", "the text of each turn"), Optional("historyKey", "string", "chat_history", "the history field"), Optional("outputKey", "string", "text", "where the text goes")],
            a => Ops.ChatHistoryToText(a.Text("template"), a.Text("historyKey"), a.Text("outputKey"))));

    private static void AddOrdering(List<OpDescription> all)
    {
        const string Ordering = "Ordering";
        all.Add(Yaml("Sort", Ordering, "Sorts all entries by fields (waits for the whole input).",
            [Optional("key", "string", null, "the field (or keys)"), Optional("keys", "string[]", null, "several fields, in order"), Optional("descending", "bool", false, "largest first")],
            a => Ops.Sort(Many(a, "key", "keys"), a.Bool("descending"))));
        all.Add(Yaml("Shuffle", Ordering, "Shuffles all entries, the same way for the same seed.", [Required("seed", "int", "the seed")],
            a => Ops.Shuffle(a.Long("seed"))));
        all.Add(Yaml("TakeFirstN", Ordering, "Keeps the first entries.", [Required("count", "int", "how many")],
            a => Ops.TakeFirstN(a.Int("count"))));
    }

    private static void AddOutputs(List<OpDescription> all)
    {
        const string Outputs = "Outputs";
        var first = Optional("first", "int", 10L, "how many entries to print");
        all.Add(Yaml("ToList", Outputs, "Keeps the values of some fields (one field: the values alone) as the run's output.", [Optional("keys", "string[]", null, "the fields, at least one")],
            a => Ops.ToList(a.Strings("keys") ?? [])));
        all.Add(Yaml("OutputEntries", Outputs, "Keeps the entries whole as the run's output.", [], _ => Ops.OutputEntries()));
        all.Add(Yaml("Count", Outputs, "Counts the entries that reach it.", [], _ => Ops.Count()));
        all.Add(Yaml("PrintEntry", Outputs, "Prints the first entries to the run's output (to the console; another writer only from C#).", [first],
            a => Ops.PrintEntry(a.Int("first"))));
        all.Add(Yaml("PrintField", Outputs, "Prints a field of the first entries (to the console; another writer only from C#).", [Required("key", "string", "the field"), first],
            a => Ops.PrintField(a.Text("key"), a.Int("first"))));
    }
}
