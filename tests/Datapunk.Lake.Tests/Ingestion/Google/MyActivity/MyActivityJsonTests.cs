using Datapunk.Lake.Imports;
using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google.MyActivity;

public sealed class MyActivityJsonTests
{
    [Fact]
    public async Task CorpusSearchJson_ImportsSearchAndVisit()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(Corpus.File("dogsheep+google-takeout-to-sqlite/tests/zip_contents/Takeout/My Activity/Search/My Activity.json"));

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(2, records.Count);

        var search = records.Single(r => r.Kind == RecordKinds.Search);
        Assert.Equal("google/my-activity/search/owner", search.Dataset);
        Assert.Equal("Searched for \"myactivity\" google export", search.Title);
        Assert.Equal("\"myactivity\" google export", search.Text);
        Assert.Equal(new DateTimeOffset(2019, 5, 30, 15, 37, 14, 947, TimeSpan.Zero), search.Start);
        Assert.Equal(37.773692, search.Latitude);
        Assert.Equal(-122.429737, search.Longitude);
        Assert.Equal("https://www.google.com/search?q=%22myactivity%22+google+export", (string?)search.Attributes!["url"]);
        Assert.Equal("From your places (Home)", (string?)search.Attributes["locationInfos"]![0]!["source"]);
        Assert.Equal("/1", search.Provenance.Pointer);

