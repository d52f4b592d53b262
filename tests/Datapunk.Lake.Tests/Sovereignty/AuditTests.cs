using Datapunk.Lake.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Tests.Sovereignty;

public sealed class AuditTests
{
    [Fact]
    public async Task Chain_IntactVerifies()
    {
        await using var lake = await AuditedLakeAsync();

        var verification = lake.Lake.Control.Audit.Verify();

        Assert.True(verification.IsValid);
        Assert.Equal(6, verification.EntriesChecked);
    }

    [Fact]
    public async Task Chain_ChangedEntryNamed()
    {
        await using var lake = await AuditedLakeAsync();

        Tamper(lake, "UPDATE audit_log SET target = 'dataset=other' WHERE seq = 3");
        var verification = lake.Lake.Control.Audit.Verify();

        Assert.False(verification.IsValid);
        Assert.Equal(3, verification.FirstBadSequence);
    }

    [Fact]
    public async Task Chain_RemovedEntryNamed()
    {
        await using var lake = await AuditedLakeAsync();

        Tamper(lake, "DELETE FROM audit_log WHERE seq = 4");
        var verification = lake.Lake.Control.Audit.Verify();

        Assert.False(verification.IsValid);
        Assert.Equal(4, verification.FirstBadSequence);
    }

    [Fact]
    public async Task Chain_RemovedLastEntryNamed()
    {
        await using var lake = await AuditedLakeAsync();

        Tamper(lake, "DELETE FROM audit_log WHERE seq = 6");
        var verification = lake.Lake.Control.Audit.Verify();

        Assert.False(verification.IsValid);
        Assert.Equal(6, verification.FirstBadSequence);
    }

    [Fact]
    public async Task Chain_InsertedEntryNamed()
    {
        await using var lake = await AuditedLakeAsync();

        // Entries 4 to 6 move up by one to make room for a forged entry 4 that chains onto entry 3.
        Tamper(lake, """
            CREATE TEMP TABLE moved AS SELECT * FROM audit_log WHERE seq >= 4;
            DELETE FROM audit_log WHERE seq >= 4;
            INSERT INTO audit_log SELECT seq + 1, time_ms, token_id, action, target, outcome, prev_hash, hash FROM temp.moved;
            INSERT INTO audit_log SELECT 4, time_ms, token_id, 'forged', target, outcome, hash, hash FROM audit_log WHERE seq = 3;
            """);
        var verification = lake.Lake.Control.Audit.Verify();

        Assert.False(verification.IsValid);
        Assert.Equal(4, verification.FirstBadSequence);
    }

    [Fact]
    public async Task Chain_ReorderedEntriesNamed()
    {
        await using var lake = await AuditedLakeAsync();

        Tamper(lake, """
            CREATE TEMP TABLE pair AS SELECT * FROM audit_log WHERE seq IN (2, 3);
            DELETE FROM audit_log WHERE seq IN (2, 3);
            INSERT INTO audit_log SELECT 5 - seq, time_ms, token_id, action, target, outcome, prev_hash, hash FROM temp.pair;
            """);
        var verification = lake.Lake.Control.Audit.Verify();

        Assert.False(verification.IsValid);
        Assert.Equal(2, verification.FirstBadSequence);
    }

    [Fact]
    public async Task Log_RejectsUpdateInPlace()
    {
        await using var lake = await AuditedLakeAsync();

        using var connection = new SqliteConnection($"Data Source={lake.Lake.Control.Audit.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE audit_log SET outcome = 'ok' WHERE seq = 2";

        Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());
    }

    /// <summary>A lake whose log contains the owner token's creation and five more entries.</summary>
    private static async Task<TempLake> AuditedLakeAsync()
    {
        var lake = await TempLake.CreateAsync();
        for (var i = 0; i < 5; i++)
        {
            lake.Lake.Control.Audit.Append("tok" + i, "GET /v1/records", "dataset=google/location-history/owner", "ok 200");
        }

        return lake;
    }

    /// <summary>Changes the log as an attacker with write access to the database file would: triggers dropped first.</summary>
    private static void Tamper(TempLake lake, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={lake.Lake.Control.Audit.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; " + sql;
        command.ExecuteNonQuery();
    }
}
