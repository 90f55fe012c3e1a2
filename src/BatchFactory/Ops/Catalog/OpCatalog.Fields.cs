using BatchFactory.Operators;
using static BatchFactory.Operators.Param;

namespace BatchFactory;

public static partial class OpCatalog
{
    private static void AddFields(List<OpDescription> all)
    {
        const string Fields = "Fields";
        all.Add(Yaml("MapField", Fields, "Computes fields from an expression over the entry (one output, or a list spread over several).",
            [Required("func", "expression", "the value, e.g. \"upper(keyword)\" or \"[qa.Question, rating.Score]\" for several outputs; stands for C#'s function"),
             Optional("inputKey", "string", null, "the field it reads (one of inputKey/inputKeys); must be present"),
             Optional("inputKeys", "string[]", null, "the fields it reads; each must be present"),
             Optional("outputKey", "string", null, "where the value goes; default inputKey"),
             Optional("outputKeys", "string[]", null, "where the values of a list go, in order")],
            MapField));
        all.Add(Yaml("SetField", Fields, "Sets fields to fixed values.",
            [Optional("key", "string", null, "the field (with value)"), Optional("value", "any", null, "its value"), Optional("values", "map", null, "several fields and their values, instead of key/value")],
            a => a.Has("values") ? Ops.SetField(a.Map("values")!.ToDictionary(p => p.Key, p => (object?)p.Value)) : Ops.SetField(a.Text("key"), a.Json("value"))));
        all.Add(Yaml("RenameField", Fields, "Renames fields.",
            [Optional("from", "string", null, "the field's name (with to)"), Optional("to", "string", null, "its new name"), Optional("renames", "map", null, "several old: new names, instead of from/to")],
            a => a.Has("renames")
                ? Ops.RenameField(a.Map("renames")!.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? throw new ArgumentException($"RenameField: the new name of '{p.Key}' is empty.", "renames")))
                : Ops.RenameField(a.Text("from"), a.Text("to"))));
        all.Add(Yaml("RemoveField", Fields, "Removes fields (missing ones are fine).", [Optional("keys", "string[]", null, "the fields")],
            a => Ops.RemoveField(a.Strings("keys") ?? [])));
        all.Add(CSharpOnly("Apply", Fields, "Changes each entry in place with C# code (an `Action<Entry>`).", [Required("action", "code", "the action (C# only)")]));
    }

    private static void AddFilters(List<OpDescription> all)
    {
        const string Filters = "Filters";
        all.Add(Yaml("Filter", Filters, "Keeps the entries for which a condition holds.",
            [Required("predicate", "condition", "e.g. \"rating.Score >= 3\""), Optional("key", "string", null, "the field the condition is about: a missing one fails the run")],
            a => new FilterOp(Keyed(a, a.Condition("predicate")!), a.String("key") ?? a.ConditionText("predicate"))));
        all.Add(Yaml("FilterMissingFields", Filters, "Drops entries that lack any of the fields.", [Optional("keys", "string[]", null, "the fields every kept entry has")],
            a => Ops.FilterMissingFields(a.Strings("keys") ?? [])));
        all.Add(Yaml("IncludeIdx", Filters, "Keeps only the entries whose idx is listed.", [Required("idxs", "string[]", "the idx values to keep")],
            a => Ops.IncludeIdx(a.Strings("idxs")!)));
        all.Add(Yaml("ExcludeIdx", Filters, "Drops the entries whose idx is listed.", [Required("idxs", "string[]", "the idx values to drop")],
            a => Ops.ExcludeIdx(a.Strings("idxs")!)));
        all.Add(Yaml("SampleProportion", Filters, "Keeps about a proportion of the entries, the same ones every run.",
            [Required("proportion", "number", "0 to 1"), Optional("seed", "int", 0L, "which sample")],
            a => Ops.SampleProportion(a.Number("proportion"), a.Long("seed"))));
    }

    // The condition, failing the run on an entry without the field of the 'key' argument (as C#'s Filter<T>(…, key) does).
    private static Func<Entry, bool> Keyed(OpArgs a, Func<Entry, bool> test) =>
        a.String("key") is not { } key ? test : e => e.Data.ContainsKey(key) ? test(e) : throw e.MissingField(key);

    private static Graph MapField(OpArgs a)
    {
        var func = a.Expression("func")!;
        var inputs = a.Strings("inputKeys") ?? (a.String("inputKey") is { } one ? [one] : throw new ArgumentException("MapField: give inputKey or inputKeys.", "inputKey"));
        var outputs = a.Strings("outputKeys") ?? [a.String("outputKey") ?? (inputs.Length == 1 ? inputs[0] : throw new ArgumentException("MapField: with several inputKeys, give outputKey or outputKeys.", "outputKey"))];
        return MapFieldOp.FromJson(inputs, outputs, func);
    }
}
