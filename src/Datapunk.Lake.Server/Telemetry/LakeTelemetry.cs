using OpenTelemetry.Metrics;

namespace Datapunk.Lake.Server.Telemetry;

/// <summary>Metrics over OpenTelemetry, served in Prometheus text format at <c>/metrics</c>.</summary>
public static class LakeTelemetry
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddLakeTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<LakeMetrics>();
        services.AddHostedService<StoreStatisticsSampler>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddMeter(LakeMetrics.MeterName)
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps <c>/metrics</c>, open without a token like the health endpoints so that Prometheus can scrape it.</summary>
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }
}
