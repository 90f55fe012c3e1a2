using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace BatchFactory;

/// <summary>Registers BatchFactory in a service collection, e.g. of a generic host (<c>Host.CreateApplicationBuilder</c>).</summary>
public static class BatchFactoryServiceCollectionExtensions
{
    /// <summary>
    /// Reads the <c>BatchFactory</c> section of <paramref name="configuration"/> now (see
    /// <see cref="BatchFactoryConfiguration"/>), so a bad setting fails at start naming its path, and registers the
    /// <see cref="ModelProviders"/> and the run defaults as a <see cref="RunOptions"/> singleton whose
    /// <see cref="RunOptions.LoggerFactory"/> and <see cref="RunOptions.TimeProvider"/> come from the container (a
    /// <see cref="TimeProvider"/> is registered as <see cref="TimeProvider.System"/> unless one already is). With a
    /// <c>BatchFactory:Project</c> section (<c>Name</c>, <c>Version</c> default <c>1</c>, <c>DataDirectory</c> default
    /// <c>data</c>) it also registers that <see cref="ProjectFolder"/>, opened on first use and closed with the container,
    /// as <see cref="RunOptions.Project"/>. Take <see cref="RunOptions"/> in your service and pass it to <c>RunAsync</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The application's configuration.</param>
    /// <param name="models">The providers to add the configured ones to, e.g. with your own kinds. Default <see cref="ModelProviders.Default"/>.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ModelConfigurationException">A setting is unknown, missing or wrong; the message names its path.</exception>
    [RequiresUnreferencedCode(BatchFactoryConfiguration.BinderReflection)]
    [RequiresDynamicCode(BatchFactoryConfiguration.BinderReflection)]
    public static IServiceCollection AddBatchFactory(this IServiceCollection services, IConfiguration configuration, ModelProviders? models = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = BatchFactoryConfiguration.ReadRunOptions(configuration, models);
        var project = BatchFactoryConfiguration.ReadProject(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(configured.Models);
        if (project is { } folder)
        {
            // Opened when first needed; the container closes it when the host stops.
            services.AddSingleton(_ => ProjectFolder.Open(folder.Name, folder.Version, new ProjectFolderOptions { DataDirectory = folder.DataDirectory }));
        }

        services.AddSingleton(provider => new RunOptions
        {
            Models = configured.Models,
            Broker = configured.Broker,
            BrokerFor = configured.BrokerFor,
            Batch = configured.Batch,
            BatchFor = configured.BatchFor,
            Prices = configured.Prices,
            TraceContent = configured.TraceContent,
            Project = project is null ? null : provider.GetRequiredService<ProjectFolder>(),
            LoggerFactory = provider.GetService<ILoggerFactory>(),
            TimeProvider = provider.GetRequiredService<TimeProvider>(),
        });
        return services;
    }
}