        var visit = records.Single(r => r.Kind == RecordKinds.WebVisit);
        Assert.Equal("data liberation - How to download Google Search history? - Web ...", visit.Text);
        Assert.Equal(new DateTimeOffset(2019, 5, 30, 15, 37, 18, 828, TimeSpan.Zero), visit.Start);
        Assert.Null(visit.Latitude);
        Assert.Equal("/0", visit.Provenance.Pointer);
    }

    [Fact]
    public async Task CorpusWatchHistory_ImportsEveryWatch()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(Corpus.File("slammingprogramming+exportube/tests/fixtures/watch-history.json"));

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(4, records.Count);
        Assert.All(records, r => Assert.Equal(RecordKinds.VideoWatch, r.Kind));
        Assert.All(records, r => Assert.Equal("google/my-activity/youtube/owner", r.Dataset));

        // The same video watched twice is two records; the removed video has no URL but still imports.
        Assert.Equal(2, records.Count(r => r.Text == "Daft Punk - One More Time (Official Video)"));
        var removed = records.Single(r => r.Start == new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal("a video that has been removed", removed.Text);
        Assert.False(removed.Attributes!.ContainsKey("url"));

        var first = records[0];
        Assert.Equal(new DateTimeOffset(2024, 1, 15, 3, 14, 21, 123, TimeSpan.Zero), first.Start);
        Assert.Equal("Daft Punk", (string?)first.Attributes!["subtitles"]![0]!["name"]);
        Assert.Equal("YouTube watch history", (string?)first.Attributes["activityControls"]![0]);
    }

    [Fact]
    public async Task ImportTwice_AddsNoDuplicates()
    {
        await using var lake = await TempLake.CreateAsync();
        var path = Corpus.File("slammingprogramming+exportube/tests/fixtures/watch-history.json");
        await lake.ImportAsync(path);

        var second = await lake.ImportAsync(path);

        Assert.Equal(0, second.RecordsAdded);
        Assert.Equal(4, (await lake.AllRecordsAsync()).Count);
    }

    [Theory]
    [InlineData("Google Suche", "Gesucht nach: Katzen", RecordKinds.Search, "Katzen")]
    [InlineData("Google Suche", "Example Site aufgerufen", RecordKinds.WebVisit, "Example Site")]
    [InlineData("YouTube", "Musikvideo angesehen", RecordKinds.VideoWatch, "Musikvideo")]
    [InlineData("Google Suche", "Normal result angesehen", RecordKinds.Activity, "Normal result angesehen")]
    [InlineData("YouTube", "Vous avez recherché linear algebra", RecordKinds.Search, "linear algebra")]
    [InlineData("YouTube", "Vous avez regardé Un film", RecordKinds.VideoWatch, "Un film")]
    [InlineData("Recherche", "Recherche effectuée : météo", RecordKinds.Search, "météo")]
    [InlineData("YouTube", "Has visto Un vídeo", RecordKinds.VideoWatch, "Un vídeo")]
    [InlineData("Búsqueda", "Has buscado el tiempo", RecordKinds.Search, "el tiempo")]
    [InlineData("Search", "Visited\u00a0Example", RecordKinds.WebVisit, "Example")]
    [InlineData("Maps", "Used Maps", RecordKinds.Activity, "Used Maps")]
    [InlineData("Search", "Visitedsomething", RecordKinds.Activity, "Visitedsomething")]
    public async Task TranslatedTitle_GivesKindAndSubject(string header, string title, string kind, string subject)
    {
        await using var lake = await TempLake.CreateAsync();
        var json = $$"""[{"header": "{{header}}", "title": "{{title}}", "time": "2024-02-03T04:05:06.789Z", "products": ["{{header}}"]}]""";

        var summary = await lake.ImportTextAsync("Takeout/Meine Aktivitäten/Suche/MeineAktivitäten.json", json);

        var record = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(0, summary.Errors);
        Assert.Equal(kind, record.Kind);
        Assert.Equal(subject, record.Text);
    }

    [Fact]
    public async Task YouTubeMusicHeader_GivesOwnDataset()
    {
        await using var lake = await TempLake.CreateAsync();
        const string json = """
            [{"header": "YouTube Music", "title": "Watched Song", "titleUrl": "https://music.youtube.com/watch?v=abc", "time": "2024-02-03T04:05:06.789123Z", "products": ["YouTube"]},
             {"header": "YouTube", "title": "Searched for lofi beats", "titleUrl": "https://www.youtube.com/results?search_query=lofi+beats", "time": "2024-02-03T04:06:00Z", "products": ["YouTube"]}]
            """;

        await lake.ImportTextAsync("Takeout/YouTube and YouTube Music/history/search-history.json", json);

        var records = await lake.AllRecordsAsync();
        Assert.Equal("google/my-activity/youtube-music/owner", records[0].Dataset);
        Assert.Equal(RecordKinds.VideoWatch, records[0].Kind);
        // The store keeps milliseconds; the microseconds of the export only matter for the merge key, which drops them.
        Assert.Equal(new DateTimeOffset(2024, 2, 3, 4, 5, 6, 789, TimeSpan.Zero), records[0].Start);
        Assert.Equal("google/my-activity/youtube/owner", records[1].Dataset);
        Assert.Equal(RecordKinds.Search, records[1].Kind);
        Assert.Equal("lofi beats", records[1].Text);
    }

    [Fact]
    public async Task EmptyArray_ParsesWithNoRecords()
    {
        await using var lake = await TempLake.CreateAsync();

        var summary = await lake.ImportTextAsync("Takeout/My Activity/Search/MyActivity.json", "[]");

        Assert.Equal(0, summary.Errors);
        Assert.Equal(1, summary.FilesParsed);
        Assert.Empty(await lake.AllRecordsAsync());
    }

    [Fact]
    public async Task InvalidTime_FailsFileWithPosition()
    {
        await using var lake = await TempLake.CreateAsync();
        const string json = """
            [{"header": "Search", "title": "Searched for a", "time": "2024-02-03T04:05:06Z"},
             {"header": "Search", "title": "Searched for b", "time": "yesterday"}]
            """;

        var summary = await lake.ImportTextAsync("Takeout/My Activity/Search/MyActivity.json", json);

        var file = Assert.Single(await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None));
        Assert.Equal(1, summary.Errors);
        Assert.Equal(FileOutcome.Error, file.Outcome);
        Assert.Contains("Entry 1 has the time 'yesterday'", file.Message, StringComparison.Ordinal);
        Assert.StartsWith("/1 (byte ", file.Position, StringComparison.Ordinal);
        Assert.Empty(await lake.AllRecordsAsync());
    }
}
