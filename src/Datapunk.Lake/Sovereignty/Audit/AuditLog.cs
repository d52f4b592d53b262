using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Sovereignty.Audit;

/// <summary>
/// The append-only, hash-chained audit log, in a database of its own (<c>audit.db</c>) so that appending an entry
/// never waits for an import, which holds the lake database's write lock for the whole of a file. Each entry's hash covers its own fields and the
/// hash of the entry before, so changing, removing, inserting or reordering entries breaks the chain at the first
/// entry touched. Triggers reject UPDATE and DELETE on the table.
/// </summary>
/// <remarks>
/// A chain alone cannot show that entries were cut off its end, so every append also writes the sequence and hash
/// of the newest entry to <c>audit-head</c> in the data directory, and <see cref="Verify"/> compares the two.
/// NOTE: whoever can write both the database and the data directory can rebuild a consistent chain; the log
/// proves what happened only to the extent that the data directory itself is protected (or the head is copied off
/// the machine).
/// </remarks>
public sealed class AuditLog
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The file name of the entries' database in the data directory.</summary>
    public const string DatabaseFileName = "audit.db";

    private readonly string _connectionString;
    private readonly string _headPath;
    private readonly TimeProvider _time;
    private readonly Lock _queueLock = new();

    // Appends waiting for the next batch, oldest first, and whether a caller is writing a batch. Both under _queueLock.
    private List<PendingAuditAppend> _queue = [];
    private bool _writing;

    public AuditLog(string databasePath, string headPath, TimeProvider? time = null)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _headPath = headPath;
        _time = time ?? TimeProvider.System;
        CreateSchema();
    }

    /// <summary>Opens (and creates, when missing) the log of the lake in <paramref name="dataDirectory"/>.</summary>
    public static AuditLog InDataDirectory(string dataDirectory) =>
        new(Path.Combine(dataDirectory, DatabaseFileName), Path.Combine(dataDirectory, "audit-head"));

    /// <summary>The SQLite file that contains the entries.</summary>
    public string DatabasePath { get; }

    /// <summary>Appends one entry and returns it with its hash, once the entry is committed and the head written.</summary>
    /// <remarks>
    /// Appends from several threads are group-committed: the first caller becomes the writer and commits every
    /// entry queued by then in one transaction, in the order they were queued, and writes the head once. The other
    /// callers block until that batch is committed, so no caller returns before its own entry is in the database.
    /// When the transaction fails, every caller in the batch gets an exception and none of its entries is stored.
    /// When only the head write after the commit fails, the entries are stored and every caller still gets the exception.
    /// </remarks>
    /// <exception cref="AuditAppendException">The batch that contained this entry was not committed, or the head was not written after it.</exception>
    public AuditEntry Append(string? tokenId, string action, string? target, string outcome)
    {
        var append = new PendingAuditAppend(tokenId, action, target, outcome);
        bool isWriter;
        lock (_queueLock)
        {
            _queue.Add(append);
            isWriter = !_writing;
            _writing = true;
        }

        if (!isWriter)
        {
            // The writer either completes this append or, when it finishes its own batch first, wakes it to write the next one.
            append.Done.Wait();
            isWriter = !append.IsCompleted;
        }

        if (isWriter)
        {
            WriteQueuedBatch();
        }

        return append.Failure is { } failure
            ? throw new AuditAppendException($"Appending the audit entry '{action}' failed: {failure.Message}", failure)
            : append.Entry!;
    }

    /// <summary>Returns up to <paramref name="limit"/> entries after sequence <paramref name="after"/>, oldest first.</summary>
    public IReadOnlyList<AuditEntry> Page(long after, int limit)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, time_ms, token_id, action, target, outcome, prev_hash, hash FROM audit_log WHERE seq > $after ORDER BY seq LIMIT $limit";
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var entries = new List<AuditEntry>();
        while (reader.Read())
        {
            entries.Add(Read(reader));
        }

        return entries;
    }

    /// <summary>Walks the whole chain and names the first entry that was changed, removed, inserted or moved.</summary>
    /// <remarks>
    /// The head is read before the entries. It always names a committed entry, so that entry is among the entries
    /// read next, however many appends the server and local commands make in between.
    /// </remarks>
    public AuditVerification Verify()
    {
        var head = ReadHead();
        string? hashAtHead = null;
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, time_ms, token_id, action, target, outcome, prev_hash, hash FROM audit_log ORDER BY rowid";
        using var reader = command.ExecuteReader();

        long expected = 1;
        var previous = GenesisHash;
        long checkedCount = 0;
        while (reader.Read())
        {
            var entry = Read(reader);
            if (entry.Sequence != expected)
            {
                var problem = entry.Sequence > expected
                    ? $"Entry {expected} is missing: entry {entry.Sequence} follows entry {expected - 1}."
                    : $"Entry {entry.Sequence} is out of order: it follows entry {expected - 1}.";
                return new AuditVerification(false, checkedCount, Math.Min(expected, entry.Sequence), problem);
            }

            if (!string.Equals(entry.PreviousHash, previous, StringComparison.Ordinal))
            {
                return new AuditVerification(false, checkedCount, entry.Sequence,
                    $"Entry {entry.Sequence} does not chain onto entry {expected - 1}: an entry was inserted, removed or replaced before it.");
            }

            var hash = ComputeHash(entry.Sequence, entry.Time, entry.TokenId, entry.Action, entry.Target, entry.Outcome, entry.PreviousHash);
            if (!string.Equals(hash, entry.Hash, StringComparison.Ordinal))
            {
                return new AuditVerification(false, checkedCount, entry.Sequence, $"Entry {entry.Sequence} was changed: its content does not match its hash.");
            }

            if (head is { } named && named.Sequence == entry.Sequence)
            {
                hashAtHead = entry.Hash;
            }

            checkedCount++;
            previous = entry.Hash;
            expected++;
        }

        return head switch
        {
            null => new AuditVerification(true, checkedCount, null, null),
            { Sequence: < 1 } => new AuditVerification(false, checkedCount, null, "audit-head is malformed: it must contain a sequence number and a hash."),
            { Sequence: var last } when last >= expected =>
                new AuditVerification(false, checkedCount, expected, $"Entries {expected} to {last} were removed from the end of the log (audit-head names entry {last})."),
            { Hash: var hash } when !string.Equals(hash, hashAtHead, StringComparison.Ordinal) =>
                new AuditVerification(false, checkedCount, head.Value.Sequence, $"Entry {head.Value.Sequence} does not match audit-head, which names it with another hash."),
            _ => new AuditVerification(true, checkedCount, null, null),
        };
    }

    /// <summary>The appends queued and whether a writer is running, for tests that need to know a batch is in progress.</summary>
    internal (bool Writing, int Queued) QueueState
    {
        get
        {
            lock (_queueLock)
            {
                return (_writing, _queue.Count);
            }
        }
    }

    /// <summary>
    /// Takes every queued append, commits them as one batch, completes their callers and hands the writer role to
    /// the oldest append queued meanwhile. Only the caller that has the writer role runs this.
    /// </summary>
    private void WriteQueuedBatch()
    {
        List<PendingAuditAppend> batch;
        lock (_queueLock)
        {
            batch = _queue;
            _queue = [];
        }

        try
        {
            var entries = CommitBatch(batch);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Entry = entries[i];
            }
        }
        catch (Exception exception)
        {
            // Every exception goes to the batch's callers: one that escaped here would leave them waiting forever.
            foreach (var append in batch)
            {
                append.Failure = exception;
            }
        }

        PendingAuditAppend? nextWriter = null;
        lock (_queueLock)
        {
            if (_queue.Count == 0)
            {
                _writing = false;
            }
            else
            {
                nextWriter = _queue[0];
            }
        }

        // The writer's own append is in the batch, and it checks its result without waiting.
        foreach (var append in batch)
        {
            append.IsCompleted = true;
            append.Done.Set();
        }

        nextWriter?.Done.Set();
    }

    /// <summary>Inserts the batch in one IMMEDIATE transaction, each entry chained onto the one before, then writes the head.</summary>
    private List<AuditEntry> CommitBatch(List<PendingAuditAppend> batch)
    {
        using var connection = Open();

        // IMMEDIATE takes the write lock before reading the head, so two processes cannot chain onto the same entry.
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
        long sequence = 0;
        var previous = GenesisHash;
        using (var reader = command.ExecuteReader())
        {
            if (reader.Read())
            {
                sequence = reader.GetInt64(0);
                previous = reader.GetString(1);
            }
        }

        command.CommandText = """
            INSERT INTO audit_log (seq, time_ms, token_id, action, target, outcome, prev_hash, hash)
            VALUES ($seq, $time, $token, $action, $target, $outcome, $prev, $hash)
            """;
        var parameters = new[] { "$seq", "$time", "$token", "$action", "$target", "$outcome", "$prev", "$hash" }
            .Select(name => command.Parameters.Add(name, SqliteType.Text))
            .ToArray();
        parameters[0].SqliteType = SqliteType.Integer;
        parameters[1].SqliteType = SqliteType.Integer;

        var entries = new List<AuditEntry>(batch.Count);
        foreach (var append in batch)
        {
            sequence++;
            var time = DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());
            var hash = ComputeHash(sequence, time, append.TokenId, append.Action, append.Target, append.Outcome, previous);
            parameters[0].Value = sequence;
            parameters[1].Value = time.ToUnixTimeMilliseconds();
            parameters[2].Value = (object?)append.TokenId ?? DBNull.Value;
            parameters[3].Value = append.Action;
            parameters[4].Value = (object?)append.Target ?? DBNull.Value;
            parameters[5].Value = append.Outcome;
            parameters[6].Value = previous;
            parameters[7].Value = hash;
            command.ExecuteNonQuery();
            entries.Add(new AuditEntry(sequence, time, append.TokenId, append.Action, append.Target, append.Outcome, previous, hash));
            previous = hash;
        }

        transaction.Commit();
        WriteHead(connection);
        return entries;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private void CreateSchema()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS audit_log (
                seq INTEGER PRIMARY KEY,
                time_ms INTEGER NOT NULL,
                token_id TEXT,
                action TEXT NOT NULL,
                target TEXT,
                outcome TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            );

            CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN
                SELECT RAISE(ABORT, 'The audit log is append-only.');
            END;

            CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN
                SELECT RAISE(ABORT, 'The audit log is append-only.');
            END;
            """;
        command.ExecuteNonQuery();
    }

    internal static string ComputeHash(long sequence, DateTimeOffset time, string? tokenId, string action, string? target, string outcome, string previousHash)
    {
        // Fields are length-prefixed so that no two different entries serialize to the same text.
        var text = new StringBuilder();
        foreach (var field in new[]
                 {
                     sequence.ToString(CultureInfo.InvariantCulture), time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                     tokenId ?? "", action, target ?? "", outcome, previousHash,
                 })
        {
            text.Append(CultureInfo.InvariantCulture, $"{field.Length}:{field}\n");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// Writes the newest committed entry to <c>audit-head</c> while holding the database's write lock. Another process
    /// may have appended since this append committed, so the head names the newest entry rather than this one, and
    /// the lock keeps two writers from using the temporary file at the same time.
    /// </summary>
    /// <remarks>A crash before this write leaves the head one entry behind, which <see cref="Verify"/> accepts.</remarks>
    private void WriteHead(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            var temporary = _headPath + ".tmp";
            File.WriteAllText(temporary, string.Create(CultureInfo.InvariantCulture, $"{reader.GetInt64(0)} {reader.GetString(1)}\n"));
            File.Move(temporary, _headPath, overwrite: true);
        }

        // Nothing was written; committing only releases the lock.
        transaction.Commit();
    }

    private (long Sequence, string Hash)? ReadHead()
    {
        if (!File.Exists(_headPath))
        {
            return null;
        }

        var parts = File.ReadAllText(_headPath).Trim().Split(' ');
        return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? (sequence, parts[1])
            : (-1, "");
    }

    private static AuditEntry Read(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.GetString(5),
        reader.GetString(6),
        reader.GetString(7));
}
