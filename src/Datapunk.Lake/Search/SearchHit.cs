using Datapunk.Lake.Records;

namespace Datapunk.Lake.Search;

/// <summary>
/// One search result. <see cref="Score"/> orders the hits of one mode: BM25 relevance in text mode, cosine
/// similarity in semantic mode and the reciprocal-rank-fusion score in hybrid mode.
/// </summary>
public sealed record SearchHit(
    LakeRecord Record,
    double Score,
    HighlightedText? Snippet,
    int? TextRank,
    int? SemanticRank,
    double? Similarity);

public sealed record SearchPage(IReadOnlyList<SearchHit> Items, string? NextCursor);

/// <summary>A page of place results with the cursor of the next page.</summary>
public sealed record PlacePage(IReadOnlyList<PlaceMatch> Items, string? NextCursor);

public sealed record TimelinePage(TimeInterval Interval, IReadOnlyList<TimelineBucket> Items, string? NextCursor);

public sealed record OnThisDayPage(int Month, int Day, IReadOnlyList<LakeRecord> Items, string? NextCursor);
