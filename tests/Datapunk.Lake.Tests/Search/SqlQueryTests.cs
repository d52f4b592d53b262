using Datapunk.Lake.Search.Sql;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Search;

public sealed class SqlQueryTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Select_OverView_ReturnsRows()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var result = temp.Lake.Sql.Run("SELECT kind, count(*) AS n FROM lake_records GROUP BY kind ORDER BY kind", 100, Limit, CancellationToken.None);

        Assert.Equal(["kind", "n"], result.Columns);
        Assert.Equal(
            ["location=1", "message=1", "note=5", "visit=3", "web-visit=2"],
            result.Rows.Select(r => $"{r[0]}={r[1]}"));
        Assert.False(result.Truncated);
    }

    [Fact]
    public async Task Select_ReadsJsonAttributes()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var result = temp.Lake.Sql.Run(
            "SELECT json_extract(attributes, '$.url') FROM lake_records WHERE kind = 'web-visit' ORDER BY start_ms", 100, Limit, CancellationToken.None);

        Assert.Equal(["https://zvv.example.ch/map", "https://cooking.example.com/creme-brulee"], result.Rows.Select(r => (string)r[0]!));
    }

    [Theory]
    [InlineData("INSERT INTO lake_datasets (name, record_count) VALUES ('x', 1)")]
    [InlineData("DELETE FROM records")]
    [InlineData("UPDATE records SET title = 'x'")]
    [InlineData("DROP TABLE records")]
    [InlineData("CREATE TABLE t (x)")]
    [InlineData("CREATE TEMP VIEW v AS SELECT 1")]
    [InlineData("ATTACH DATABASE '/tmp/other.db' AS other")]
    [InlineData("DETACH DATABASE main")]
    [InlineData("PRAGMA journal_mode = DELETE")]
    [InlineData("PRAGMA table_info(records)")]
    [InlineData("BEGIN")]
    [InlineData("SAVEPOINT s")]
    [InlineData("VACUUM")]
    [InlineData("ANALYZE")]
    [InlineData("REINDEX")]
    [InlineData("SELECT * FROM records")]
    [InlineData("SELECT * FROM sqlite_master")]
    [InlineData("SELECT * FROM records_fts WHERE records_fts MATCH 'walk'")]
    [InlineData("SELECT 1; DELETE FROM records")]
    [InlineData("SELECT 1; SELECT 2")]
    [InlineData("SELECT load_extension('/tmp/x.so')")]
    [InlineData("SELEC 1")]
    [InlineData("")]
    public async Task Statement_IsRejectedBeforeItRuns(string sql)
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var error = Assert.Throws<SqlRejectedException>(() => temp.Lake.Sql.Run(sql, 100, Limit, CancellationToken.None));

        Assert.False(error.TimedOut);
        Assert.Equal(12, TextSearchTests.CountRows(temp, "records"));
        Assert.Equal(1, TextSearchTests.CountRows(temp, "datasets WHERE name = 'test/notes/owner'"));
    }

    [Fact]
    public async Task RejectedPragma_NamesTheAction()
    {
        await using var temp = await TempLake.CreateAsync();

        var error = Assert.Throws<SqlRejectedException>(() => temp.Lake.Sql.Run("PRAGMA journal_mode = DELETE", 100, Limit, CancellationToken.None));

        Assert.Contains("PRAGMA is not allowed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LongQuery_StopsAtTimeLimit()
    {
        await using var temp = await TempLake.CreateAsync();

        var error = Assert.Throws<SqlRejectedException>(() => temp.Lake.Sql.Run(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
            100, TimeSpan.FromMilliseconds(200), CancellationToken.None));

        Assert.True(error.TimedOut, error.Message);
    }

    [Fact]
    public async Task ManyRows_StopAtRowCap()
    {
        await using var temp = await TempLake.CreateAsync();

        var result = temp.Lake.Sql.Run(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50) SELECT x FROM c", 10, Limit, CancellationToken.None);

        Assert.Equal(10, result.Rows.Count);
        Assert.True(result.Truncated);
        Assert.Equal(10L, result.Rows[^1][0]);
    }
}
