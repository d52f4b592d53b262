using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Datapunk.Lake.Server.Health;

/// <summary>Healthy while the process working set stays below the configured limit.</summary>
internal sealed class MemoryHealthCheck(HealthThresholds thresholds) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var process = Process.GetCurrentProcess();
        var workingSet = process.WorkingSet64;
        var data = new Dictionary<string, object>
        {
            ["workingSetBytes"] = workingSet,
            ["gcHeapBytes"] = GC.GetTotalMemory(forceFullCollection: false),
            ["limitBytes"] = thresholds.MaximumMemoryBytes,
        };

        var result = workingSet < thresholds.MaximumMemoryBytes
            ? HealthCheckResult.Healthy("Memory use is below the limit.", data)
            : HealthCheckResult.Unhealthy($"Memory use is above the limit of {HealthThresholds.MaximumMemoryKey}.", data: data);
        return Task.FromResult(result);
    }
}
