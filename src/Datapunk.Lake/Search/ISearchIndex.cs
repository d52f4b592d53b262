using Datapunk.Lake.Records;

namespace Datapunk.Lake.Search;

/// <summary>
/// The search indexes over the record store: full text, place, time and embeddings. Records are addressed by
/// their store key (the insertion sequence in SQLite), which is stable while the record exists.
/// The embedded default is SQLite (<see cref="Sqlite.SqliteSearchIndex"/>).
/// </summary>
public interface ISearchIndex
{
    /// <summary>
    /// Returns the records that match a parsed full-text query, best first, from position <paramref name="skip"/>.
    /// </summary>
    Task<IReadOnlyList<TextMatch>> MatchTextAsync(FullTextQuery query, SearchFilter filter, int skip, int take, CancellationToken cancellationToken);

    /// <summary>Returns the embedded records most similar to a normalised vector, most similar first.</summary>
    Task<IReadOnlyList<VectorMatch>> NearestAsync(float[] vector, SearchFilter filter, int skip, int take, CancellationToken cancellationToken);

    /// <summary>Loads records by key; keys with no record (deleted meanwhile) are left out.</summary>
    Task<IReadOnlyDictionary<long, LakeRecord>> GetRecordsAsync(IReadOnlyCollection<long> keys, CancellationToken cancellationToken);

    /// <summary>Returns a highlighted snippet of each record's best matching column for the given keys.</summary>
    Task<IReadOnlyDictionary<long, HighlightedText>> SnippetsAsync(FullTextQuery query, IReadOnlyCollection<long> keys, CancellationToken cancellationToken);

    /// <summary>Returns the records inside a circle or a bounding box, sorted by distance or start time.</summary>
    Task<IReadOnlyList<PlaceMatch>> MatchPlaceAsync(PlaceQuery query, int skip, int take, CancellationToken cancellationToken);

    /// <summary>Counts records per period and kind, by the local date the source gave.</summary>
    Task<IReadOnlyList<TimelineBucket>> CountByPeriodAsync(TimeInterval interval, SearchFilter filter, int skip, int take, CancellationToken cancellationToken);

    /// <summary>Returns the records whose local date falls on a month and day in any year, newest year first.</summary>
    Task<IReadOnlyList<LakeRecord>> OnThisDayAsync(int month, int day, SearchFilter filter, int skip, int take, CancellationToken cancellationToken);

    /// <summary>Returns up to <paramref name="take"/> records that carry text and have no embedding yet, oldest first.</summary>
    Task<IReadOnlyList<PendingEmbedding>> PendingEmbeddingsAsync(int take, CancellationToken cancellationToken);

    /// <summary>Stores embeddings and takes their records off the queue, all in one transaction.</summary>
    Task StoreEmbeddingsAsync(string model, IReadOnlyList<(long Key, float[] Vector)> embeddings, CancellationToken cancellationToken);

    /// <summary>Counts records that still wait for an embedding.</summary>
    Task<long> CountPendingEmbeddingsAsync(CancellationToken cancellationToken);
}

/// <summary>A full-text hit: the record key and its relevance (higher is better).</summary>
public sealed record TextMatch(long Key, double Score);

/// <summary>A semantic hit: the record key and its cosine similarity to the query, from -1 to 1.</summary>
public sealed record VectorMatch(long Key, double Similarity);

/// <summary>A place hit with its great-circle distance in metres from the query point, when there is one.</summary>
public sealed record PlaceMatch(LakeRecord Record, double? DistanceMeters);

/// <summary>The number of records of one kind in one period. <c>Period</c> is the first day (yyyy-MM-dd).</summary>
public sealed record TimelineBucket(string Period, string Kind, long Count);

/// <summary>A record that waits for an embedding, with the text to embed.</summary>
public sealed record PendingEmbedding(long Key, string Text);
