using Datapunk.Lake.Sovereignty.Audit;
using Datapunk.Lake.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Tests.Sovereignty;

/// <summary>
/// Group commit of <see cref="AuditLog.Append"/>. To make a batch form, a test connection holds <c>audit.db</c>'s write
/// lock: the writer takes its batch and then waits for the lock, while further appends queue for the next batch.
/// </summary>
public sealed class AuditBatchTests
{
    private static readonly TimeSpan StateTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Append_ConcurrentEntriesFormVerifiedChain()
    {
        const int threads = 8;
        const int appendsPerThread = 150;
        var directory = TempLake.NewDirectory();
        var log = AuditLog.InDataDirectory(directory);

        var results = await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
            Enumerable.Range(0, appendsPerThread).Select(i => log.Append("token-" + t, "GET /v1/datasets", $"i={i}", "ok 200")).ToList())));
        var stored = log.Page(0, 10 * threads * appendsPerThread);
        var verification = log.Verify();

        Assert.True(verification.IsValid, verification.Problem);
        Assert.Equal(threads * appendsPerThread, verification.EntriesChecked);
        Assert.Equal(Enumerable.Range(1, threads * appendsPerThread).Select(i => (long)i), results.SelectMany(r => r).Select(e => e.Sequence).Order());
        foreach (var entries in results)
        {
            // Each thread's appends complete one after the other, so their sequences rise and each is the stored entry.
            Assert.Equal(entries.Select(e => e.Sequence).Order(), entries.Select(e => e.Sequence));
            Assert.All(entries, e => Assert.Equal(stored[(int)e.Sequence - 1], e));
        }

        Assert.Equal($"{stored[^1].Sequence} {stored[^1].Hash}", (await File.ReadAllTextAsync(Path.Combine(directory, "audit-head"))).Trim());
    }

    [Fact]
    public async Task Append_QueuedEntriesShareOneBatch()
    {
        var directory = TempLake.NewDirectory();
        var log = AuditLog.InDataDirectory(directory);
        log.Append("token-a", "setup", null, "ok 200");

        AuditEntry first;
        AuditEntry[] queued;
        using (var holder = HoldWriteLock(directory))
        {
            var writer = Task.Run(() => log.Append("token-a", "GET /v1/datasets", "first", "ok 200"));
            await WaitForAsync(log, (true, 0));
            var followers = new[] { "b", "c", "d" }.Select(target => Task.Run(() => log.Append("token-a", "GET /v1/datasets", target, "ok 200"))).ToList();
            await WaitForAsync(log, (true, 3));
            holder.Release();

            first = await writer;
            queued = await Task.WhenAll(followers);
        }

        var stored = log.Page(0, 100);

        Assert.Equal(2, first.Sequence);
        Assert.Equal([3L, 4L, 5L], queued.Select(e => e.Sequence).Order());
        Assert.Equal(stored.Skip(2), queued.OrderBy(e => e.Sequence));
        Assert.True(log.Verify().IsValid);
        Assert.Equal((false, 0), log.QueueState);
    }

    [Fact]
    public async Task Append_FailedBatchFailsEveryWaiter()
    {
        var directory = TempLake.NewDirectory();
        var log = AuditLog.InDataDirectory(directory);
        log.Append("token-a", "setup", null, "ok 200");
        Execute(directory, """
            CREATE TRIGGER test_fail_marked BEFORE INSERT ON audit_log WHEN NEW.target = 'fail'
            BEGIN
                SELECT RAISE(ABORT, 'test failure');
            END;
            """);

        AuditEntry first;
        List<Task<AuditEntry>> followers;
        using (var holder = HoldWriteLock(directory))
        {
            var writer = Task.Run(() => log.Append("token-a", "GET /v1/datasets", "first", "ok 200"));
            await WaitForAsync(log, (true, 0));
            followers = new[] { "b", "fail", "d" }.Select(target => Task.Run(() => log.Append("token-a", "GET /v1/datasets", target, "ok 200"))).ToList();
            await WaitForAsync(log, (true, 3));
            holder.Release();

            first = await writer;
            foreach (var follower in followers)
            {
                await Assert.ThrowsAsync<AuditAppendException>(() => follower);
            }
        }

        var afterFailure = log.Verify();
        Execute(directory, "DROP TRIGGER test_fail_marked");
        var next = log.Append("token-a", "GET /v1/datasets", "after", "ok 200");
        var verification = log.Verify();

        Assert.Equal(2, first.Sequence);
        Assert.IsType<SqliteException>(followers[0].Exception!.InnerException!.InnerException);
        Assert.True(afterFailure.IsValid, afterFailure.Problem);
        Assert.Equal(2, afterFailure.EntriesChecked);
        Assert.Equal(3, next.Sequence);
        Assert.Equal(first.Hash, next.PreviousHash);
        Assert.True(verification.IsValid, verification.Problem);
        Assert.Equal(3, verification.EntriesChecked);
        Assert.Equal((false, 0), log.QueueState);
    }

    [Fact]
    public async Task Append_OtherProcessDuringBatch()
    {
        // A second AuditLog on the same files has its own queue and lock, as the CLI in another process would.
        var directory = TempLake.NewDirectory();
        var server = AuditLog.InDataDirectory(directory);
        var commandLine = AuditLog.InDataDirectory(directory);
        server.Append("token-a", "setup", null, "ok 200");

        AuditEntry[] serverEntries;
        AuditEntry commandLineEntry;
        using (var holder = HoldWriteLock(directory))
        {
            var writer = Task.Run(() => server.Append("token-a", "GET /v1/datasets", "first", "ok 200"));
            await WaitForAsync(server, (true, 0));
            var followers = new[] { "b", "c" }.Select(target => Task.Run(() => server.Append("token-a", "GET /v1/datasets", target, "ok 200"))).ToList();
            await WaitForAsync(server, (true, 2));
            var local = Task.Run(() => commandLine.Append("local-cli:test", "GET /v1/records", null, "ok exit 0"));
            await WaitForAsync(commandLine, (true, 0));
            holder.Release();

            serverEntries = [await writer, .. await Task.WhenAll(followers)];
            commandLineEntry = await local;
        }

        var stored = server.Page(0, 100);
        var verification = commandLine.Verify();
        var batch = serverEntries.Skip(1).OrderBy(e => e.Sequence).ToList();

        Assert.True(verification.IsValid, verification.Problem);
        Assert.Equal(5, verification.EntriesChecked);
        Assert.Equal(batch[0].Sequence + 1, batch[1].Sequence);
        Assert.Equal(batch[0].Hash, batch[1].PreviousHash);
        Assert.Equal(commandLineEntry, stored[(int)commandLineEntry.Sequence - 1]);
        Assert.Equal($"{stored[^1].Sequence} {stored[^1].Hash}", (await File.ReadAllTextAsync(Path.Combine(directory, "audit-head"))).Trim());
    }

    private static WriteLockHolder HoldWriteLock(string directory) => new(directory);

    private static void Execute(string directory, string sql)
    {
        using var connection = new SqliteConnection(ConnectionString(directory));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string ConnectionString(string directory) =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, AuditLog.DatabaseFileName), Pooling = false }.ToString();

    private static async Task WaitForAsync(AuditLog log, (bool Writing, int Queued) state)
    {
        var deadline = DateTime.UtcNow + StateTimeout;
        while (log.QueueState != state)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The log's queue state stayed {log.QueueState}, expected {state}.");
            await Task.Delay(5);
        }
    }

    /// <summary>An open IMMEDIATE transaction on <c>audit.db</c>, which holds its write lock until released.</summary>
    private sealed class WriteLockHolder : IDisposable
    {
        private readonly SqliteConnection _connection;
        private SqliteTransaction? _transaction;

        public WriteLockHolder(string directory)
        {
            _connection = new SqliteConnection(ConnectionString(directory));
            _connection.Open();
            _transaction = _connection.BeginTransaction(deferred: false);
        }

        public void Release()
        {
            _transaction?.Rollback();
            _transaction = null;
        }

        public void Dispose()
        {
            Release();
            _connection.Dispose();
        }
    }
}
