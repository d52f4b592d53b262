using Datapunk.Lake.Server.Health;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Datapunk.Lake.Server.Apis;

/// <summary>
/// Liveness, readiness and health detail, open without a token so that orchestrators can probe them.
/// Readiness and <c>/health</c> return 503 when any check is unhealthy.
/// </summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        // Liveness runs no check, because a response from the process is the whole test.
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = HealthResponseWriter.WriteStatusAsync,
        });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthCheckNames.ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteStatusAsync,
        });
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = HealthResponseWriter.WriteDetailAsync,
        });
        return app;
    }
}
