using Datapunk.Lake.Search;

namespace Datapunk.Lake.Server.Apis;

/// <summary>
/// A search hit. <c>score</c> orders hits within one mode; <c>textRank</c> and <c>semanticRank</c> are the
/// hit's 1-based positions in each ranking that found it.
/// </summary>
public sealed record SearchHitView(
    RecordView Record,
    double Score,
    HighlightedText? Snippet,
    int? TextRank,
    int? SemanticRank,
    double? Similarity)
{
    public static SearchHitView From(SearchHit hit) =>
        new(RecordView.From(hit.Record), hit.Score, hit.Snippet, hit.TextRank, hit.SemanticRank, hit.Similarity);
}

public sealed record SearchPageView(SearchMode Mode, IReadOnlyList<SearchHitView> Items, string? NextCursor);

/// <summary>A place hit with its great-circle distance in metres from the query point, when one was given.</summary>
public sealed record PlaceHitView(RecordView Record, double? DistanceMeters);

public sealed record PlacePageView(IReadOnlyList<PlaceHitView> Items, string? NextCursor);

public sealed record TimelinePageView(TimeInterval Interval, IReadOnlyList<TimelineBucket> Items, string? NextCursor);

public sealed record OnThisDayPageView(string Date, IReadOnlyList<RecordView> Items, string? NextCursor);

/// <summary>A read-only SQL statement and its limits.</summary>
/// <param name="Sql">One SELECT over the views lake_records, lake_datasets, lake_imports and lake_blobs.</param>
/// <param name="MaxRows">Row cap, 1 to 10000 (default 1000). Rows past it are not returned and <c>truncated</c> is true.</param>
/// <param name="TimeoutMilliseconds">Time limit, 1 to 30000 ms (default 5000).</param>
public sealed record SqlRequest(string? Sql, int? MaxRows, int? TimeoutMilliseconds);
