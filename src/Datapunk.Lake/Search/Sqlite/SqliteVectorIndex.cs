using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Search.Sqlite;

/// <summary>
/// Runs nearest-neighbour searches on a <see cref="QuantizedVectorIndex"/> that mirrors
/// <c>record_embeddings</c>, then reranks the candidates with the stored float32 vectors, so the result is the same
/// as an exact scan of the table.
/// </summary>
/// <remarks>
/// The index is loaded on the first semantic search. Before each search it applies the rows that the triggers on
/// <c>record_embeddings</c> added to <c>embedding_changes</c> since the last one (one key per inserted, replaced or
/// deleted vector), so embeddings written or deleted by any process, the CLI included, are seen. When rows it has
/// not applied were trimmed from that log, it loads everything again.
/// </remarks>
internal sealed class SqliteVectorIndex
{
    /// <summary>
    /// The maximum number of vectors kept in memory, about 45 MB per 100,000 (see <see cref="QuantizedVectorIndex"/>), so
    /// at most about 225 MB. A lake with more falls back to scanning the table on every search.
    /// </summary>
    public const int DefaultMaxVectors = 500_000;

    private readonly SqliteRecordStore _store;
    private readonly int _maxVectors;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Lock _refreshLock = new();

    private QuantizedVectorIndex? _vectors;
    private bool _loaded;
    private bool _unusable;
    private long _appliedChange;

    public SqliteVectorIndex(SqliteRecordStore store, int maxVectors = DefaultMaxVectors)
    {
        _store = store;
        _maxVectors = maxVectors;
    }

    /// <summary>The vectors held in memory, or 0 before the first search.</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _vectors?.Count ?? 0;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>
    /// Returns the stored vectors most similar to <paramref name="query"/> inside the filter and the current token's
    /// constraints, most similar first and ties by key, or null when the index cannot serve the search (more vectors than the
    /// limit, vectors of more than one length, or a query of another length) and the caller must scan.
    /// </summary>
    public IReadOnlyList<VectorMatch>? Nearest(float[] query, SearchFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        using var connection = _store.Open();
        using var transaction = connection.BeginTransaction(deferred: true);
        Refresh(connection, transaction, cancellationToken);

        List<long> candidates;
        _lock.EnterReadLock();
        try
        {
            if (_unusable || _vectors is not null && _vectors.Dimensions != query.Length)
            {
                return null;
            }

            if (_vectors is null)
            {
                return [];
            }

            candidates = _vectors.FindCandidates(query, VectorFilter.Create(filter, AccessScope.Current), skip + take, cancellationToken);
        }
        finally
        {
            _lock.ExitReadLock();
        }

        var matches = Rerank(connection, transaction, query, candidates, filter);
        transaction.Commit();
        return matches.Skip(skip).Take(take).ToList();
    }

    /// <summary>
    /// Applies pending changes (which drops the vectors of deleted records from memory) and then empties
    /// <c>embedding_changes</c>, so that no key of a deleted record stays in the database. Other processes that hold
    /// an index notice the trimmed log and reload.
    /// </summary>
    public void ForgetDeleted()
    {
        using var connection = _store.Open();
        lock (_refreshLock)
        {
            if (_loaded)
            {
                using var transaction = connection.BeginTransaction(deferred: true);
                Refresh(connection, transaction, CancellationToken.None);
                transaction.Commit();
            }

            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM embedding_changes";
            command.ExecuteNonQuery();
        }
    }

    private void Refresh(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var head = ReadHead(connection, transaction);
        if (Volatile.Read(ref _loaded) && head <= Volatile.Read(ref _appliedChange))
        {
            return;
        }

        lock (_refreshLock)
        {
            // NOTE: once over the limit or given vectors of two lengths, the index stays off until the process
            // restarts, even if deletions or a re-embedding later bring the lake back within the limit.
            if (_unusable)
            {
                return;
            }

            if (!_loaded)
            {
                Load(connection, transaction, head, cancellationToken);
                return;
            }

            // Another search may have applied changes past this transaction's snapshot meanwhile.
            if (head <= _appliedChange)
            {
                return;
            }

            var changed = ReadChanges(connection, transaction, _appliedChange);
            if (changed.Count != head - _appliedChange)
            {
                Load(connection, transaction, head, cancellationToken);
                return;
            }

            Apply(connection, transaction, changed.Distinct().ToList(), head);
        }
    }

