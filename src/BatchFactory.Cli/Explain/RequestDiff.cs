using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace BatchFactory.Cli;

/// <summary>
/// The exact differences between two model requests, as lines for people: the model, each setting by name, the response
/// format, the sample, and for the system prompt and each message (or an embedding's input) where its text first differs,
/// with a little of the text around it from both.
/// </summary>
internal static class RequestDiff
{
    private const int ContextBefore = 30;
    private const int ContextAfter = 40;

    /// <summary>What differs from <paramref name="stored"/> to <paramref name="missed"/>; empty when they are the same.</summary>
    /// <param name="stored">The stored request (the nearest one).</param>
    /// <param name="missed">The request that missed.</param>
    public static IReadOnlyList<string> Compare(JsonObject stored, JsonObject missed)
    {
        var lines = new List<string>();
        Value(lines, "model", stored["model"], missed["model"]);
        Settings(lines, stored["options"] as JsonObject, missed["options"] as JsonObject);
        Text(lines, "response format (JSON schema)", stored["response_format"]?.ToJsonString(), missed["response_format"]?.ToJsonString());
        Value(lines, "sample", stored["sample"], missed["sample"]);
        Text(lines, "input", stored["input"]?.ToString(), missed["input"]?.ToString());
        Messages(lines, stored["messages"] as JsonArray ?? [], missed["messages"] as JsonArray ?? []);
        foreach (var other in Names(stored, missed).Except(["model", "options", "response_format", "sample", "input", "messages"]))
        {
            Value(lines, $"field '{other}'", stored[other], missed[other]);
        }

        return lines;
    }

    /// <summary>
    /// Roughly how many characters of the messages (or the input) differ between the two requests: per message, the
    /// longer text less what the two share at the start and at the end; a missing message counts whole.
    /// </summary>
    public static long ChangedCharacters(JsonObject stored, JsonObject missed)
    {
        static string[] Texts(JsonObject request) =>
            request["messages"] is JsonArray messages ? [.. messages.Select(m => m?["content"]?.ToString() ?? "")] : [request["input"]?.ToString() ?? ""];

        var (a, b) = (Texts(stored), Texts(missed));
        long changed = 0;
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var (x, y) = (i < a.Length ? a[i] : "", i < b.Length ? b[i] : "");
            var prefix = x.AsSpan().CommonPrefixLength(y);
            var suffix = 0;
            while (suffix < x.Length - prefix && suffix < y.Length - prefix && x[^(suffix + 1)] == y[^(suffix + 1)])
            {
                suffix++;
            }

            changed += Math.Max(x.Length, y.Length) - prefix - suffix;
        }

        return changed;
    }

    /// <summary>
    /// Where <paramref name="stored"/> and <paramref name="missed"/> first differ: a line naming the character (1-based)
    /// with its line and column, then each text around it; <see langword="null"/> when they are equal.
    /// </summary>
    public static string? FirstDifference(string stored, string missed)
    {
        var at = stored.AsSpan().CommonPrefixLength(missed);
        if (at == stored.Length && at == missed.Length)
        {
            return null;
        }

        var line = 1 + stored.AsSpan(0, at).Count('\n');
        var column = at - (at == 0 ? 0 : stored.LastIndexOf('\n', at - 1) + 1) + 1;
        return string.Create(CultureInfo.InvariantCulture, $"first differs at character {at + 1} (line {line}, column {column}){(at == stored.Length ? ": the stored text ends there" : at == missed.Length ? ": this entry's text ends there" : "")}\n") +
            $"    stored: {Around(stored, at)}\n" +
            $"    entry:  {Around(missed, at)}";
    }

    private static void Messages(List<string> lines, JsonArray stored, JsonArray missed)
    {
        if (stored.Count != missed.Count)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"messages: {stored.Count} stored, {missed.Count} in this entry's request"));
        }

        for (var i = 0; i < Math.Max(stored.Count, missed.Count); i++)
        {
            var (before, now) = (i < stored.Count ? stored[i] : null, i < missed.Count ? missed[i] : null);
            var role = (now ?? before)?["role"]?.ToString() ?? "?";
            var label = role == "system" && i == 0 ? "system prompt" : string.Create(CultureInfo.InvariantCulture, $"message {i + 1} ({role})");
            if (before is null || now is null)
            {
                lines.Add($"{label}: {(before is null ? "only in this entry's request" : "only in the stored request")}");
                continue;
            }

            Value(lines, $"{label} role", before["role"], now["role"]);
            Text(lines, label, before["content"]?.ToString(), now["content"]?.ToString());
        }
    }

    private static void Settings(List<string> lines, JsonObject? stored, JsonObject? missed)
    {
        foreach (var name in Names(stored, missed))
        {
            Value(lines, $"setting '{name}'", stored?[name], missed?[name]);
        }
    }

    private static void Value(List<string> lines, string what, JsonNode? stored, JsonNode? missed)
    {
        var (a, b) = (stored?.ToJsonString(), missed?.ToJsonString());
        if (a != b)
        {
            lines.Add($"{what}: {a ?? "(not set)"} stored, {b ?? "(not set)"} in this entry's request");
        }
    }

    private static void Text(List<string> lines, string what, string? stored, string? missed)
    {
        if (stored is null && missed is null)
        {
            return;
        }

        if (stored is null || missed is null)
        {
            lines.Add($"{what}: {(stored is null ? "only in this entry's request" : "only in the stored request")}");
        }
        else if (FirstDifference(stored, missed) is { } difference)
        {
            lines.Add($"{what}: {difference}");
        }
    }

    private static IEnumerable<string> Names(JsonObject? a, JsonObject? b) =>
        (a?.Select(p => p.Key) ?? []).Union(b?.Select(p => p.Key) ?? []).Order(StringComparer.Ordinal);

    // The text around position at, on one line: "…before|after…" with line breaks shown as ⏎.
    private static string Around(string text, int at)
    {
        var start = Math.Max(0, at - ContextBefore);
        var end = Math.Min(text.Length, at + ContextAfter);
        var shown = new StringBuilder();
        shown.Append(start > 0 ? "…" : "\"").Append(text, start, at - start).Append('|').Append(text, at, end - at).Append(end < text.Length ? "…" : "\"");
        return shown.Replace("\r", "").Replace("\n", "⏎").ToString();
    }
}
