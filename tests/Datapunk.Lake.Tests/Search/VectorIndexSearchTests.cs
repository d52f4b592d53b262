using Datapunk.Lake.Records;
using Datapunk.Lake.Search;
using Datapunk.Lake.Search.Sqlite;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Sovereignty.Deletion;
using Datapunk.Lake.Storage;
using Datapunk.Lake.Storage.Sqlite;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Search;

/// <summary>
/// Semantic search through the in-memory vector index against the exact table scan, on a real lake with fixed
/// vectors (no model): same hits, same order, same filters, and deletions, re-embeds and writes by another
/// process seen on the next search.
/// </summary>
public sealed class VectorIndexSearchTests
{
    private const string Model = "fixed-test-vectors";
    private const int Records = 600;

    [Fact]
    public async Task Nearest_MatchesScanInOrder()
    {
        await using var temp = await TempLake.CreateAsync();
        var (index, reference, vectors) = await SeedAsync(temp);

        foreach (var query in QuantizedVectorIndexTests.RandomVectors(77, 10).Values.Append(vectors.Values.First()))
        {
            foreach (var (skip, take) in new[] { (0, 21), (20, 21), (0, 1), (0, 1000) })
            {
                var expected = reference.ScanNearest(query, new SearchFilter(), skip, take, CancellationToken.None);
                var actual = await index.NearestAsync(query, new SearchFilter(), skip, take, CancellationToken.None);
                Assert.Equal(expected, actual);
            }
        }

        Assert.Equal(Records, index.VectorsInMemory);
    }

    [Fact]
    public async Task Nearest_OrdersTiesByKey()
    {
        await using var temp = await TempLake.CreateAsync();
        var (index, reference, vectors) = await SeedAsync(temp, copies: 30);
        var query = vectors.Values.First();

        var expected = reference.ScanNearest(query, new SearchFilter(), 0, 21, CancellationToken.None);
        var actual = await index.NearestAsync(query, new SearchFilter(), 0, 21, CancellationToken.None);

        Assert.Equal(expected, actual);
        Assert.Equal(actual[0].Similarity, actual[20].Similarity);
    }

    [Theory]
    [InlineData("note", null, null, null)]
    [InlineData(null, "test/b/owner", null, null)]
    [InlineData(null, null, "2024-01-03T00:00:00Z", "2024-01-05T00:00:00Z")]
    [InlineData("web-visit", "test/a/owner", "2024-01-02T00:00:00Z", null)]
    public async Task Nearest_HonoursFilter(string? kind, string? dataset, string? from, string? to)
    {
        await using var temp = await TempLake.CreateAsync();
        var (index, reference, _) = await SeedAsync(temp);
        var filter = new SearchFilter
        {
            Kinds = kind is null ? [] : [kind],
            Datasets = dataset is null ? [] : [dataset],
            From = from is null ? null : DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
            To = to is null ? null : DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture),
        };

        foreach (var query in QuantizedVectorIndexTests.RandomVectors(78, 5).Values)
        {
            var expected = reference.ScanNearest(query, filter, 0, 50, CancellationToken.None);
            var actual = await index.NearestAsync(query, filter, 0, 50, CancellationToken.None);
            Assert.NotEmpty(actual);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task Nearest_HonoursTokenConstraints()
    {
        await using var temp = await TempLake.CreateAsync();
        var (index, reference, _) = await SeedAsync(temp);
        var query = QuantizedVectorIndexTests.RandomVectors(79, 1)[0];
        var records = await temp.Lake.Search.Index.GetRecordsAsync(Enumerable.Range(1, Records + 10).Select(k => (long)k).ToList(), CancellationToken.None);

        AccessScope.Current = new AccessScope { TokenId = "t1", Scopes = [TokenScopes.Read], Datasets = ["test/a/owner"], Kinds = ["note"] };
        try
        {
            var expected = reference.ScanNearest(query, new SearchFilter(), 0, 100, CancellationToken.None);
            var actual = await index.NearestAsync(query, new SearchFilter(), 0, 100, CancellationToken.None);

            Assert.Equal(expected, actual);
            Assert.All(actual, m => Assert.Equal("test/a/owner", records[m.Key].Dataset));
            Assert.All(actual, m => Assert.Equal("note", records[m.Key].Kind));
        }
        finally
        {
            AccessScope.Current = null;
        }
    }

    [Fact]
    public async Task Delete_RemovesVectorsFromMemory()
    {
        await using var temp = await TempLake.CreateAsync();
        var (index, reference, vectors) = await SeedAsync(temp);
        var query = vectors.Values.First();
        await index.NearestAsync(query, new SearchFilter(), 0, 10, CancellationToken.None);

        var result = await temp.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: "test/a/owner"), scope: null, CancellationToken.None);

        Assert.Equal(Records / 2, result.Records);
        Assert.Equal(Records / 2, index.VectorsInMemory);
        Assert.Equal(0, CountRows(temp, "embedding_changes"));
        var expected = reference.ScanNearest(query, new SearchFilter(), 0, 1000, CancellationToken.None);
        var actual = await index.NearestAsync(query, new SearchFilter(), 0, 1000, CancellationToken.None);
        Assert.Equal(Records / 2, actual.Count);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Reembed_ReplacesVectorInMemory()
    {
        await using var temp = await TempLake.CreateAsync();
        var (index, _, vectors) = await SeedAsync(temp);
        var key = vectors.Keys.First();
        var replacement = QuantizedVectorIndexTests.RandomVectors(80, 1)[0];
        await index.NearestAsync(replacement, new SearchFilter(), 0, 1, CancellationToken.None);

        await index.StoreEmbeddingsAsync(Model, [(key, replacement)], CancellationToken.None);
        var top = await index.NearestAsync(replacement, new SearchFilter(), 0, 1, CancellationToken.None);

        Assert.Equal(key, top[0].Key);
        Assert.Equal(1.0, top[0].Similarity, 5);
    }

