using System.Text.Json.Nodes;
using Datapunk.Lake.Ingestion.Google;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Tests.Ingestion.Google.LocationHistory;

/// <summary>Small lookups that keep the location tests readable.</summary>
internal static class LocationRecords
{
    /// <summary>A time as ISO 8601 with its offset, so asserts compare the offset as well as the instant.</summary>
    public static string Iso(DateTimeOffset time) => GoogleTime.Format(time);

    public static string? Iso(DateTimeOffset? time) => time is { } t ? GoogleTime.Format(t) : null;

    public static IReadOnlyList<LakeRecord> OfKind(this IReadOnlyList<LakeRecord> records, string kind) =>
        records.Where(r => r.Kind == kind).ToList();

    /// <summary>The one record of the kind whose start, written as <see cref="Iso(DateTimeOffset)"/>, is the given text.</summary>
    public static LakeRecord At(this IReadOnlyList<LakeRecord> records, string kind, string start) =>
        Assert.Single(records, r => r.Kind == kind && Iso(r.Start) == start);

    public static string? Text(this LakeRecord record, string name) =>
        record.Attributes?[name]?.GetValue<string>();

    public static double? Number(this LakeRecord record, string name) =>
        record.Attributes?[name]?.GetValue<double>();

    public static JsonArray Array(this LakeRecord record, string name) =>
        Assert.IsType<JsonArray>(record.Attributes?[name]);

    public static JsonObject Object(this LakeRecord record, string name) =>
        Assert.IsType<JsonObject>(record.Attributes?[name]);
}
