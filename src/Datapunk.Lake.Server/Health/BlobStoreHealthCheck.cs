using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Datapunk.Lake.Server.Health;

/// <summary>Healthy when the blob store accepts a write, so an import can store its originals.</summary>
internal sealed class BlobStoreHealthCheck(Lake lake) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var writable = await lake.Blobs.IsWritableAsync(cancellationToken);
        var data = new Dictionary<string, object> { ["writable"] = writable };

        return writable
            ? HealthCheckResult.Healthy("The blob store accepts writes.", data)
            : HealthCheckResult.Unhealthy("The blob store does not accept writes: check that the data directory is writable by the service user.", data: data);
    }
}
