using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Datapunk.Lake.Records;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Search.Sqlite;

/// <summary>
/// The search indexes of the embedded store: FTS5 tables for text (unicode61 and trigram), a cell index for place,
/// the time indexes of <c>records</c>, and a table of embedding vectors that an in-memory copy
/// (<see cref="SqliteVectorIndex"/>) searches for cosine similarity.
/// </summary>
public sealed class SqliteSearchIndex : ISearchIndex
{
    /// <summary>Mean Earth radius in metres (IUGG), used for haversine distances.</summary>
    public const double EarthRadiusMeters = 6_371_008.8;

    // BM25 column weights for title, body and URL: a word in the title tells more about a record than one in a
    // long body, and a URL is mostly host and path words.
    private const string Bm25Weights = "10.0, 1.0, 2.0";

    private readonly SqliteRecordStore _store;
    private readonly SqliteVectorIndex _vectors;

    /// <param name="maxVectorsInMemory">
    /// The maximum number of embeddings kept in memory for semantic search. Above it every search scans the table, and 0 always scans.
    /// </param>
    public SqliteSearchIndex(SqliteRecordStore store, int maxVectorsInMemory = SqliteVectorIndex.DefaultMaxVectors)
    {
        _store = store;
        _vectors = new SqliteVectorIndex(store, maxVectorsInMemory);
        store.RecordsDeleted += (_, _) => _vectors.ForgetDeleted();
    }

    /// <summary>The embeddings held in memory for semantic search, or 0 before the first one.</summary>
    public int VectorsInMemory => _vectors.Count;

