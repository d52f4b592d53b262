using Datapunk.Lake.Search;
using Datapunk.Lake.Storage;
using Datapunk.Lake.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Tests.Search;

public sealed class TextSearchTests
{
    [Theory]
    [InlineData("walk*", new[] { "Trail walk to the ridge", "Walking tour of the old town" })]
    [InlineData("trail walk", new[] { "Trail walk to the ridge" })]
    [InlineData("\"trail walk\"", new[] { "Trail walk to the ridge" })]
    [InlineData("\"walk trail\"", new string[0])]
    [InlineData("walk", new[] { "Trail walk to the ridge" })]
    [InlineData("creme brulee", new[] { "Crème brûlée recipe" })]
    [InlineData("ZURICH", new[] { "Zürich tram map" })]
    [InlineData("cooking", new[] { "Crème brûlée recipe" })]
    [InlineData("groceries OR budget", new[] { "Groceries", "Meeting notes" })]
    [InlineData("walk* -tour", new[] { "Trail walk to the ridge" })]
    [InlineData("picnic", new[] { "Trail walk to the ridge" })]
    [InlineData("東京タワー", new[] { "東京タワーに行った" })]
    [InlineData("行きました", new[] { "東京タワーに行った" })]
    [InlineData("title:walk", new string[0])]
    public async Task TextQuery_FindsExactSet(string query, string[] expected)
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var page = await temp.Lake.Search.SearchAsync(new SearchRequest { Query = query, Limit = 50 }, CancellationToken.None);

        Assert.Equal(expected.Order(StringComparer.Ordinal), page.Items.Select(h => h.Record.Title!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TitleMatch_RanksAboveBodyMatch()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        // "tour" is in a title; "picnic" only in a body.
        var page = await temp.Lake.Search.SearchAsync(new SearchRequest { Query = "picnic OR tour", Limit = 10 }, CancellationToken.None);

        Assert.Equal(["Walking tour of the old town", "Trail walk to the ridge"], page.Items.Select(h => h.Record.Title!));
        Assert.Equal([1, 2], page.Items.Select(h => h.TextRank!.Value));
    }

    [Fact]
    public async Task Snippet_HighlightsMatchedWord()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var hit = (await temp.Lake.Search.SearchAsync(new SearchRequest { Query = "picnic" }, CancellationToken.None)).Items.Single();

        Assert.NotNull(hit.Snippet);
        Assert.Equal("Six hours on the trail above the lake, with a picnic at the top.", hit.Snippet.Text);
        var range = Assert.Single(hit.Snippet.Highlights);
        Assert.Equal("picnic", hit.Snippet.Text.Substring(range.Start, range.Length));
        Assert.Equal("Six hours on the trail above the lake, with a [picnic] at the top.", hit.Snippet.Mark("[", "]"));
    }

    [Theory]
    [InlineData("note", null, null, new[] { "Trail walk to the ridge", "Walking tour of the old town" })]
    [InlineData("web-visit", null, null, new string[0])]
    [InlineData(null, "2024-05-20", null, new[] { "Walking tour of the old town" })]
    [InlineData(null, null, "2024-05-20", new[] { "Trail walk to the ridge" })]
    public async Task Filters_NarrowTextResults(string? kind, string? from, string? to, string[] expected)
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);
        var filter = SearchFilterParser.TryParse(from, to, kind, null, out _)!;

        var page = await temp.Lake.Search.SearchAsync(new SearchRequest { Query = "walk*", Filter = filter }, CancellationToken.None);

        Assert.Equal(expected.Order(StringComparer.Ordinal), page.Items.Select(h => h.Record.Title!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DatasetFilter_NarrowsTextResults()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);
        var filter = new SearchFilter { Datasets = [SearchFixture.Places] };

        var page = await temp.Lake.Search.SearchAsync(new SearchRequest { Query = "tower OR walk", Filter = filter }, CancellationToken.None);

        Assert.Equal(["Eiffel Tower"], page.Items.Select(h => h.Record.Title!));
    }

    [Fact]
    public async Task Cursor_PagesThroughAllHits()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var first = await temp.Lake.Search.SearchAsync(new SearchRequest { Query = "walk*", Limit = 1 }, CancellationToken.None);
        var second = await temp.Lake.Search.SearchAsync(new SearchRequest { Query = "walk*", Limit = 1, Cursor = first.NextCursor }, CancellationToken.None);

        Assert.Single(first.Items);
        Assert.NotNull(first.NextCursor);
        Assert.Single(second.Items);
        Assert.Null(second.NextCursor);
        Assert.NotEqual(first.Items[0].Record.Id, second.Items[0].Record.Id);
        Assert.Equal(2, second.Items[0].TextRank);
    }

    [Fact]
    public async Task Cursor_FromOtherQueryIsRejected()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);
        var first = await temp.Lake.Search.SearchAsync(new SearchRequest { Query = "walk*", Limit = 1 }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidSearchException>(() =>
            temp.Lake.Search.SearchAsync(new SearchRequest { Query = "tour", Limit = 1, Cursor = first.NextCursor }, CancellationToken.None));

        Assert.Contains("another query", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"unclosed")]
    [InlineData("-walk")]
    [InlineData("walk OR")]
    [InlineData("東京")]
    public async Task BadQuery_IsRejected(string query)
    {
        await using var temp = await TempLake.CreateAsync();

        await Assert.ThrowsAsync<InvalidSearchException>(() =>
            temp.Lake.Search.SearchAsync(new SearchRequest { Query = query }, CancellationToken.None));
    }

    [Fact]
    public async Task LocationFix_GetsNoTextIndexRow()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        Assert.Equal(SearchFixture.TextRecords, CountRows(temp, "records_fts_docsize"));
        Assert.Equal(SearchFixture.TextRecords, CountRows(temp, "records_trigram_docsize"));
        Assert.Equal(SearchFixture.TextRecords, CountRows(temp, "embedding_queue"));
    }

    [Fact]
    public async Task UncommittedFile_LeavesNoIndexEntries()
    {
        await using var temp = await TempLake.CreateAsync();
        using (var writer = temp.Lake.Records.BeginFile("import-x", "x.json", new FileParseKey(new string('1', 64), "test.fixture", 1, "owner")))
        {
            writer.Add(SearchFixture.Drafts[0]);
        }

        var page = await temp.Lake.Search.SearchAsync(new SearchRequest { Query = "trail" }, CancellationToken.None);

        Assert.Empty(page.Items);
        Assert.Equal(0, CountRows(temp, "records_fts_docsize"));
        Assert.Equal(0, CountRows(temp, "embedding_queue"));
    }

    internal static long CountRows(TempLake temp, string table)
    {
        using var connection = new SqliteConnection($"Data Source={temp.Lake.Options.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table}";
        return (long)command.ExecuteScalar()!;
    }
}
