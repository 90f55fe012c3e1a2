using System.Globalization;
using System.Text.Json.Nodes;

namespace BatchFactory.Pipelines.Expressions;

/// <summary>
/// The small expression language of YAML pipelines, compiled to a function over an entry. Names are the entry's
/// fields, with <c>.member</c> and <c>[index]</c> into their JSON; literals are numbers, '…' or "…" strings, <c>true</c>,
/// <c>false</c>, <c>null</c> and lists <c>[a, b]</c>; operators are <c>or</c>, <c>and</c>, <c>not</c>, <c>==</c>,
/// <c>!=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>, <c>in</c>, <c>+</c> (numbers, or text joined),
/// <c>-</c>, <c>*</c>, <c>/</c>, <c>%</c>; functions are listed in <see cref="Functions"/>. Nothing else: no
/// assignment, no loops, no access to anything but the entry.
/// </summary>
internal sealed class Expression
{
    private readonly List<Token> _tokens;
    private int _at;

    private Expression(string text)
    {
        _tokens = Lexer.Tokens(text);
    }

    /// <summary>The functions, by name: what they take and do.</summary>
    public static IReadOnlyDictionary<string, string> Functions { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["len"] = "len(x): the length of a string or list, or the number of members of an object",
        ["has"] = "has('field'): whether the entry has the field",
        ["lower"] = "lower(s), upper(s), trim(s): the string changed",
        ["upper"] = "upper(s): the string in upper case",
        ["trim"] = "trim(s): the string without spaces around it",
        ["contains"] = "contains(s, part): whether a string holds a part, or a list an item",
        ["startsWith"] = "startsWith(s, part), endsWith(s, part)",
        ["endsWith"] = "endsWith(s, part): whether the string ends with the part",
        ["str"] = "str(x): x as text (JSON for anything but a string)",
        ["num"] = "num(x): a number, or a string read as one",
    };

    /// <summary>Parses <paramref name="text"/> into a function over an entry.</summary>
    /// <exception cref="ExpressionException">The text is not an expression; the offset says where.</exception>
    public static Func<Entry, JsonNode?> Compile(string text)
    {
        var parser = new Expression(text);
        var result = parser.Or();
        var end = parser.Peek;
        return end.Kind == TokenKind.End ? result : throw new ExpressionException($"unexpected '{end.Text}'", end.Offset);
    }

    /// <summary>Parses a condition: an expression whose value must be true or false.</summary>
    public static Func<Entry, bool> CompileCondition(string text)
    {
        var value = Compile(text);
        return e => value(e) is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False
            ? v.GetValueKind() == System.Text.Json.JsonValueKind.True
            : throw new InvalidOperationException($"the condition \"{text}\" gave {Values.Show(value(e))}, not true or false.");
    }

    private Token Peek => _tokens[_at];

    private bool Accept(string text)
    {
        if (Peek.Kind is TokenKind.Symbol or TokenKind.Name && Peek.Text == text)
        {
            _at++;
            return true;
        }

        return false;
    }

    private void Expect(string text)
    {
        if (!Accept(text))
        {
            throw new ExpressionException($"expected '{text}'{(Peek.Kind == TokenKind.End ? " at the end" : $", found '{Peek.Text}'")}", Peek.Offset);
        }
    }

    private Func<Entry, JsonNode?> Or()
    {
        var left = And();
        while (Accept("or"))
        {
            var (l, r) = (left, And());
            left = e => Values.AsBool(l(e), "or") || Values.AsBool(r(e), "or");
        }

        return left;
    }

    private Func<Entry, JsonNode?> And()
    {
        var left = Not();
        while (Accept("and"))
        {
            var (l, r) = (left, Not());
            left = e => Values.AsBool(l(e), "and") && Values.AsBool(r(e), "and");
        }

        return left;
    }

    private Func<Entry, JsonNode?> Not()
    {
        if (Accept("not"))
        {
            var operand = Not();
            return e => !Values.AsBool(operand(e), "not");
        }

        return Comparison();
    }

