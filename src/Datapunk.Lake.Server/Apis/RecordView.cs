using System.Text.Json.Nodes;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Server.Apis;

/// <summary>A record as the API shows it. Times keep the offset the source gave; <c>startOffsetKnown</c> is false when it gave none.</summary>
public sealed record RecordView(
    string Id,
    string Dataset,
    string Kind,
    DateTimeOffset Start,
    bool StartOffsetKnown,
    DateTimeOffset? End,
    PlaceView? Place,
    string? Title,
    string? Text,
    JsonObject? Attributes,
    ProvenanceView Provenance)
{
    public static RecordView From(LakeRecord record) => new(
        record.Id,
        record.Dataset,
        record.Kind,
        record.Start,
        record.StartOffsetKnown,
        record.End,
        record.Latitude is { } latitude && record.Longitude is { } longitude ? new PlaceView(latitude, longitude, record.AccuracyMeters) : null,
        record.Title,
        record.Text,
        record.Attributes,
        new ProvenanceView(
            record.Provenance.BlobSha256,
            record.Provenance.Path,
            record.Provenance.Pointer,
            record.Provenance.ByteOffset,
            record.Provenance.ImportId,
            $"/v1/blobs/{record.Provenance.BlobSha256}"));
}

public sealed record PlaceView(double Latitude, double Longitude, double? AccuracyMeters);

public sealed record ProvenanceView(string Blob, string Path, string? Pointer, long? ByteOffset, string ImportId, string BlobUrl);

public sealed record RecordPageView(IReadOnlyList<RecordView> Items, string? NextCursor);
