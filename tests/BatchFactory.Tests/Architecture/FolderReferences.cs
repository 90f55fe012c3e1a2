using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BatchFactory.Tests.Architecture;

/// <summary>One use of a symbol declared in another folder: the folders, the using file and the symbol used.</summary>
internal sealed record FolderReference(string From, string To, string File, string Symbol)
{
    public override string ToString() => $"{From} -> {To}: {File} uses {Symbol}";
}

/// <summary>
/// Reads the library's sources as a new maintainer would: for every file, every type and member it uses that is
/// declared in another top-level folder of <c>src/BatchFactory</c> (a type named, a method called, a property read,
/// an extension used; doc comments do not count).
/// </summary>
internal sealed class FolderReferences
{
    private const string Root = "(root)";

    // CS8795: a partial method must have an implementation part; the logging source generator writes it at build time.
    private const string LoggerMessageHalf = "CS8795";

    private static readonly Lazy<FolderReferences> s_library = new(() => Read(
        Directory.EnumerateFiles(SourceTree.Library, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(SourceTree.Library, f).Replace('\\', '/'), File.ReadAllText(f)))));

    private readonly CSharpCompilation _compilation;

    private FolderReferences(CSharpCompilation compilation, IReadOnlyList<FolderReference> references, IReadOnlyDictionary<string, IReadOnlySet<string>> typeFolders, int files)
    {
        _compilation = compilation;
        var contexts = JsonContexts(compilation);
        BindingErrors = [.. compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != LoggerMessageHalf && !IsJsonContextHalf(d, contexts))
            .Select(d => d.ToString())];
        References = references;
        TypeFolders = typeFolders;
        Files = files;
    }

    // The names of the library's JsonSerializerContexts, whose other halves (Default, the constructors, a property per
    // type) the System.Text.Json source generator writes at build time; like [LoggerMessage] halves, not written here.
    private static HashSet<string> JsonContexts(CSharpCompilation compilation) =>
    [
        .. compilation.SyntaxTrees.SelectMany(tree => tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>()
            .Where(c => c.BaseList?.Types.Any(t => t.Type.ToString() == "JsonSerializerContext") == true)
            .Select(c => c.Identifier.ValueText)),
    ];

    private static bool IsJsonContextHalf(Diagnostic diagnostic, HashSet<string> contexts)
    {
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        return message.Contains("'JsonSerializerContext", StringComparison.Ordinal) || contexts.Any(c => message.Contains($"'{c}'", StringComparison.Ordinal));
    }

    /// <summary>The library as it is on disk, read once per test run.</summary>
    public static FolderReferences Library => s_library.Value;

    /// <summary>Every use across folders, one per (file, symbol).</summary>
    public IReadOnlyList<FolderReference> References { get; }

    /// <summary>Each type declared in the sources, by full name, with the folders its declarations are in.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> TypeFolders { get; }

    /// <summary>
    /// The compiler's errors reading the sources, but for the halves of <c>[LoggerMessage]</c> methods and of
    /// <c>JsonSerializerContext</c>s that source generators write (not run here). Any other error means names may not bind, and uses across folders may be missed.
    /// </summary>
    public IReadOnlyList<string> BindingErrors { get; }

    /// <summary>How many files were read.</summary>
    public int Files { get; }

    /// <summary>The folder pairs that reference each other, each with its uses.</summary>
    public ILookup<(string From, string To), FolderReference> Edges => References.ToLookup(r => (r.From, r.To));

    /// <summary>Reads the given files (paths relative to <c>src/BatchFactory</c>, with their text).</summary>
    public static FolderReferences Read(IEnumerable<(string Path, string Text)> files)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parse, f.Path)).ToList();
        trees.Add(CSharpSyntaxTree.ParseText(ImplicitUsings, parse, "(implicit usings)"));
        var compilation = CSharpCompilation.Create(
            "BatchFactory.Architecture",
            trees,
            MetadataReferences.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var references = new HashSet<FolderReference>();
        var typeFolders = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var tree in trees.Where(t => t.FilePath != "(implicit usings)"))
        {
            var from = FolderOf(tree.FilePath);
            var model = compilation.GetSemanticModel(tree);
            foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>())
            {
                if (model.GetDeclaredSymbol(declaration) is { } declared)
                {
                    var name = declared.ToDisplayString();
                    if (!typeFolders.TryGetValue(name, out var folders))
                    {
                        typeFolders[name] = folders = [];
                    }

                    folders.Add(from);
                }
            }

            references.UnionWith(UsesAcross(model));
        }

        return new FolderReferences(
            compilation,
            [.. references.OrderBy(r => r.From, StringComparer.Ordinal).ThenBy(r => r.To, StringComparer.Ordinal).ThenBy(r => r.File, StringComparer.Ordinal)],
            typeFolders.ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value, StringComparer.Ordinal),
            trees.Count - 1);
    }

    /// <summary>
    /// The uses across folders of one more file, <paramref name="path"/> (relative to <c>src/BatchFactory</c>), read
    /// together with these sources: what a change would bring in.
    /// </summary>
    public IReadOnlyList<FolderReference> Of(string path, string text)
    {
        var tree = CSharpSyntaxTree.ParseText(text, (CSharpParseOptions)_compilation.SyntaxTrees[0].Options, path);
        return [.. UsesAcross(_compilation.AddSyntaxTrees(tree).GetSemanticModel(tree))];
    }

    /// <summary>The top-level folder of a path relative to <c>src/BatchFactory</c>.</summary>
    public static string FolderOf(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? Root : path[..slash];
    }

    private static IEnumerable<FolderReference> UsesAcross(SemanticModel model)
    {
        var file = model.SyntaxTree.FilePath;
        var from = FolderOf(file);
        foreach (var node in model.SyntaxTree.GetRoot().DescendantNodes())
        {
            foreach (var symbol in Used(model, node))
            {
                foreach (var to in FoldersOf(symbol).Where(to => to != from))
                {
                    yield return new FolderReference(from, to, file, symbol.ToDisplayString());
                }
            }
        }
    }

    // What a node uses: the type or member a name stands for (through its candidates when the compiler could not bind it
    // exactly), the constructor of a target-typed new, a user-defined operator, conversion or indexer, a foreach's enumerator.
    private static IEnumerable<ISymbol> Used(SemanticModel model, SyntaxNode node)
    {
        var symbols = new List<ISymbol>();
        if (node is SimpleNameSyntax or ImplicitObjectCreationExpressionSyntax or BinaryExpressionSyntax or PrefixUnaryExpressionSyntax
            or PostfixUnaryExpressionSyntax or AssignmentExpressionSyntax or ElementAccessExpressionSyntax)
        {
            var info = model.GetSymbolInfo(node);
            symbols.AddRange(info.Symbol is { } symbol ? [symbol] : info.CandidateSymbols);
        }

        if (node is ExpressionSyntax expression && model.GetConversion(expression) is { IsUserDefined: true, MethodSymbol: { } conversion })
        {
            symbols.Add(conversion);
        }

        if (node is ForEachStatementSyntax loop && model.GetForEachStatementInfo(loop).GetEnumeratorMethod is { } enumerator)
        {
            symbols.Add(enumerator);
        }

        foreach (var used in symbols)
        {
            var original = used is IMethodSymbol { ReducedFrom: { } extension } ? extension : used;
            original = original.OriginalDefinition;
            if (original is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor)
            {
                yield return constructor.ContainingType;
            }
            else if (original is INamedTypeSymbol or IMethodSymbol or IPropertySymbol or IFieldSymbol or IEventSymbol)
            {
                yield return original;
            }
        }
    }

    private static IEnumerable<string> FoldersOf(ISymbol symbol) =>
        symbol.Locations.Where(l => l.IsInSource && l.SourceTree!.FilePath != "(implicit usings)")
            .Select(l => FolderOf(l.SourceTree!.FilePath)).Distinct();

    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    // The framework and the packages the library uses, from the test's own output (the library's own assemblies left out).
    private static readonly Lazy<ImmutableArray<MetadataReference>> MetadataReferences = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var packages = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll")
            .Where(f => !Path.GetFileName(f).StartsWith("BatchFactory", StringComparison.Ordinal));
        return [.. platform.Concat(packages)
            .Where(f => !Path.GetFileName(f).StartsWith("BatchFactory", StringComparison.Ordinal))
            .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))];
    });
}
