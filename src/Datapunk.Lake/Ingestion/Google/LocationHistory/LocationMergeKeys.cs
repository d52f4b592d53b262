namespace Datapunk.Lake.Ingestion.Google.LocationHistory;

/// <summary>
/// Merge keys shared by every location source of one account, so that overlapping exports (Records.json, Semantic
/// Location History, the on-device Timeline) give one record for the same fix, stay or movement.
/// </summary>
public static class LocationMergeKeys
{
    /// <summary>A position fix: its time in epoch milliseconds, as <see cref="RecordsJsonImporter"/> uses.</summary>
    public static string Fix(DateTimeOffset time) => GoogleTime.Key(time);

    /// <summary>
    /// A visit or an activity segment: <c>START/END</c> in epoch milliseconds, with END empty when the source has no
    /// end time. A nested visit (a Semantic <c>childVisits</c> entry, or an on-device visit with <c>hierarchyLevel</c>
    /// above 0) gets <c>/level N</c> appended, so a stay inside a larger one with the same times is not dropped as
    /// a duplicate of it.
    /// </summary>
    public static string Span(DateTimeOffset start, DateTimeOffset? end, long hierarchyLevel = 0)
    {
        var key = $"{GoogleTime.Key(start)}/{(end is { } e ? GoogleTime.Key(e) : "")}";
        return hierarchyLevel > 0
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{key}/level {hierarchyLevel}")
            : key;
    }
}
