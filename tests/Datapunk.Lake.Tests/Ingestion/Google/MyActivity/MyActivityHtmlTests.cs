using Datapunk.Lake.Imports;
using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google.MyActivity;

public sealed class MyActivityHtmlTests
{
    private const string SearchPath = "Takeout/My Activity/Search/MyActivity.html";

    [Fact]
    public async Task CorpusLegacyChromePage_ImportsEveryEntry()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(Corpus.File("purarue+google_takeout_parser/tests/testdata/HtmlTakeout/My Activity/Chrome/MyActivity.html"));

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal("google/my-activity/search/owner", r.Dataset));
        Assert.All(records, r => Assert.False(r.StartOffsetKnown));

        var search = records[0];
        Assert.Equal(RecordKinds.Search, search.Kind);
        Assert.Equal("Searched for adobe creative cloud", search.Title);
        Assert.Equal("adobe creative cloud", search.Text);
        Assert.Equal(new DateTimeOffset(2017, 2, 8, 0, 32, 36, TimeSpan.Zero), search.Start);
        Assert.Equal("https://www.google.com/search?q=adobe+creative+cloud", (string?)search.Attributes!["url"]);
        Assert.Equal("Search", (string?)search.Attributes["products"]![0]);
        Assert.Equal("From your home", (string?)search.Attributes["locationInfos"]![0]!["source"]);
        Assert.Equal(25.800819, search.Latitude);
        Assert.Equal(-80.18631, search.Longitude);
        Assert.Equal("entry 2", search.Provenance.Pointer);

        var adobe = records[1];
        Assert.Equal(RecordKinds.WebVisit, adobe.Kind);
        Assert.Equal("Visited http://www.adobe.com/creativecloud.html", adobe.Title);
        Assert.Equal(new DateTimeOffset(2017, 2, 8, 0, 32, 39, TimeSpan.Zero), adobe.Start);
        Assert.Equal("https://www.google.com/url?q=http://www.adobe.com/creativecloud.html&usg=AFQjCNH6fum5tBw7J0dbmUYKGFPduC0vSg", (string?)adobe.Attributes!["url"]);

        var forum = records[2];
        Assert.Equal("https://productforums.google.com/forum/", forum.Text);
        Assert.Equal(new DateTimeOffset(2018, 1, 31, 22, 54, 50, TimeSpan.Zero), forum.Start);
        Assert.Equal("entry 0", forum.Provenance.Pointer);
    }

    [Fact]
    public async Task EnglishPageWithZone_KeepsOffset()
    {
        await using var lake = await TempLake.CreateAsync();
        var page = MyActivityHtmlPage.Page(
            MyActivityHtmlPage.Entry("YouTube", "Watched&nbsp;<a href=\"https://www.youtube.com/watch?v=abc\">Cats &amp; dogs</a><br><a href=\"https://www.youtube.com/channel/UC1\">Pet Channel</a><br>Jan 5, 2021, 10:03:04 AM PST", "<b>Products:</b><br>&emsp;YouTube<br><b>Why is this here?</b><br>&emsp;This activity was saved to your Google Account because the following settings were on:&nbsp;YouTube watch history.<br>"));

        var summary = await lake.ImportTextAsync("Takeout/YouTube and YouTube Music/history/watch-history.html", page);

        var record = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(0, summary.Errors);
        Assert.Equal(RecordKinds.VideoWatch, record.Kind);
        Assert.Equal("google/my-activity/youtube/owner", record.Dataset);
        Assert.Equal("Watched Cats & dogs", record.Title);
        Assert.Equal(new DateTimeOffset(2021, 1, 5, 10, 3, 4, TimeSpan.FromHours(-8)), record.Start);
        Assert.Equal(TimeSpan.FromHours(-8), record.Start.Offset);
        Assert.True(record.StartOffsetKnown);
        Assert.Equal("Pet Channel", (string?)record.Attributes!["subtitles"]![0]!["name"]);
        Assert.Equal("https://www.youtube.com/channel/UC1", (string?)record.Attributes["subtitles"]![0]!["url"]);
        Assert.StartsWith("This activity was saved", (string?)record.Attributes["why"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GermanPage_ReadsSearchDateAndCaption()
    {
        await using var lake = await TempLake.CreateAsync();
        var page = await File.ReadAllTextAsync(Fixture("MeineAktivitäten.html"));

        var summary = await lake.ImportTextAsync("Takeout/Meine Aktivitäten/Google Suche/MeineAktivitäten.html", page);

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(2, records.Count);

        var search = records[0];
        Assert.Equal("google/my-activity/google-suche/owner", search.Dataset);
        Assert.Equal(RecordKinds.Search, search.Kind);
        Assert.Equal("Gesucht nach: dominosteine rezept", search.Title);
        Assert.Equal("dominosteine rezept", search.Text);
        Assert.Equal(new DateTimeOffset(2025, 1, 10, 17, 21, 55, TimeSpan.FromHours(1)), search.Start);
        Assert.Equal(TimeSpan.FromHours(1), search.Start.Offset);
        Assert.Equal("Google Suche", (string?)search.Attributes!["products"]![0]);
        Assert.Equal("Ungefähre Gegend", (string?)search.Attributes["locationInfos"]![0]!["name"]);
        Assert.Equal("Von meinem Gerät", (string?)search.Attributes["locationInfos"]![0]!["source"]);
        Assert.Equal(49.493809, search.Latitude);
        Assert.Equal(8.465942, search.Longitude);
        Assert.Contains("Web- & App-Aktivitäten", (string?)search.Attributes["why"], StringComparison.Ordinal);

        var visit = records[1];
        Assert.Equal(RecordKinds.WebVisit, visit.Kind);
        Assert.Equal("Wetter und Klima - Deutscher Wetterdienst - Glossar - Schnee", visit.Text);
        Assert.Equal(new DateTimeOffset(2025, 7, 9, 15, 39, 46, TimeSpan.FromHours(2)), visit.Start);
    }

    [Fact]
    public async Task FrenchPage_ReadsSearchAndNumericZone()
    {
        await using var lake = await TempLake.CreateAsync();
        var page = MyActivityHtmlPage.Page(
            MyActivityHtmlPage.Entry("Recherche", "Vous avez recherché&nbsp;<a href=\"https://www.google.com/search?q=m%C3%A9t%C3%A9o+paris\">météo paris</a><br>5 janv. 2021, 10:03:04 UTC+1", "<b>Produits :</b><br>&emsp;Recherche<br><b>Détails :</b><br>&emsp;Depuis Google Ads<br>"),
            MyActivityHtmlPage.Entry("YouTube", "A regardé&nbsp;<a href=\"https://www.youtube.com/watch?v=xyz\">Le film</a><br>17 févr. 2021, 21:00:00 HNEC", "<b>Produits :</b><br>&emsp;YouTube<br>"));

        var summary = await lake.ImportTextAsync("Takeout/Mon activité/Recherche/MonActivité.html", page);

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(2, records.Count);
        Assert.Equal(RecordKinds.Search, records[0].Kind);
        Assert.Equal("météo paris", records[0].Text);
        Assert.Equal(new DateTimeOffset(2021, 1, 5, 10, 3, 4, TimeSpan.FromHours(1)), records[0].Start);
        Assert.Equal("Recherche", (string?)records[0].Attributes!["products"]![0]);
        Assert.Equal("Depuis Google Ads", (string?)records[0].Attributes!["details"]![0]);
        Assert.Equal(RecordKinds.VideoWatch, records[1].Kind);
        Assert.Equal(new DateTimeOffset(2021, 2, 17, 20, 0, 0, TimeSpan.Zero), records[1].Start.ToUniversalTime());
    }

    [Fact]
    public async Task SpanishPage_ReadsWatchWithChannel()
    {
        await using var lake = await TempLake.CreateAsync();
        var page = MyActivityHtmlPage.Page(
            MyActivityHtmlPage.Entry("YouTube", "Has visto&nbsp;<a href=\"https://www.youtube.com/watch?v=es1\">Un vídeo</a><br><a href=\"https://www.youtube.com/channel/UC2\">Canal</a><br>5 ene 2021, 10:03:04 CET", "<b>Productos:</b><br>&emsp;YouTube<br>"),
            MyActivityHtmlPage.Entry("Búsqueda", "Has buscado&nbsp;<a href=\"https://www.google.com/search?q=tiempo\">tiempo</a><br>12 de ago. de 2021, 8:15:00 CEST", "<b>Productos:</b><br>&emsp;Búsqueda<br>"));

        var summary = await lake.ImportTextAsync("Takeout/Mi actividad/YouTube/MiActividad.html", page);

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(2, records.Count);
        Assert.Equal(RecordKinds.VideoWatch, records[0].Kind);
        Assert.Equal("Un vídeo", records[0].Text);
        Assert.Equal(new DateTimeOffset(2021, 1, 5, 10, 3, 4, TimeSpan.FromHours(1)), records[0].Start);
        Assert.Equal("Canal", (string?)records[0].Attributes!["subtitles"]![0]!["name"]);
        Assert.Equal(RecordKinds.Search, records[1].Kind);
        Assert.Equal("google/my-activity/búsqueda/owner", records[1].Dataset);
        Assert.Equal(new DateTimeOffset(2021, 8, 12, 8, 15, 0, TimeSpan.FromHours(2)), records[1].Start);
    }

    [Fact]
    public async Task HtmlAndJsonExports_GiveOneRecord()
    {
        await using var lake = await TempLake.CreateAsync();
        var folder = TempLake.NewDirectory();
        var html = MyActivityHtmlPage.Page(
            MyActivityHtmlPage.Entry("Search", "Searched for&nbsp;<a href=\"https://www.google.com/search?q=cats+%26+dogs\">cats &amp; dogs</a><br>Jan 5, 2021, 10:03:04 AM PST", "<b>Products:</b><br>&emsp;Search<br>"));
        const string json = """
            [{"header": "Search", "title": "Searched for cats & dogs", "titleUrl": "https://www.google.com/search?q\u003dcats+%26+dogs", "time": "2021-01-05T18:03:04.567Z", "products": ["Search"]}]
            """;
        Directory.CreateDirectory(Path.Combine(folder, "html", "My Activity", "Search"));
        Directory.CreateDirectory(Path.Combine(folder, "json", "My Activity", "Search"));
        await File.WriteAllTextAsync(Path.Combine(folder, "html", "My Activity", "Search", "MyActivity.html"), html);
        await File.WriteAllTextAsync(Path.Combine(folder, "json", "My Activity", "Search", "MyActivity.json"), json);

        var summary = await lake.ImportAsync(folder);

        var record = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(0, summary.Errors);
        Assert.Equal(2, summary.FilesParsed);
        Assert.Equal(1, summary.RecordsAdded);
        Assert.Equal(1, summary.Duplicates);
        Assert.Equal(RecordKinds.Search, record.Kind);
    }

    [Fact]
    public async Task GermanHtmlAndJson_GiveOneRecord()
    {
        await using var lake = await TempLake.CreateAsync();
        var folder = TempLake.NewDirectory();
        var html = MyActivityHtmlPage.Page(
            MyActivityHtmlPage.Entry("Google Suche", "\n Gesucht nach: <a\n href=\"https://www.google.com/search?q=takeout_20250113_mika_html\"\n >takeout_20250113_mika_html</a\n ><br />13.01.2025, 08:38:09 MEZ\n ", "<b>Produkte:</b><br />&emsp;Google Suche<br />"));
        const string json = """
            [{"header": "Google Suche", "title": "Gesucht nach: takeout_20250113_mika_html", "titleUrl": "https://www.google.com/search?q\u003dtakeout_20250113_mika_html", "time": "2025-01-13T07:38:09.000Z", "products": ["Google Suche"]}]
            """;
        await File.WriteAllTextAsync(Path.Combine(folder, "MeineAktivitäten.html"), html);
        await File.WriteAllTextAsync(Path.Combine(folder, "MeineAktivitäten.json"), json);

        var summary = await lake.ImportAsync(folder);

        Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(1, summary.RecordsAdded);
        Assert.Equal(1, summary.Duplicates);
    }

    [Fact]
    public async Task TruncatedPage_FailsFileAsTruncated()
    {
        await using var lake = await TempLake.CreateAsync();
        var page = MyActivityHtmlPage.Page(
            MyActivityHtmlPage.Entry("Search", "Searched for&nbsp;<a href=\"https://www.google.com/search?q=one\">one</a><br>Jan 5, 2021, 10:03:04 AM UTC", "<b>Products:</b><br>&emsp;Search<br>"),
            MyActivityHtmlPage.Entry("Search", "Searched for&nbsp;<a href=\"https://www.google.com/search?q=two\">two</a><br>Jan 5, 2021, 10:04:04 AM UTC", "<b>Products:</b><br>&emsp;Search<br>"));
        var cut = page[..page.IndexOf("two</a>", StringComparison.Ordinal)];

        var summary = await lake.ImportTextAsync(SearchPath, cut);

        var file = Assert.Single(await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None));
        Assert.Equal(1, summary.Errors);
        Assert.Equal(FileOutcome.Error, file.Outcome);
        Assert.Contains("probably truncated", file.Message, StringComparison.Ordinal);
        Assert.StartsWith("entry 1 (byte ", file.Position, StringComparison.Ordinal);
        Assert.Empty(await lake.AllRecordsAsync());
    }

    [Fact]
    public async Task PageCutInsideTag_FailsFileAsTruncated()
    {
        await using var lake = await TempLake.CreateAsync();
        var page = MyActivityHtmlPage.Page(
            MyActivityHtmlPage.Entry("Search", "Searched for&nbsp;<a href=\"https://www.google.com/search?q=one\">one</a><br>Jan 5, 2021, 10:03:04 AM UTC", "<b>Products:</b><br>&emsp;Search<br>"));
        var cut = page[..(page.IndexOf("<a href=", StringComparison.Ordinal) + 12)];

        var summary = await lake.ImportTextAsync(SearchPath, cut);

        var file = Assert.Single(await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None));
        Assert.Equal(FileOutcome.Error, file.Outcome);
        Assert.Contains("ends inside an HTML tag", file.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenDate_FailsFileWithEntry()
    {
        await using var lake = await TempLake.CreateAsync();
        var page = MyActivityHtmlPage.Page(
            MyActivityHtmlPage.Entry("Search", "Searched for&nbsp;<a href=\"https://www.google.com/search?q=one\">one</a><br>Jan 5, 2021, 10:03:04 AM UTC", "<b>Products:</b><br>&emsp;Search<br>"),
            MyActivityHtmlPage.Entry("Search", "Searched for&nbsp;<a href=\"https://www.google.com/search?q=two\">two</a><br>Blursday 5, 2021, 10:04:04 AM UTC", "<b>Products:</b><br>&emsp;Search<br>"));

        var summary = await lake.ImportTextAsync(SearchPath, page);

        var file = Assert.Single(await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None));
        var secondEntryOffset = System.Text.Encoding.UTF8.GetByteCount(page[..page.LastIndexOf("<div class=\"outer-cell", StringComparison.Ordinal)]);
        Assert.Equal(FileOutcome.Error, file.Outcome);
        Assert.Contains("Entry 1 has a date that cannot be read, 'Blursday 5, 2021, 10:04:04 AM UTC'", file.Message, StringComparison.Ordinal);
        Assert.Equal($"entry 1 (byte {secondEntryOffset})", file.Position);
        Assert.Empty(await lake.AllRecordsAsync());
    }

    [Fact]
    public async Task UnknownZone_FailsFileNamingZone()
    {
        await using var lake = await TempLake.CreateAsync();
        var page = MyActivityHtmlPage.Page(
            MyActivityHtmlPage.Entry("Search", "Searched for&nbsp;<a href=\"https://www.google.com/search?q=one\">one</a><br>Jan 5, 2021, 10:03:04 AM XYZT", "<b>Products:</b><br>&emsp;Search<br>"));

        var summary = await lake.ImportTextAsync(SearchPath, page);

        var file = Assert.Single(await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None));
        Assert.Contains("the time zone 'XYZT' is not known", file.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PageWithoutEntries_ParsesWithNoRecords()
    {
        await using var lake = await TempLake.CreateAsync();

        var summary = await lake.ImportTextAsync(SearchPath, MyActivityHtmlPage.Page());

        Assert.Equal(0, summary.Errors);
        Assert.Equal(1, summary.FilesParsed);
        Assert.Empty(await lake.AllRecordsAsync());
    }

    [Fact]
    public async Task LargeGeneratedPage_ImportsEveryEntry()
    {
        const int count = 50_000;
        await using var lake = await TempLake.CreateAsync();
        var folder = TempLake.NewDirectory();
        var path = Path.Combine(folder, "MyActivity.html");
        await using (var writer = new StreamWriter(path))
        {
            await writer.WriteAsync(MyActivityHtmlPage.Start);
            var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
            for (var i = 0; i < count; i++)
            {
                var time = start.AddMinutes(i).ToString("MMM d, yyyy, h:mm:ss tt", System.Globalization.CultureInfo.InvariantCulture);
                await writer.WriteAsync(MyActivityHtmlPage.Entry("Search", $"Searched for&nbsp;<a href=\"https://www.google.com/search?q=q{i}\">query {i}</a><br>{time} UTC", "<b>Products:</b><br>&emsp;Search<br>"));
            }

            await writer.WriteAsync(MyActivityHtmlPage.End);
        }

        var summary = await lake.ImportAsync(path);

        Assert.Equal(0, summary.Errors);
        Assert.Equal(count, summary.RecordsAdded);
        Assert.True(new FileInfo(path).Length > 20 * 1024 * 1024, "the generated page should be larger than the tokenizer's largest buffer");
    }

    private static string Fixture(string name) => Path.Combine(RepositoryRoot.Path, "tests", "Datapunk.Lake.Tests", "Fixtures", "MyActivity", name);
}