    private Func<Entry, JsonNode?> Comparison()
    {
        var left = Sum();
        var op = Peek.Text;
        if (Peek.Kind == TokenKind.Symbol && op is "==" or "!=" or "<" or "<=" or ">" or ">=")
        {
            _at++;
            var right = Sum();
            return op switch
            {
                "==" => e => Values.Equal(left(e), right(e)),
                "!=" => e => !Values.Equal(left(e), right(e)),
                "<" => e => Values.Compare(left(e), right(e), op) < 0,
                "<=" => e => Values.Compare(left(e), right(e), op) <= 0,
                ">" => e => Values.Compare(left(e), right(e), op) > 0,
                _ => e => Values.Compare(left(e), right(e), op) >= 0,
            };
        }

        if (Accept("in"))
        {
            var container = Sum();
            return e => Contains(container(e), left(e), "in");
        }

        return left;
    }

    private Func<Entry, JsonNode?> Sum()
    {
        var left = Product();
        while (Peek.Kind == TokenKind.Symbol && Peek.Text is "+" or "-")
        {
            var op = _tokens[_at++].Text;
            var (l, r) = (left, Product());
            left = op == "+"
                ? e => Plus(l(e), r(e))
                : e => Values.Number(Values.AsNumber(l(e), "-") - Values.AsNumber(r(e), "-"));
        }

        return left;
    }

    private Func<Entry, JsonNode?> Product()
    {
        var left = Unary();
        while (Peek.Kind == TokenKind.Symbol && Peek.Text is "*" or "/" or "%")
        {
            var op = _tokens[_at++].Text;
            var (l, r) = (left, Unary());
            left = e =>
            {
                var (a, b) = (Values.AsNumber(l(e), op), Values.AsNumber(r(e), op));
                return b == 0 && op != "*" ? throw new InvalidOperationException($"'{op}' by zero.") : Values.Number(op switch { "*" => a * b, "/" => a / b, _ => a % b });
            };
        }

        return left;
    }

    private Func<Entry, JsonNode?> Unary()
    {
        if (Peek.Kind == TokenKind.Symbol && Peek.Text == "-")
        {
            _at++;
            var operand = Unary();
            return e => Values.Number(-Values.AsNumber(operand(e), "-"));
        }

        return Postfix();
    }

    private Func<Entry, JsonNode?> Postfix()
    {
        var value = Primary();
        while (true)
        {
            if (Accept("."))
            {
                var name = Peek;
                if (name.Kind != TokenKind.Name)
                {
                    throw new ExpressionException("expected a member name after '.'", name.Offset);
                }

                _at++;
                var inner = value;
                value = e => Member(inner(e), name.Text);
            }
            else if (Accept("["))
            {
                var index = Or();
                Expect("]");
                var inner = value;
                value = e => Index(inner(e), index(e));
            }
            else
            {
                return value;
            }
        }
    }

    private Func<Entry, JsonNode?> Primary()
    {
        var token = _tokens[_at++];
        switch (token.Kind)
        {
            case TokenKind.Number:
                var number = Values.Number(double.Parse(token.Text, CultureInfo.InvariantCulture));
                return _ => number?.DeepClone();
            case TokenKind.String:
                return _ => JsonValue.Create(token.Text);
            case TokenKind.Name when token.Text is "true" or "false":
                var flag = token.Text == "true";
                return _ => JsonValue.Create(flag);
            case TokenKind.Name when token.Text == "null":
                return _ => null;
            case TokenKind.Name when token.Text is "and" or "or" or "not" or "in":
                throw new ExpressionException($"'{token.Text}' needs a value before it", token.Offset);
            case TokenKind.Name when Accept("("):
                return Call(token);
            case TokenKind.Name:
                var field = token.Text;
                return e => e.Data.TryGetPropertyValue(field, out var node) ? node : throw e.MissingField(field);
            case TokenKind.Symbol when token.Text == "(":
                var inner = Or();
                Expect(")");
                return inner;
            case TokenKind.Symbol when token.Text == "[":
                var items = new List<Func<Entry, JsonNode?>>();
                if (!Accept("]"))
                {
                    do
                    {
                        items.Add(Or());
                    }
                    while (Accept(","));
                    Expect("]");
                }

                return e => new JsonArray(items.Select(i => i(e)?.DeepClone()).ToArray());
            default:
                throw new ExpressionException(token.Kind == TokenKind.End ? "the expression ends too early" : $"unexpected '{token.Text}'", token.Offset);
        }
    }

