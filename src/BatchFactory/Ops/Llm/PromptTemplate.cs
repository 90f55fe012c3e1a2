using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchFactory.Operators;

/// <summary>
/// A prompt with <c>{field}</c> placeholders, parsed once. A string field is inserted as it is, any other value as JSON.
/// <c>{{</c> and <c>}}</c> stand for literal braces.
/// </summary>
internal sealed class PromptTemplate
{
    private const int MaxKeptCapacity = 1 << 16;

    [ThreadStatic]
    private static StringBuilder? t_builder;

    private readonly List<(string Text, bool IsField)> _parts;

    public PromptTemplate(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        Text = template;
        _parts = Parse(template);
    }

    public string Text { get; }

    /// <summary>The fields the template reads.</summary>
    public IEnumerable<string> Fields => _parts.Where(p => p.IsField).Select(p => p.Text).Distinct();

    /// <summary>Fills in the placeholders from <paramref name="entry"/>; a missing field names the field and the entry idx.</summary>
    public string Render(Entry entry)
    {
        // One builder per thread, reused: a prompt is rendered for every entry.
        var text = t_builder ??= new StringBuilder(256);
        text.Clear();
        foreach (var (part, isField) in _parts)
        {
            if (!isField)
            {
                text.Append(part);
                continue;
            }

            var value = entry.Has(part) ? entry.Data[part] : throw entry.MissingField(part);
            text.Append(value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value?.ToJsonString() ?? "null");
        }

        var prompt = text.ToString();
        if (text.Capacity > MaxKeptCapacity)
        {
            t_builder = null;
        }

        return prompt;
    }

    private static List<(string, bool)> Parse(string template)
    {
        var parts = new List<(string, bool)>();
        var literal = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                literal.Append(c);
                i++;
            }
            else if (c == '{')
            {
                var end = template.IndexOf('}', i + 1);
                var name = end < 0 ? "" : template[(i + 1)..end].Trim();
                if (name.Length == 0 || name.Contains('{', StringComparison.Ordinal))
                {
                    throw new ArgumentException($"The prompt template has a '{{' at character {i} that starts no {{field}} placeholder; write '{{{{' for a literal brace. Template: {template}", nameof(template));
                }

                parts.Add((literal.ToString(), false));
                literal.Clear();
                parts.Add((name, true));
                i = end;
            }
            else if (c == '}')
            {
                throw new ArgumentException($"The prompt template has a '}}' at character {i} that closes no placeholder; write '}}}}' for a literal brace. Template: {template}", nameof(template));
            }
            else
            {
                literal.Append(c);
            }
        }

        parts.Add((literal.ToString(), false));
        return parts.Where(p => p.Item1.Length > 0 || p.Item2).ToList();
    }
}
