using Datapunk.Lake.Imports;
using Datapunk.Lake.Server.Hosting;

namespace Datapunk.Lake.Server.Telemetry;

/// <summary>
/// Reads the store's figures for <see cref="LakeMetrics"/> in the background. The gauges only return the last
/// sample, so a scrape of <c>/metrics</c> does not wait on the database or the blob folder.
/// </summary>
internal sealed class StoreStatisticsSampler(Lake lake, LakeMetrics metrics, ILogger<StoreStatisticsSampler> logger) : BackgroundService
{
    /// <summary>How often the figures are read; Prometheus scrapes every 15 to 60 seconds in common setups.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    // NOTE: imports are counted from one listing of at most this many. A lake with more imports undercounts
    // them until the store offers a count by state.
    private const int MaximumImportsListed = 100_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                metrics.Update(await SampleAsync(stoppingToken));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // An exception that left this loop would stop the whole host, which is too much for a metric. The
                // figures stay at the last sample, and readiness reports the broken component itself.
                Log.StoreStatisticsFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<StoreStatistics> SampleAsync(CancellationToken cancellationToken)
    {
        var imports = await lake.Records.ListImportsAsync(MaximumImportsListed, cancellationToken);
        var byState = imports.GroupBy(i => i.State).ToDictionary(g => g.Key, g => (long)g.Count());
        var records = await lake.Records.CountRecordsAsync(cancellationToken);
        var (blobs, blobBytes) = MeasureBlobFolder(lake.Options.BlobDirectory);
        return new StoreStatistics(byState, records, blobs, blobBytes);
    }

    /// <summary>Counts the files under the blob folder and their bytes. Costs one directory walk per sample.</summary>
    private static (long Count, long Bytes) MeasureBlobFolder(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return (0, 0);
        }

        long count = 0;
        long bytes = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.None };
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", options))
        {
            // Files under .tmp/ are writes in progress and probes of the writable check, not blobs yet.
            if (file.Directory?.Name == ".tmp")
            {
                continue;
            }

            count++;
            bytes += file.Length;
        }

        return (count, bytes);
    }
}
