using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Datapunk.Lake.Server.Health;

/// <summary>Healthy while the file system of the data directory has at least the configured free space.</summary>
internal sealed class DiskSpaceHealthCheck(Lake lake, HealthThresholds thresholds) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // On Unix, DriveInfo accepts any path and reports the file system that contains it (statvfs).
        var drive = new DriveInfo(lake.Options.DataDirectory);
        var free = drive.AvailableFreeSpace;
        var data = new Dictionary<string, object>
        {
            ["freeBytes"] = free,
            ["totalBytes"] = drive.TotalSize,
            ["minimumFreeBytes"] = thresholds.MinimumFreeDiskBytes,
        };

        var result = free >= thresholds.MinimumFreeDiskBytes
            ? HealthCheckResult.Healthy("Free disk space is above the minimum.", data)
            : HealthCheckResult.Unhealthy($"Free disk space is below the minimum of {HealthThresholds.MinimumFreeDiskKey}: free space on the data volume or raise the minimum.", data: data);
        return Task.FromResult(result);
    }
}
