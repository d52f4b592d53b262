using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Datapunk.Lake.Server.Health;

/// <summary>Healthy when the record store responds to a query.</summary>
internal sealed class DatabaseHealthCheck(Lake lake) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var answered = await lake.Records.PingAsync(cancellationToken);
        var data = new Dictionary<string, object> { ["latencyMs"] = Math.Round(stopwatch.Elapsed.TotalMilliseconds, 2) };

        return answered
            ? HealthCheckResult.Healthy("The database responded to a query.", data)
            : HealthCheckResult.Unhealthy("The database did not respond to a query: check that lake.db in the data directory is readable and not locked by another process.", data: data);
    }
}