    public Task<IReadOnlyList<TextMatch>> MatchTextAsync(FullTextQuery query, SearchFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        var table = query.UseTrigrams ? "records_trigram" : "records_fts";
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        // The join with records is only needed to filter, and it costs a row lookup per match (about 2 ms for 426
        // matches in 110,000 texts). Every FTS row has its record, because the triggers on records write both in one
        // transaction.
        var filtered = !IsEmpty(filter) || AccessScope.Current is { IsUnconstrained: false };
        var sql = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"""
            SELECT {table}.rowid, bm25({table}, {Bm25Weights}) AS score
            FROM {table} {(filtered ? $"JOIN records r ON r.seq = {table}.rowid" : "")}
            WHERE {table} MATCH $match
            """));
        command.Parameters.AddWithValue("$match", query.Expression);
        if (filtered)
        {
            AppendFilter(sql, command, filter);
        }

        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY score, {table}.rowid LIMIT $take OFFSET $skip");
        command.Parameters.AddWithValue("$take", take);
        command.Parameters.AddWithValue("$skip", skip);
        command.CommandText = sql.ToString();

        var matches = new List<TextMatch>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            // bm25() is lower for better matches; the API reports higher-is-better.
            matches.Add(new TextMatch(reader.GetInt64(0), -reader.GetDouble(1)));
        }

        return Task.FromResult<IReadOnlyList<TextMatch>>(matches);
    }

    public Task<IReadOnlyDictionary<long, HighlightedText>> SnippetsAsync(FullTextQuery query, IReadOnlyCollection<long> keys, CancellationToken cancellationToken)
    {
        var snippets = new Dictionary<long, HighlightedText>();
        if (keys.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<long, HighlightedText>>(snippets);
        }

        var table = query.UseTrigrams ? "records_trigram" : "records_fts";
        using var connection = _store.Open();
        using var command = connection.CreateCommand();

        // Column -1 lets FTS5 pick the column with the best match; 16 tokens around it.
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"""
            SELECT rowid, snippet({table}, -1, char(2), char(3), '…', 16)
            FROM {table} WHERE {table} MATCH $match AND rowid IN (SELECT value FROM json_each($keys))
            """);
        command.Parameters.AddWithValue("$match", query.Expression);
        command.Parameters.AddWithValue("$keys", "[" + string.Join(",", keys.Select(k => k.ToString(CultureInfo.InvariantCulture))) + "]");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (!reader.IsDBNull(1))
            {
                snippets[reader.GetInt64(0)] = HighlightedText.FromMarked(reader.GetString(1));
            }
        }

        return Task.FromResult<IReadOnlyDictionary<long, HighlightedText>>(snippets);
    }

    public Task<IReadOnlyList<VectorMatch>> NearestAsync(float[] vector, SearchFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        var matches = _vectors.Nearest(vector, filter, skip, take, cancellationToken) ?? ScanNearest(vector, filter, skip, take, cancellationToken);
        return Task.FromResult(matches);
    }

    /// <summary>
    /// Scores every stored vector inside the filter: the reference that <see cref="SqliteVectorIndex"/> must match,
    /// and the fallback when that index cannot serve the search.
    /// </summary>
    internal IReadOnlyList<VectorMatch> ScanNearest(float[] vector, SearchFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT e.seq, e.vector FROM record_embeddings e JOIN records r ON r.seq = e.seq WHERE 1 = 1");
        AppendFilter(sql, command, filter);
        command.CommandText = sql.ToString();

        // An exact scan over every stored vector (384 floats each). It keeps only the best skip+take in a heap, so
        // memory stays small, but time grows with the number of embedded records.
        var best = new PriorityQueue<VectorMatch, (double, long)>(Comparer<(double Similarity, long Key)>.Create((a, b) =>
        {
            var bySimilarity = a.Similarity.CompareTo(b.Similarity);
            return bySimilarity != 0 ? bySimilarity : b.Key.CompareTo(a.Key);
        }));
        var keep = skip + take;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var key = reader.GetInt64(0);
                var stored = MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(1));
                var similarity = (double)VectorMath.Dot(vector, stored);
                best.Enqueue(new VectorMatch(key, similarity), (similarity, key));
                if (best.Count > keep)
                {
                    best.Dequeue();
                }
            }
        }

        var ordered = new List<VectorMatch>(best.Count);
        while (best.Count > 0)
        {
            ordered.Add(best.Dequeue());
        }

        ordered.Reverse();
        return ordered.Skip(skip).Take(take).ToList();
    }

    public Task<IReadOnlyDictionary<long, LakeRecord>> GetRecordsAsync(IReadOnlyCollection<long> keys, CancellationToken cancellationToken)
    {
        var records = new Dictionary<long, LakeRecord>();
        if (keys.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<long, LakeRecord>>(records);
        }

        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {SqliteRecordStore.RecordColumns} FROM records WHERE seq IN (SELECT value FROM json_each($keys))");
        AccessScope.Current?.AppendRecordFilter(sql, command);
        command.CommandText = sql.ToString();
        command.Parameters.AddWithValue("$keys", "[" + string.Join(",", keys.Select(k => k.ToString(CultureInfo.InvariantCulture))) + "]");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            records[reader.GetInt64(0)] = SqliteRecordStore.ReadRecord(reader);
        }

        return Task.FromResult<IReadOnlyDictionary<long, LakeRecord>>(records);
    }

    public Task<IReadOnlyList<PlaceMatch>> MatchPlaceAsync(PlaceQuery query, int skip, int take, CancellationToken cancellationToken)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        var hasPoint = query.Latitude is not null && query.Longitude is not null;
        var distance = hasPoint ? Haversine("$lat", "$lon", "r.lat", "r.lon") : "NULL";
        var sql = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"""
            SELECT {Prefixed("r")}, {distance} AS distance_m
            FROM records r
            WHERE r.cell IS NOT NULL
            """));

        if (hasPoint)
        {
            command.Parameters.AddWithValue("$lat", query.Latitude!.Value);
            command.Parameters.AddWithValue("$lon", query.Longitude!.Value);
        }

        if (query.Box is { } box)
        {
            AppendBox(sql, command, "box", box.MinLatitude, box.MaxLatitude, box.MinLongitude, box.MaxLongitude);
        }

        if (hasPoint && query.RadiusMeters is { } radius)
        {
            // The cell index finds the candidates inside the circle's bounding box, and the haversine test then
            // drops the corners. Near a pole, or when the box would cross the antimeridian, the longitude range is
            // widened to the whole globe, which is correct but slower.
            var latitude = query.Latitude!.Value;
            var deltaLatitude = radius / EarthRadiusMeters * 180 / Math.PI;
            var cosine = Math.Cos(latitude * Math.PI / 180);
            var deltaLongitude = cosine < 1e-9 ? 360 : deltaLatitude / cosine;
            var minLon = query.Longitude!.Value - deltaLongitude;
            var maxLon = query.Longitude!.Value + deltaLongitude;
            if (minLon < -180 || maxLon > 180)
            {
                (minLon, maxLon) = (-180, 180);
            }

            AppendBox(sql, command, "circle", latitude - deltaLatitude, latitude + deltaLatitude, minLon, maxLon);
            sql.Append(" AND distance_m <= $radius");
            command.Parameters.AddWithValue("$radius", radius);
        }

        AppendFilter(sql, command, query.Filter);
        sql.Append(query.Sort == PlaceSort.Distance && hasPoint
            ? " ORDER BY distance_m, r.seq"
            : " ORDER BY r.start_ms, r.seq");
        sql.Append(" LIMIT $take OFFSET $skip");
        command.Parameters.AddWithValue("$take", take);
        command.Parameters.AddWithValue("$skip", skip);
        command.CommandText = sql.ToString();

        var matches = new List<PlaceMatch>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            matches.Add(new PlaceMatch(SqliteRecordStore.ReadRecord(reader), reader.IsDBNull(19) ? null : reader.GetDouble(19)));
        }

        return Task.FromResult<IReadOnlyList<PlaceMatch>>(matches);
    }

    public Task<IReadOnlyList<TimelineBucket>> CountByPeriodAsync(TimeInterval interval, SearchFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        // Periods follow the record's own local date (UTC plus the offset the source gave, or UTC when it gave
        // none), so a walk at 23:30 in Paris counts on the day it happened there.
        const string local = "(r.start_ms / 1000 + coalesce(r.start_offset_min, 0) * 60)";
        var period = interval switch
        {
            TimeInterval.Day => $"date({local}, 'unixepoch')",
            TimeInterval.Week => $"date({local}, 'unixepoch', 'weekday 0', '-6 days')",
            TimeInterval.Month => $"strftime('%Y-%m-01', {local}, 'unixepoch')",
            _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, "Use Day, Week or Month."),
        };

        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {period} AS period, r.kind, count(*) FROM records r WHERE 1 = 1");
        AppendFilter(sql, command, filter);
        sql.Append(" GROUP BY period, r.kind ORDER BY period, r.kind LIMIT $take OFFSET $skip");
        command.Parameters.AddWithValue("$take", take);
        command.Parameters.AddWithValue("$skip", skip);
        command.CommandText = sql.ToString();

        var buckets = new List<TimelineBucket>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            buckets.Add(new TimelineBucket(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return Task.FromResult<IReadOnlyList<TimelineBucket>>(buckets);
    }

    public Task<IReadOnlyList<LakeRecord>> OnThisDayAsync(int month, int day, SearchFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        const string local = "(r.start_ms / 1000 + coalesce(r.start_offset_min, 0) * 60)";
        using var connection = _store.Open();
        using var command = connection.CreateCommand();

        // NOTE: the month-day test runs on every record in the filter's range, because no index covers the
        // local date; narrow it with kinds or datasets on large lakes.
        var sql = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"""
            SELECT {Prefixed("r")} FROM records r
            WHERE strftime('%m-%d', {local}, 'unixepoch') = $monthDay
            """));
        command.Parameters.AddWithValue("$monthDay", string.Create(CultureInfo.InvariantCulture, $"{month:D2}-{day:D2}"));
        AppendFilter(sql, command, filter);
        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY strftime('%Y', {local}, 'unixepoch') DESC, r.start_ms, r.seq LIMIT $take OFFSET $skip");
        command.Parameters.AddWithValue("$take", take);
        command.Parameters.AddWithValue("$skip", skip);
        command.CommandText = sql.ToString();

        var records = new List<LakeRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            records.Add(SqliteRecordStore.ReadRecord(reader));
        }

        return Task.FromResult<IReadOnlyList<LakeRecord>>(records);
    }

    public Task<IReadOnlyList<PendingEmbedding>> PendingEmbeddingsAsync(int take, CancellationToken cancellationToken)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT q.seq, r.title, r.body FROM embedding_queue q JOIN records r ON r.seq = q.seq
            ORDER BY q.seq LIMIT $take
            """;
        command.Parameters.AddWithValue("$take", take);
        var pending = new List<PendingEmbedding>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var title = reader.IsDBNull(1) ? null : reader.GetString(1);
            var body = reader.IsDBNull(2) ? null : reader.GetString(2);
            var text = title is not null && body is not null ? title + "\n" + body : title ?? body ?? "";
            pending.Add(new PendingEmbedding(reader.GetInt64(0), text));
        }

        return Task.FromResult<IReadOnlyList<PendingEmbedding>>(pending);
    }

    public Task StoreEmbeddingsAsync(string model, IReadOnlyList<(long Key, float[] Vector)> embeddings, CancellationToken cancellationToken)
    {
        using var connection = _store.Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;

        // The record may have been deleted since it was read from the queue; then its vector is not kept.
        insert.CommandText = """
            INSERT OR REPLACE INTO record_embeddings (seq, model, vector)
            SELECT $seq, $model, $vector WHERE EXISTS (SELECT 1 FROM records WHERE seq = $seq)
            """;
        var seq = insert.Parameters.Add(new SqliteParameter { ParameterName = "$seq" });
        insert.Parameters.AddWithValue("$model", model);
        var vector = insert.Parameters.Add(new SqliteParameter { ParameterName = "$vector" });

        using var dequeue = connection.CreateCommand();
        dequeue.Transaction = transaction;
        dequeue.CommandText = "DELETE FROM embedding_queue WHERE seq = $seq";
        var dequeued = dequeue.Parameters.Add(new SqliteParameter { ParameterName = "$seq" });

        foreach (var (key, values) in embeddings)
        {
            seq.Value = key;
            vector.Value = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
            insert.ExecuteNonQuery();
            dequeued.Value = key;
            dequeue.ExecuteNonQuery();
        }

        transaction.Commit();
        return Task.CompletedTask;
    }

    public Task<long> CountPendingEmbeddingsAsync(CancellationToken cancellationToken)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM embedding_queue";
        return Task.FromResult((long)command.ExecuteScalar()!);
    }

    private static bool IsEmpty(SearchFilter filter) =>
        filter.From is null && filter.To is null && filter.Kinds.Count == 0 && filter.Datasets.Count == 0;

    private static string Prefixed(string alias) =>
        string.Join(", ", SqliteRecordStore.RecordColumns.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => alias + "." + c));

    /// <summary>The haversine great-circle distance in metres, in SQL (SQLite's math functions).</summary>
    private static string Haversine(string lat1, string lon1, string lat2, string lon2) => string.Create(CultureInfo.InvariantCulture, $"""
        (2 * {EarthRadiusMeters} * asin(min(1, sqrt(
            pow(sin(radians({lat2} - {lat1}) / 2), 2)
            + cos(radians({lat1})) * cos(radians({lat2})) * pow(sin(radians({lon2} - {lon1}) / 2), 2)))))
        """);

    private static void AppendBox(StringBuilder sql, SqliteCommand command, string name, double minLat, double maxLat, double minLon, double maxLon)
    {
        var alias = name + "_records";
        var (source, inBox) = PlaceCellSql.Join(command, name, alias, minLat, maxLat, minLon, maxLon);
        sql.Append(CultureInfo.InvariantCulture, $" AND r.seq IN (SELECT {alias}.seq FROM {source} WHERE {inBox})");
    }

    /// <summary>
    /// Appends the caller's filter and the constraints of the current token (<see cref="AccessScope.Current"/>), so
    /// that every search, place and timeline query returns only the records the token may read.
    /// </summary>
    internal static void AppendFilter(StringBuilder sql, SqliteCommand command, SearchFilter filter)
    {
        AccessScope.Current?.AppendRecordFilter(sql, command, "r.");
        if (filter.From is { } from)
        {
            sql.Append(" AND r.start_ms >= $from");
            command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        }

        if (filter.To is { } to)
        {
            sql.Append(" AND r.start_ms < $to");
            command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        }

        AppendIn(sql, command, "kind", filter.Kinds);
        AppendIn(sql, command, "dataset", filter.Datasets);
    }

    private static void AppendIn(StringBuilder sql, SqliteCommand command, string column, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        sql.Append(CultureInfo.InvariantCulture, $" AND r.{column} IN (");
        for (var i = 0; i < values.Count; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"${column}{i}");
            sql.Append(i == 0 ? name : ", " + name);
            command.Parameters.AddWithValue(name, values[i]);
        }

        sql.Append(')');
    }
}
