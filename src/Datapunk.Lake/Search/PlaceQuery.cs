using Datapunk.Lake.Storage;

namespace Datapunk.Lake.Search;

/// <summary>
/// Records within <see cref="RadiusMeters"/> of a point, or inside <see cref="Box"/>, or both. At least one of the
/// two areas must be given; sorting by distance needs a point.
/// </summary>
public sealed record PlaceQuery
{
    public double? Latitude { get; init; }

    public double? Longitude { get; init; }

    public double? RadiusMeters { get; init; }

    public BoundingBox? Box { get; init; }

    public PlaceSort Sort { get; init; } = PlaceSort.Distance;

    public SearchFilter Filter { get; init; } = new();
}

public enum PlaceSort
{
    /// <summary>Nearest first; ties by insertion order.</summary>
    Distance,

    /// <summary>Oldest first.</summary>
    Time,
}