    [Fact]
    public async Task OtherProcessWrites_AreSeen()
    {
        await using var temp = await TempLake.CreateAsync();
        var (index, _, vectors) = await SeedAsync(temp);
        var key = vectors.Keys.Last();
        var replacement = QuantizedVectorIndexTests.RandomVectors(81, 1)[0];
        await index.NearestAsync(replacement, new SearchFilter(), 0, 1, CancellationToken.None);

        // A second store and index over the same file, as the CLI opens them while the server runs.
        var other = new SqliteSearchIndex(new SqliteRecordStore(temp.Lake.Options.DatabasePath));
        await other.StoreEmbeddingsAsync(Model, [(key, replacement)], CancellationToken.None);
        var top = await index.NearestAsync(replacement, new SearchFilter(), 0, 1, CancellationToken.None);

        Assert.Equal(key, top[0].Key);
    }

    [Fact]
    public async Task TrimmedChangeLog_ReloadsIndex()
    {
        await using var temp = await TempLake.CreateAsync();
        var (index, reference, vectors) = await SeedAsync(temp);
        var key = vectors.Keys.Last();
        var replacement = QuantizedVectorIndexTests.RandomVectors(82, 1)[0];
        await index.NearestAsync(replacement, new SearchFilter(), 0, 1, CancellationToken.None);

        await index.StoreEmbeddingsAsync(Model, [(key, replacement)], CancellationToken.None);
        Execute(temp, "DELETE FROM embedding_changes");
        var actual = await index.NearestAsync(replacement, new SearchFilter(), 0, 21, CancellationToken.None);

        Assert.Equal(key, actual[0].Key);
        Assert.Equal(reference.ScanNearest(replacement, new SearchFilter(), 0, 21, CancellationToken.None), actual);
    }

    [Fact]
    public async Task OverLimit_FallsBackToScan()
    {
        await using var temp = await TempLake.CreateAsync();
        var (_, reference, vectors) = await SeedAsync(temp);
        var small = new SqliteSearchIndex(new SqliteRecordStore(temp.Lake.Options.DatabasePath), maxVectorsInMemory: 100);
        var query = vectors.Values.First();

        var actual = await small.NearestAsync(query, new SearchFilter(), 0, 21, CancellationToken.None);

        Assert.Equal(0, small.VectorsInMemory);
        Assert.Equal(reference.ScanNearest(query, new SearchFilter(), 0, 21, CancellationToken.None), actual);
    }

    [Fact]
    public async Task EmptyLake_ReturnsNothing()
    {
        await using var temp = await TempLake.CreateAsync();
        var index = (SqliteSearchIndex)temp.Lake.Search.Index;

        var actual = await index.NearestAsync(new float[384], new SearchFilter(), 0, 21, CancellationToken.None);

        Assert.Empty(actual);
    }

    /// <summary>
    /// Writes <see cref="Records"/> note and web-visit records in two datasets, one a day apart in time, and gives
    /// each a fixed vector (with <paramref name="copies"/> records sharing the first vector). Returns the lake's
    /// index, a reference index that always scans, and the vectors by key.
    /// </summary>
    private static async Task<(SqliteSearchIndex Index, SqliteSearchIndex Reference, Dictionary<long, float[]> Vectors)> SeedAsync(TempLake temp, int copies = 0)
    {
        using (var writer = temp.Lake.Records.BeginFile("import-vectors", "vectors.json", new FileParseKey(new string('7', 64), "test.fixture", 1, "owner")))
        {
            for (var i = 0; i < Records; i++)
            {
                writer.Add(new RecordDraft
                {
                    Dataset = i % 2 == 0 ? "test/a/owner" : "test/b/owner",
                    Kind = i % 3 == 0 ? RecordKinds.WebVisit : RecordKinds.Note,
                    MergeKey = "r" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Title = "Record " + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(i / 2.0),
                    Pointer = "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                });
            }

            writer.Commit();
        }

        var index = (SqliteSearchIndex)temp.Lake.Search.Index;
        var pending = await index.PendingEmbeddingsAsync(Records, CancellationToken.None);
        var random = QuantizedVectorIndexTests.RandomVectors(76, Records);
        var vectors = new Dictionary<long, float[]>();
        for (var i = 0; i < pending.Count; i++)
        {
            vectors[pending[i].Key] = i < copies ? random[0] : random[i];
        }

        await index.StoreEmbeddingsAsync(Model, vectors.Select(v => (v.Key, v.Value)).ToList(), CancellationToken.None);
        var reference = new SqliteSearchIndex(new SqliteRecordStore(temp.Lake.Options.DatabasePath), maxVectorsInMemory: 0);
        return (index, reference, vectors);
    }

    private static long CountRows(TempLake temp, string table)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + temp.Lake.Options.DatabasePath);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM " + table;
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(TempLake temp, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + temp.Lake.Options.DatabasePath);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
