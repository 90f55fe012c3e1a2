using System.Diagnostics.CodeAnalysis;
using BatchFactory.Ledgers;
using BatchFactory.Pipelines.Loading;
using BatchFactory.Pipelines.Types;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace BatchFactory;

/// <summary>
/// A pipeline written as YAML (see the README's "Pipelines as YAML"): <c>name</c>, <c>version</c>, <c>vars</c>,
/// <c>types</c>, an optional <c>batchfactory:</c> configuration section (providers, strategies, broker settings, prices)
/// and the <c>graph</c>, a list of ops by their C# names (<see cref="OpCatalog"/>). Loading checks everything a run
/// would meet before any call: ops, arguments and their types, vars, declared types, conditions, prompt files, models'
/// form. A YAML pipeline makes the same requests as the same graph written in C#, so both share cached answers.
/// </summary>
public sealed class PipelineFile
{
    private readonly List<OpNode> _graph;
    private readonly Place _place;
    private readonly string _directory;
    private readonly DeclaredTypes _types;

    private PipelineFile(string path, PipelineReader reader, List<OpNode> graph, DeclaredTypes types)
    {
        Path = path;
        _graph = graph;
        _place = reader.Place;
        _types = types;
        _directory = System.IO.Path.GetDirectoryName(path)!;
        Name = reader.Scalar("name") ?? System.IO.Path.GetFileNameWithoutExtension(path);
        Version = reader.Scalar("version") ?? "1";
        Description = reader.Scalar("description");
        Vars = new Dictionary<string, string>(reader.VarValues, StringComparer.Ordinal);
        Settings = ReadSettings(reader, out var settingNodes);
        CheckSettings(settingNodes);
        var check = Builder(System.IO.Path.Combine(_directory, "project"));
        check.Build(_graph);
        Models = check.Models.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The pipeline file's full path.</summary>
    public string Path { get; }

    /// <summary>The pipeline's name (<c>name:</c>; default the file name without extension); it names the project folder.</summary>
    public string Name { get; }

    /// <summary>The pipeline's version (<c>version:</c>; default <c>1</c>); it names the project folder's version.</summary>
    public string Version { get; }

    /// <summary>What the pipeline does (<c>description:</c>), or <see langword="null"/>.</summary>
    public string? Description { get; }

    /// <summary>Every var with its value: the <c>--set</c> one, else the declared default.</summary>
    public IReadOnlyDictionary<string, string> Vars { get; }

    /// <summary>Every model the graph uses (<c>model@provider</c>), after substitution, each once in order of appearance.</summary>
    public IReadOnlyList<string> Models { get; }

    /// <summary>
    /// The <c>batchfactory:</c> section as configuration keys (<c>BatchFactory:Providers:gpu:BaseUrl</c> → value), the
    /// form <see cref="BatchFactoryConfiguration.ReadRunOptions"/> reads; empty when the file has none.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>
    /// Loads a pipeline: reads and parses it, applies <paramref name="sets"/>, substitutes vars, checks every op and
    /// argument against the catalogue, makes the declared types, compiles conditions, reads prompt files and makes the
    /// graph once to check it.
    /// </summary>
    /// <param name="path">The pipeline file; relative input paths in it are relative to its folder.</param>
    /// <param name="sets">
    /// Overrides, each <c>name=value</c> (a var; <c>vars.name=value</c> too) or <c>graph.N.argument=value</c> (an op's
    /// argument; N is the op's 0-based position or its <c>id:</c>; nested bodies by further segments, e.g.
    /// <c>graph.3.body.0.rounds=2</c>). Default none.
    /// </param>
    /// <returns>The loaded pipeline.</returns>
    /// <exception cref="PipelineException">The first problem, with the file, line and column (0 for a <c>--set</c>) and what was expected.</exception>
    public static PipelineFile Load(string path, IEnumerable<string>? sets = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        var (reader, graph, types) = PipelineReader.Read(full, sets ?? []);
        return new PipelineFile(full, reader, graph, types);
    }

    /// <summary>
    /// Makes the graph for a run in <paramref name="project"/>: paths the ops write (relative ones, or under
    /// <c>${project}</c>) go into the project folder; paths they read are relative to the pipeline file.
    /// </summary>
    /// <param name="project">The run's project folder.</param>
    /// <returns>A new graph (each call makes its own).</returns>
    /// <exception cref="PipelineException">An argument became invalid with the project's path (rare: the load checked everything else).</exception>
    public Graph Build(ProjectFolder project)
    {
        ArgumentNullException.ThrowIfNull(project);
        return Builder(project.FullPath).Build(_graph);
    }

    /// <summary>Opens the pipeline's project folder: <see cref="Name"/> and <see cref="Version"/> under <paramref name="dataDirectory"/>.</summary>
    /// <param name="dataDirectory">The folder holding every project. Default <c>data</c>, relative to the current directory.</param>
    /// <returns>The open project folder; dispose it after the run.</returns>
    public ProjectFolder OpenProject(string? dataDirectory = null) =>
        ProjectFolder.Open(Name, Version, new ProjectFolderOptions { DataDirectory = dataDirectory ?? new ProjectFolderOptions().DataDirectory });

    /// <summary>
    /// The run options the <c>batchfactory:</c> section declares: <see cref="RunOptions.Models"/> (providers and
    /// strategies), <see cref="RunOptions.Broker"/>, <see cref="RunOptions.BrokerFor"/>, <see cref="RunOptions.Batch"/>,
    /// <see cref="RunOptions.BatchFor"/> and <see cref="RunOptions.Prices"/>,
    /// read by <see cref="BatchFactoryConfiguration.ReadRunOptions"/>; the defaults without a section. Copy them into
    /// the options of the run.
    /// </summary>
    /// <param name="models">The providers to add the configured ones to. Default <see cref="ModelProviders.Default"/>.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ModelConfigurationException">A setting is unknown, missing or wrong; the message names its path.</exception>
    [RequiresUnreferencedCode(BatchFactoryConfiguration.BinderReflection)]
    [RequiresDynamicCode(BatchFactoryConfiguration.BinderReflection)]
    public RunOptions ReadRunOptions(ModelProviders? models = null) =>
        BatchFactoryConfiguration.ReadRunOptions(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build(), models);

    private GraphBuilder Builder(string projectPath)
    {
        var vars = new Dictionary<string, string>(Vars, StringComparer.Ordinal) { [GraphBuilder.ProjectVar] = projectPath };
        return new GraphBuilder(_place, _directory, vars, _types, relative => SafePaths.Resolve(projectPath, relative.StartsWith(projectPath, StringComparison.Ordinal) ? System.IO.Path.GetRelativePath(projectPath, relative) : relative));
    }

    // The settings are read now, so a wrong one fails the load at its line (the binder's message names its path).
    // Only a check: in a trimmed or AOT app, where binding may miss members, reading the options (marked) is what fails.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "A check at load; ReadRunOptions, which gives the options, carries the warning.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "A check at load; ReadRunOptions, which gives the options, carries the warning.")]
    private void CheckSettings(Dictionary<string, YamlNode> nodes)
    {
        if (Settings.Count == 0)
        {
            return;
        }

        try
        {
            ReadRunOptions();
        }
        catch (ModelConfigurationException ex)
        {
            var at = nodes.Where(n => ex.Message.StartsWith(n.Key, StringComparison.OrdinalIgnoreCase)).MaxBy(n => n.Key.Length).Value ?? nodes[BatchFactoryConfiguration.SectionName];
            throw _place.At(at, ex.Message, ex);
        }
    }

    // The batchfactory: section flattened into configuration keys under BatchFactory:, vars substituted; each key's node kept for errors.
    private Dictionary<string, string?> ReadSettings(PipelineReader reader, out Dictionary<string, YamlNode> nodes)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var found = nodes = new Dictionary<string, YamlNode>(StringComparer.OrdinalIgnoreCase);
        if (reader.Section("batchfactory") is not { } section)
        {
            return settings;
        }

        if (section is not YamlMappingNode)
        {
            throw _place.At(section, "batchfactory: is a mapping of configuration sections (Providers, Strategies, Broker, BrokerFor, Batch, BatchFor, Prices).");
        }

        var text = new GraphBuilder(_place, _directory, Vars, _types, p => p);
        Flatten(section, BatchFactoryConfiguration.SectionName);
        return settings;

        void Flatten(YamlNode node, string key)
        {
            found[key] = node;
            switch (node)
            {
                case YamlMappingNode map:
                    foreach (var (k, v) in map.Children)
                    {
                        Flatten(v, $"{key}:{((YamlScalarNode)k).Value}");
                    }

                    break;
                case YamlSequenceNode list:
                    for (var i = 0; i < list.Children.Count; i++)
                    {
                        Flatten(list.Children[i], $"{key}:{i}");
                    }

                    break;
                case YamlScalarNode scalar:
                    settings[key] = text.Text(scalar);
                    break;
            }
        }
    }
}
