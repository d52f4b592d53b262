using Datapunk.Lake.Ingestion.Google.LocationHistory;

namespace Datapunk.Lake.Ingestion;

/// <summary>Every importer the lake ships, in detection order: the most specific shapes first.</summary>
public static class KnownFormats
{
    public static FormatRegistry CreateRegistry() => new(
    [
        new RecordsJsonImporter(),
        new SemanticLocationHistoryImporter(),
        new OnDeviceTimelineImporter(),
        new OnDeviceTimelineIosImporter(),
    ]);
}
