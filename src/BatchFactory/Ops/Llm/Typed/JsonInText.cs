using System.Text.RegularExpressions;

namespace BatchFactory.Operators;

/// <summary>Finds the JSON in a model's free text: the first fenced code block, else the first balanced JSON object or list, else the whole text.</summary>
internal static partial class JsonInText
{
    public static string Find(string text)
    {
        if (Fence().Match(text) is { Success: true } fence)
        {
            return fence.Groups["body"].Value.Trim();
        }

        return Balanced(text) ?? text.Trim();
    }

    // The first {…} or […] whose brackets balance, minding strings and escapes; null when there is none.
    private static string? Balanced(string text)
    {
        var start = text.IndexOfAny(['{', '[']);
        while (start >= 0)
        {
            var depth = 0;
            var inString = false;
            for (var i = start; i < text.Length; i++)
            {
                var c = text[i];
                if (inString)
                {
                    if (c == '\\')
                    {
                        i++;
                    }
                    else if (c == '"')
                    {
                        inString = false;
                    }
                }
                else if (c == '"')
                {
                    inString = true;
                }
                else if (c is '{' or '[')
                {
                    depth++;
                }
                else if (c is '}' or ']' && --depth == 0)
                {
                    return text[start..(i + 1)];
                }
            }

            start = text.IndexOfAny(['{', '['], start + 1);
        }

        return null;
    }

    [GeneratedRegex(@"```[A-Za-z0-9_-]*[ \t]*\r?\n(?<body>.*?)```", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Fence();
}
