namespace BatchFactory.Cli;

/// <summary>What <c>run</c>, <c>validate</c> and <c>graph</c> do with a loaded pipeline, their errors as <see cref="CliException"/>s.</summary>
internal static class PipelineChecks
{
    /// <summary>The run options the pipeline's <c>batchfactory:</c> section declares.</summary>
    /// <exception cref="CliException">A setting is wrong (the loader checks them, so rarely).</exception>
    public static RunOptions RunOptions(PipelineFile pipeline)
    {
        try
        {
            return pipeline.ReadRunOptions();
        }
        catch (ModelConfigurationException ex)
        {
            throw new CliException($"{pipeline.Path}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Resolves every model the pipeline uses against its providers (registered, the model accepted, keys present),
    /// without calling any: one line per model, <c>model@provider: ok (provider)</c> or what is wrong.
    /// </summary>
    /// <returns>The lines, and whether every model resolved.</returns>
    public static (IReadOnlyList<string> Lines, bool Ok) ResolveModels(PipelineFile pipeline, RunOptions options)
    {
        var lines = new List<string>();
        var ok = true;
        foreach (var model in pipeline.Models)
        {
            try
            {
                var provider = options.Models.Resolve(ModelSpec.Parse(model));
                lines.Add($"  {model}: ok ({provider.Name})");
            }
            catch (Exception ex) when (ex is ModelConfigurationException or ArgumentException)
            {
                lines.Add($"  {model}: {ex.Message}");
                ok = false;
            }
        }

        return (lines, ok);
    }

    /// <summary>Makes the pipeline's graph for <paramref name="project"/>.</summary>
    /// <exception cref="CliException">An argument became invalid with the project's path (the message is the loader's).</exception>
    public static Graph Build(PipelineFile pipeline, ProjectFolder project)
    {
        try
        {
            return pipeline.Build(project);
        }
        catch (PipelineException ex)
        {
            throw new CliException(ex.Message, ex);
        }
    }
}
