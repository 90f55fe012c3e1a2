using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Ops.Catalog;

/// <summary>The catalogue says what the C# factories of <see cref="BatchFactory.Ops"/> say (names, parameters, defaults), and the README's op table is the catalogue's.</summary>
public sealed class OpCatalogTests
{
    // Parameters that stand for what C# says with a generic type argument or a delegate.
    private static readonly HashSet<(string Op, string Parameter)> YamlOnly = [("AskLLM", "type"), ("AskLLM", "validate"), ("AskLLM", "invalidMessage"), ("ExtractJson", "type")];

    // Delegates a YAML pipeline has no way to give (ExtractJson's validator: AskLLM's validate has no counterpart there yet).
    private static readonly HashSet<(string Op, string Parameter)> OmittedDelegates = [("ExtractJson", "validator")];

    // C# parameters a YAML pipeline cannot give (a .NET object or code): the op is C#-only, or the parameter is left out.
    private static readonly HashSet<Type> CSharpOnlyTypes = [typeof(TextWriter), typeof(ILedger), typeof(IReadOnlyDictionary<string, Type>)];

    private static ILookup<string, MethodInfo> Factories { get; } = typeof(BatchFactory.Ops)
        .GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
        .ToLookup(m => m.Name);

    [Fact]
    public void All_ListsEveryPublicFactoryOfOps_OnceEach_OrderedByFamilyThenName()
    {
        Assert.Equal(Factories.Select(f => f.Key).Order(StringComparer.Ordinal), OpCatalog.All.Select(o => o.Name).Order(StringComparer.Ordinal));
        Assert.Equal(OpCatalog.All.OrderBy(o => o.Family, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal), OpCatalog.All);
        Assert.All(OpCatalog.All, o => Assert.Same(o, OpCatalog.Find(o.Name)));
        Assert.Null(OpCatalog.Find("askllm"));
    }

    [Fact]
    public void Parameters_AreTheFactoriesParameters_WithTheSameNamesDefaultsAndRequiredness()
    {
        foreach (var op in OpCatalog.All)
        {
            // Overloads that need a .NET object (a ledger) are C#'s alone; the others are what YAML describes.
            var overloads = Factories[op.Name].Where(m => !Parameters(m).Any(p => !p.Optional && CSharpOnlyTypes.Contains(p.Type))).ToArray();
            var expected = new Dictionary<string, (Type[] Types, bool Required, string? Default)>();
            foreach (var name in Factories[op.Name].SelectMany(Parameters).Select(p => p.Name).Distinct())
            {
                var found = overloads.Select(m => Parameters(m).Where(p => p.Name == name).ToArray()).ToArray();
                var all = Factories[op.Name].SelectMany(Parameters).Where(p => p.Name == name).ToArray();
                expected[name] = (all.Select(p => p.Type).ToArray(), found.Length > 0 && found.All(f => f is [{ Optional: false }]), all.Select(p => p.Default).FirstOrDefault(d => d is not null));
            }

            foreach (var (name, (types, required, @default)) in expected)
            {
                var parameter = op.Parameter(name);
                if (parameter is null)
                {
                    Assert.True(types.All(CSharpOnlyTypes.Contains) || OmittedDelegates.Contains((op.Name, name)), $"{op.Name}: the C# parameter '{name}' ({types[0].Name}) is not in the catalogue.");
                    continue;
                }

                Assert.True(required == parameter.Required, $"{op.Name}.{name}: required in C# is {required}, in the catalogue {parameter.Required}.");
                Assert.True(@default == parameter.Default, $"{op.Name}.{name}: the C# default is '{@default}', the catalogue's '{parameter.Default}'.");
                Assert.True(types.Any(t => YamlTypes(t).Contains(parameter.Type)), $"{op.Name}.{name}: {types[0].Name} is not the YAML type '{parameter.Type}'.");
                if (types.Select(t => Nullable.GetUnderlyingType(t) ?? t).FirstOrDefault(t => t.IsEnum) is { } enumType)
                {
                    Assert.Equal(Enum.GetNames(enumType), parameter.Values);
                }
            }

            foreach (var extra in op.Parameters.Where(p => !expected.ContainsKey(p.Name)))
            {
                Assert.True(YamlOnly.Contains((op.Name, extra.Name)), $"{op.Name}: the catalogue's '{extra.Name}' is no parameter of the C# factory.");
            }
        }
    }

    [Fact]
    [Trait("Generated", "true")]
    public void MarkdownTable_IsTheReadmesOpTable() =>
        GeneratedText.Section("README.md", "<!-- op table: made by OpCatalog.MarkdownTable(); OpCatalogTests keeps it equal -->", OpCatalog.MarkdownTable());

    [Fact]
    public void MarkdownTable_HasARowPerOp_MarkingTheCSharpOnlyOnes()
    {
        var rows = OpCatalog.MarkdownTable().Split('\n', StringSplitOptions.RemoveEmptyEntries)[2..];

        Assert.Equal(OpCatalog.All.Count, rows.Length);
        Assert.Contains(rows, r => r.Contains("`Apply` *(C# only)*", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("| Ordering | `TakeFirstN` | `count` |", StringComparison.Ordinal));
    }

    // A factory's parameters, with an options record's settings in their place (camelCase, defaults from a new record).
    private static IEnumerable<(string Name, Type Type, bool Optional, string? Default)> Parameters(MethodInfo method)
    {
        foreach (var parameter in method.GetParameters())
        {
            var type = parameter.ParameterType;
            if (type.Name.EndsWith("Options", StringComparison.Ordinal) || type.Name.StartsWith("AskOptions", StringComparison.Ordinal))
            {
                var closed = type.IsGenericType ? type.GetGenericTypeDefinition().MakeGenericType(typeof(JsonNode)) : type;
                var defaults = Activator.CreateInstance(closed)!;
                foreach (var property in closed.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.Name != "Validator"))
                {
                    yield return (char.ToLowerInvariant(property.Name[0]) + property.Name[1..], property.PropertyType, true, Text(property.GetValue(defaults)));
                }

                continue;
            }

            // params arrays may be left out: optional, with no default.
            var isParams = parameter.GetCustomAttribute<ParamArrayAttribute>() is not null;
            yield return (parameter.Name!, type, parameter.HasDefaultValue || isParams, parameter.HasDefaultValue ? Text(parameter.DefaultValue) : null);
        }
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static bool IsDelegate(Type type) => typeof(Delegate).IsAssignableFrom(type);

    private static string[] YamlTypes(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) || type == typeof(char) || type.IsEnum => ["string", "path", "model"],
            _ when type == typeof(int) || type == typeof(long) => ["int"],
            _ when type == typeof(double) => ["number"],
            _ when type == typeof(bool) => ["bool"],
            _ when type == typeof(Graph) => ["graph"],
            _ when type == typeof(string[]) || type == typeof(IEnumerable<string>) => ["string[]"],
            _ when type == typeof(object) => ["any"],
            _ when type == typeof(LlmOptions) || type.Name.StartsWith("IReadOnlyDictionary", StringComparison.Ordinal) => ["map"],
            _ when type.Name.StartsWith("IEnumerable", StringComparison.Ordinal) => ["list"],
            _ when IsDelegate(type) && type.GetMethod("Invoke")!.ReturnType == typeof(bool) => ["condition"],
            _ when IsDelegate(type) => ["expression", "code"],
            _ => [],
        };
    }
}
