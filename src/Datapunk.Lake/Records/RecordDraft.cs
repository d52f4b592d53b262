using System.Text.Json.Nodes;

namespace Datapunk.Lake.Records;

/// <summary>
/// A record as an importer produces it, before the store gives it an id and an import.
/// </summary>
/// <remarks>
/// The id of the stored record is derived from <see cref="Dataset"/>, <see cref="Kind"/> and
/// <see cref="MergeKey"/>, so the same item seen twice (in the same export imported again, or in two
/// exports that overlap) maps to one record.
/// </remarks>
public sealed record RecordDraft
{
    public required string Dataset { get; init; }

    public required string Kind { get; init; }

    /// <summary>The part of the identity that tells this item apart from others of its kind in its dataset.</summary>
    public required string MergeKey { get; init; }

    /// <summary>Start time. The offset is the one the source stated, or zero when the source gave only UTC.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>False when the source gave a bare instant (such as epoch milliseconds) with no offset.</summary>
    public bool StartOffsetKnown { get; init; } = true;

    public DateTimeOffset? End { get; init; }

    public double? Latitude { get; init; }

    public double? Longitude { get; init; }

    public double? AccuracyMeters { get; init; }

    public string? Title { get; init; }

    public string? Text { get; init; }

    public JsonObject? Attributes { get; init; }

    /// <summary>
    /// The attributes as the text of a JSON object, for importers that write them with a
    /// <see cref="System.Text.Json.Utf8JsonWriter"/> instead of building a <see cref="JsonObject"/>. The store
    /// uses it only when <see cref="Attributes"/> is null.
    /// </summary>
    public string? AttributesJson { get; init; }

    /// <summary>JSON pointer (RFC 6901) or other locator of the item inside its file.</summary>
    public required string Pointer { get; init; }

    /// <summary>Byte offset of the item inside its file, when known.</summary>
    public long? ByteOffset { get; init; }
}
