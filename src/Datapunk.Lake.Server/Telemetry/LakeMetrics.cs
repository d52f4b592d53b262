using System.Diagnostics.Metrics;
using Datapunk.Lake.Imports;

namespace Datapunk.Lake.Server.Telemetry;

/// <summary>
/// The lake's own instruments (meter <c>Datapunk.Lake</c>): imports by state, records and blob bytes in the store.
/// They report the latest figures of <see cref="StoreStatisticsSampler"/>; HTTP request rates and latencies come
/// from ASP.NET Core's own <c>http.server.request.duration</c>.
/// </summary>
public sealed class LakeMetrics : IDisposable
{
    public const string MeterName = "Datapunk.Lake";

    private readonly Meter _meter;
    private StoreStatistics _latest = StoreStatistics.Empty;

    public LakeMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableGauge("lake.imports", ObserveImports, unit: "{import}", description: "Imports in the store by state.");
        _meter.CreateObservableGauge("lake.records", () => Volatile.Read(ref _latest).Records, unit: "{record}", description: "Records in the store.");
        _meter.CreateObservableGauge("lake.blobs", () => Volatile.Read(ref _latest).Blobs, unit: "{blob}", description: "Original files in the blob store.");
        _meter.CreateObservableGauge("lake.blobs.size", () => Volatile.Read(ref _latest).BlobBytes, unit: "By", description: "Bytes of original files in the blob store.");
    }

    /// <summary>Replaces the figures that the next scrape reports.</summary>
    public void Update(StoreStatistics statistics) => Volatile.Write(ref _latest, statistics);

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveImports()
    {
        var latest = Volatile.Read(ref _latest);
        foreach (var state in Enum.GetValues<ImportState>())
        {
            latest.ImportsByState.TryGetValue(state, out var count);
            yield return new Measurement<long>(count, new KeyValuePair<string, object?>("state", state.ToString()));
        }
    }
}

/// <summary>One sample of the store's figures.</summary>
public sealed record StoreStatistics(IReadOnlyDictionary<ImportState, long> ImportsByState, long Records, long Blobs, long BlobBytes)
{
    public static StoreStatistics Empty { get; } = new(new Dictionary<ImportState, long>(), 0, 0, 0);
}
