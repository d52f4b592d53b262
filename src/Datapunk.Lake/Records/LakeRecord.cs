using System.Text.Json.Nodes;

namespace Datapunk.Lake.Records;

/// <summary>A stored record with its provenance.</summary>
public sealed record LakeRecord(
    string Id,
    string Dataset,
    string Kind,
    DateTimeOffset Start,
    bool StartOffsetKnown,
    DateTimeOffset? End,
    double? Latitude,
    double? Longitude,
    double? AccuracyMeters,
    string? Title,
    string? Text,
    JsonObject? Attributes,
    Provenance Provenance);

/// <summary>Where a record came from: the original blob, the path inside the import and the position in the file.</summary>
public sealed record Provenance(string BlobSha256, string Path, string? Pointer, long? ByteOffset, string ImportId);
