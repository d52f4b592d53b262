namespace Datapunk.Lake.Server.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Registers the readiness checks (database, blob store, disk space, memory) with thresholds read from
    /// configuration; a bad threshold fails here, before the server starts.
    /// </summary>
    public static IServiceCollection AddLakeHealthChecks(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var thresholds = HealthThresholds.FromConfiguration(configuration, environment.IsDevelopment());
        services.AddSingleton(thresholds);

        string[] ready = [HealthCheckNames.ReadyTag];
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>(HealthCheckNames.Database, tags: ready)
            .AddCheck<BlobStoreHealthCheck>(HealthCheckNames.BlobStore, tags: ready)
            .AddCheck<DiskSpaceHealthCheck>(HealthCheckNames.Disk, tags: ready)
            .AddCheck<MemoryHealthCheck>(HealthCheckNames.Memory, tags: ready);
        return services;
    }
}
