using Datapunk.Lake.Imports;
using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google;

public sealed class KeepTests
{
    [Fact]
    public async Task CorpusChecklistNote_GivesNoteWithCheckboxLines()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(Corpus.File("obsidianmd+obsidian-importer/tests/keep/notes/Checklist note.json"));

        var note = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(0, summary.Errors);
        Assert.Equal("google/keep/owner", note.Dataset);
        Assert.Equal(RecordKinds.Note, note.Kind);
        Assert.Equal(RecordId.For("google/keep/owner", RecordKinds.Note, "1690372692755000/Checklist note"), note.Id);
        Assert.Equal("Checklist note", note.Title);
        Assert.Equal(DateTimeOffset.Parse("2023-07-26T11:58:12.755Z", System.Globalization.CultureInfo.InvariantCulture), note.Start);
        Assert.Equal(
            "[ ] First item\n[ ] Second item and #hashtag\n[ ] First sub-item\n[ ] Second sub-item and #labelWith!'@:$\"Symbols\n[ ] Third item",
            note.Text);
        Assert.Equal(["labelWith!'@:$\"Symbols"], note.Attributes!["labels"]!.AsArray().Select(l => (string)l!));
        Assert.Equal("2023-08-01T05:05:08.447+00:00", (string)note.Attributes["edited"]!);
        Assert.False((bool)note.Attributes["isTrashed"]!);
    }

    [Fact]
    public async Task CorpusBrokenNote_IsErrorWithPosition()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(Corpus.File("obsidianmd+obsidian-importer/tests/keep/broken-json-note.json"));

        var file = Assert.Single(await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None));
        Assert.Equal(1, summary.Errors);
        Assert.Empty(await lake.AllRecordsAsync());
        Assert.Equal("google.keep.note", file.Format);
        Assert.Equal(FileOutcome.Error, file.Outcome);
        Assert.Equal("line 8, column 5", file.Position);
        Assert.StartsWith("Invalid JSON in a Google Keep note: ", file.Message, StringComparison.Ordinal);
        Assert.True(await lake.Lake.Records.IsBlobRegisteredAsync(file.BlobSha256!, CancellationToken.None));
    }

    [Fact]
    public async Task TextNote_KeepsAttachmentsAndCheckedItems()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("Takeout/Keep/Ideas.json", """
            {"color": "YELLOW", "isTrashed": false, "isPinned": true, "isArchived": false,
             "textContent": "Buy milk", "title": "Ideas",
             "listContent": [{"text": "done", "isChecked": true}, {"text": "open", "isChecked": false}],
             "userEditedTimestampUsec": 1690866308447000, "createdTimestampUsec": 1690372692755123,
             "annotations": [{"description": "d", "source": "WEBLINK", "title": "t", "url": "https://example.com/"}],
             "attachments": [{"filePath": "1a2b.jpg", "mimetype": "image/jpeg"}],
             "sharees": [{"isOwner": true, "type": "WRITER", "email": "me@example.com"}]}
            """);

        var note = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal("Buy milk\n[x] done\n[ ] open", note.Text);
        Assert.Equal("1a2b.jpg", (string)note.Attributes!["attachments"]![0]!["filePath"]!);
        Assert.Equal("https://example.com/", (string)note.Attributes["annotations"]![0]!["url"]!);
        Assert.Equal("me@example.com", (string)note.Attributes["sharees"]![0]!["email"]!);
        Assert.True((bool)note.Attributes["isPinned"]!);
        Assert.Equal("YELLOW", (string)note.Attributes["color"]!);
        Assert.Equal(RecordId.For("google/keep/owner", RecordKinds.Note, "1690372692755123/Ideas"), note.Id);
    }
}
