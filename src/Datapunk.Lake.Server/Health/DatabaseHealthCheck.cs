using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Datapunk.Lake.Server.Health;

/// <summary>Healthy when the record store answers a query.</summary>
internal sealed class DatabaseHealthCheck(Lake lake) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var answered = await lake.Records.PingAsync(cancellationToken);
        var data = new Dictionary<string, object> { ["latencyMs"] = Math.Round(stopwatch.Elapsed.TotalMilliseconds, 2) };

        return answered
            ? HealthCheckResult.Healthy("The database answers.", data)
            : HealthCheckResult.Unhealthy("The database does not answer.", data: data);
    }
}