    private Func<Entry, JsonNode?> Call(Token name)
    {
        var args = new List<Func<Entry, JsonNode?>>();
        if (!Accept(")"))
        {
            do
            {
                args.Add(Or());
            }
            while (Accept(","));
            Expect(")");
        }

        var arity = name.Text is "contains" or "startsWith" or "endsWith" ? 2 : 1;
        if (!Functions.ContainsKey(name.Text))
        {
            throw new ExpressionException($"there is no function '{name.Text}'; known: {string.Join(", ", Functions.Keys)}", name.Offset);
        }

        if (args.Count != arity)
        {
            throw new ExpressionException($"{name.Text} takes {arity} argument{(arity == 1 ? string.Empty : "s")}, not {args.Count}", name.Offset);
        }

        var a = args[0];
        var b = arity == 2 ? args[1] : a;
        return name.Text switch
        {
            "len" => e => Length(a(e)),
            "has" => e => e.Data.ContainsKey(Values.AsString(a(e), "has")),
            "lower" => e => Values.AsString(a(e), "lower").ToLowerInvariant(),
            "upper" => e => Values.AsString(a(e), "upper").ToUpperInvariant(),
            "trim" => e => Values.AsString(a(e), "trim").Trim(),
            "contains" => e => Contains(a(e), b(e), "contains"),
            "startsWith" => e => Values.AsString(a(e), "startsWith").StartsWith(Values.AsString(b(e), "startsWith"), StringComparison.Ordinal),
            "endsWith" => e => Values.AsString(a(e), "endsWith").EndsWith(Values.AsString(b(e), "endsWith"), StringComparison.Ordinal),
            "str" => e => Values.Text(a(e)),
            _ => e => a(e) is var v && Values.IsString(v) && double.TryParse(v!.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                ? Values.Number(n)
                : Values.Number(Values.AsNumber(v, "num")),
        };
    }

    private static JsonNode? Plus(JsonNode? a, JsonNode? b) =>
        Values.IsNumber(a) && Values.IsNumber(b) ? Values.Number(Values.AsNumber(a, "+") + Values.AsNumber(b, "+"))
        : Values.IsString(a) || Values.IsString(b) ? JsonValue.Create(Values.Text(a) + Values.Text(b))
        : throw new InvalidOperationException($"'+' adds numbers or joins text, not {Values.Show(a)} and {Values.Show(b)}.");

    private static JsonNode? Length(JsonNode? value) => value switch
    {
        JsonArray list => list.Count,
        JsonObject obj => obj.Count,
        _ when Values.IsString(value) => value!.GetValue<string>().Length,
        _ => throw Values.Wrong("len", "a string, list or object", value),
    };

    private static bool Contains(JsonNode? container, JsonNode? item, string op) => container switch
    {
        JsonArray list => list.Any(i => Values.Equal(i, item)),
        JsonObject obj => obj.ContainsKey(Values.AsString(item, op)),
        _ when Values.IsString(container) => container!.GetValue<string>().Contains(Values.AsString(item, op), StringComparison.Ordinal),
        _ => throw Values.Wrong(op, "a string, list or object to look in", container),
    };

    private static JsonNode? Member(JsonNode? value, string name) => value is JsonObject obj
        ? obj.TryGetPropertyValue(name, out var member) ? member : throw new InvalidOperationException($"{Values.Show(value)} has no member '{name}'.")
        : throw Values.Wrong("." + name, "an object", value);

    private static JsonNode? Index(JsonNode? value, JsonNode? index) => value switch
    {
        JsonArray list => Values.AsNumber(index, "[]") is var i && i == Math.Floor(i) && i >= 0 && i < list.Count
            ? list[(int)i]
            : throw new InvalidOperationException($"index {Values.Show(index)} is outside the list of {list.Count}."),
        JsonObject obj => Member(obj, Values.AsString(index, "[]")),
        _ => throw Values.Wrong("[]", "a list or object", value),
    };
}
