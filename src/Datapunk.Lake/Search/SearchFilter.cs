namespace Datapunk.Lake.Search;

/// <summary>Restricts any search to a time range, record kinds and datasets. Empty lists mean no restriction.</summary>
public sealed record SearchFilter
{
    /// <summary>Inclusive lower bound on the record's start time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound on the record's start time.</summary>
    public DateTimeOffset? To { get; init; }

    public IReadOnlyList<string> Kinds { get; init; } = [];

    public IReadOnlyList<string> Datasets { get; init; } = [];
}