    private void Load(SqliteConnection connection, SqliteTransaction transaction, long head, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT max(seq) FROM record_embeddings";
        var any = command.ExecuteScalar() is long;

        command.CommandText = """
            SELECT e.seq, e.vector, r.start_ms, r.kind, r.dataset
            FROM record_embeddings e JOIN records r ON r.seq = e.seq
            """;
        QuantizedVectorIndex? vectors = null;
        var unusable = false;
        if (any)
        {
            using var reader = command.ExecuteReader();
            var buffer = new byte[4096];
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var vector = ReadVector(reader, ref buffer);
                vectors ??= new QuantizedVectorIndex(vector.Length, Math.Max(1, _maxVectors));
                if (vectors.Count >= _maxVectors || vector.Length != vectors.Dimensions)
                {
                    unusable = true;
                    break;
                }

                vectors.Upsert(reader.GetInt64(0), vector, reader.GetInt64(2), reader.GetString(3), reader.GetString(4));
            }
        }

        if (unusable)
        {
            vectors?.Clear();
            vectors = null;
        }

        vectors?.TrimExcess();

        _lock.EnterWriteLock();
        try
        {
            _vectors?.Clear();
            _vectors = vectors;
            _unusable = unusable;
            Volatile.Write(ref _appliedChange, head);
            Volatile.Write(ref _loaded, true);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private void Apply(SqliteConnection connection, SqliteTransaction transaction, List<long> keys, long head)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT e.seq, e.vector, r.start_ms, r.kind, r.dataset
            FROM record_embeddings e JOIN records r ON r.seq = e.seq
            WHERE e.seq IN (SELECT value FROM json_each($keys))
            """;
        command.Parameters.AddWithValue("$keys", KeysJson(keys));

        var present = new HashSet<long>();
        _lock.EnterWriteLock();
        try
        {
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var key = reader.GetInt64(0);
                    var vector = MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(1));
                    _vectors ??= new QuantizedVectorIndex(vector.Length, Math.Max(1, _maxVectors));
                    if (vector.Length != _vectors.Dimensions || _vectors.Count >= _maxVectors && !_vectors.Contains(key))
                    {
                        // Searches scan the table from now on, and the memory is released.
                        _vectors.Clear();
                        _vectors = null;
                        _unusable = true;
                        return;
                    }

                    _vectors.Upsert(key, vector, reader.GetInt64(2), reader.GetString(3), reader.GetString(4));
                    present.Add(key);
                }
            }

            foreach (var key in keys.Where(k => !present.Contains(k)))
            {
                _vectors?.Remove(key);
            }

            Volatile.Write(ref _appliedChange, head);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private static List<VectorMatch> Rerank(SqliteConnection connection, SqliteTransaction transaction, float[] query, List<long> candidates, SearchFilter filter)
    {
        var matches = new List<VectorMatch>(candidates.Count);
        if (candidates.Count == 0)
        {
            return matches;
        }

        // The filter is applied again in SQL, so that a record the token may not read can never be returned even if
        // the copy in memory were out of date.
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder("""
            SELECT e.seq, e.vector FROM record_embeddings e JOIN records r ON r.seq = e.seq
            WHERE e.seq IN (SELECT value FROM json_each($keys))
            """);
        command.Parameters.AddWithValue("$keys", KeysJson(candidates));
        SqliteSearchIndex.AppendFilter(sql, command, filter);
        command.CommandText = sql.ToString();

        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var stored = MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(1));
                matches.Add(new VectorMatch(reader.GetInt64(0), VectorMath.Dot(query, stored)));
            }
        }

        // The same order as the exact scan: most similar first, then the smaller key.
        matches.Sort((a, b) =>
        {
            var bySimilarity = b.Similarity.CompareTo(a.Similarity);
            return bySimilarity != 0 ? bySimilarity : a.Key.CompareTo(b.Key);
        });
        return matches;
    }

    /// <summary>
    /// Reads the vector in column 1 into a reused buffer: a full load would otherwise allocate one array per row,
    /// about 170 MB of garbage for 110,000 vectors.
    /// </summary>
    private static ReadOnlySpan<float> ReadVector(SqliteDataReader reader, ref byte[] buffer)
    {
        var length = (int)reader.GetBytes(1, 0, null, 0, 0);
        if (length > buffer.Length)
        {
            buffer = new byte[length];
        }

        reader.GetBytes(1, 0, buffer, 0, length);
        return MemoryMarshal.Cast<byte, float>(buffer.AsSpan(0, length));
    }

    private static long ReadHead(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'embedding_changes'), 0)";
        return (long)command.ExecuteScalar()!;
    }

    private static List<long> ReadChanges(SqliteConnection connection, SqliteTransaction transaction, long after)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT seq FROM embedding_changes WHERE id > $after ORDER BY id";
        command.Parameters.AddWithValue("$after", after);
        var keys = new List<long>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            keys.Add(reader.GetInt64(0));
        }

        return keys;
    }

    private static string KeysJson(IEnumerable<long> keys) =>
        "[" + string.Join(",", keys.Select(k => k.ToString(CultureInfo.InvariantCulture))) + "]";
}
