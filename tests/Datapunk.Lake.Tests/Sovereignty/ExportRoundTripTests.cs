using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Records;
using Datapunk.Lake.Sovereignty.Deletion;
using Datapunk.Lake.Sovereignty.Export;
using Datapunk.Lake.Storage;
using Datapunk.Lake.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Tests.Sovereignty;

/// <summary>Importing a lake's own export into another lake, through the engine, the CLI and the HTTP API.</summary>
public sealed class ExportRoundTripTests
{
    private const string MyActivitySearchJson = """
        [{
          "header": "Search",
          "title": "Searched for heron nests",
          "titleUrl": "https://www.google.com/search?q=heron+nests",
          "time": "2024-03-02T09:10:11.123Z",
          "products": ["Search"],
          "locationInfos": [{
            "name": "At this general area",
            "url": "https://www.google.com/maps/@?api=1&map_action=map&center=47.376887,8.541694&zoom=12",
            "source": "From your device"
          }]
        }, {
          "header": "Search",
          "title": "Visited Grey heron - Wikipédia",
          "titleUrl": "https://fr.wikipedia.org/wiki/H%C3%A9ron_cendr%C3%A9",
          "time": "2024-03-02T09:12:00Z",
          "products": ["Search"]
        }]
        """;

    private const string CalendarIcs = """
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//Google Inc//Google Calendar 70.9054//EN
        BEGIN:VEVENT
        UID:standup-1@example.com
        DTSTART:20240311T080000Z
        DTEND:20240311T083000Z
        SUMMARY:Standup
        DESCRIPTION:Plan the week
        END:VEVENT
        BEGIN:VEVENT
        UID:holiday-1@example.com
        DTSTART;VALUE=DATE:20240704
        DTEND;VALUE=DATE:20240705
        SUMMARY:Day off
        END:VEVENT
        END:VCALENDAR

        """;

    [Fact]
    public async Task FullExport_RestoresEveryRecordFieldByField()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter());
        await using var target = await TempLake.CreateAsync();

        var summary = await ImportBytesAsync(target, export);

        var expected = await source.AllRecordsAsync();
        var restored = await target.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(expected.Count, summary.RecordsAdded);
        Assert.Equal(expected.Select(Describe), restored.Select(Describe));

        // The fixture covers what could be lost: a stated offset, a bare instant, an end, attributes and text.
        Assert.Contains(restored, r => r.Start.Offset == TimeSpan.FromHours(2) && r.StartOffsetKnown);
        Assert.Contains(restored, r => !r.StartOffsetKnown);
        Assert.Contains(restored, r => r.End is not null);
        Assert.Contains(restored, r => r.Attributes is { Count: > 0 } && r.Text is not null);
    }

    [Fact]
    public async Task FullExport_RestoresEveryBlobHash()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter());
        await using var target = await TempLake.CreateAsync();

        await ImportBytesAsync(target, export);

        // The target also keeps the export zip itself, as every import keeps what it was given.
        var restored = BlobHashes(target);
        Assert.True(restored.Remove(Sha256(export)));
        Assert.Equal(BlobHashes(source).Order(), restored.Order());
    }

    [Fact]
    public async Task FullExport_RestoredBlobsReadBackUnchanged()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter());
        await using var target = await TempLake.CreateAsync();

        await ImportBytesAsync(target, export);

        foreach (var sha256 in BlobHashes(source))
        {
            await using var content = await target.Lake.Blobs.OpenReadAsync(sha256, CancellationToken.None);
            Assert.NotNull(content);
            Assert.Equal(sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(content)));
        }
    }

    [Fact]
    public async Task RestoredLake_ExportsSameRecordLines()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter());
        await using var target = await TempLake.CreateAsync();
        await ImportBytesAsync(target, export);

        var again = await ExportAsync(target, new ExportFilter());

        // Only the import id differs: a restored record belongs to the import that restored it.
        Assert.Equal(RecordLinesWithoutImport(export), RecordLinesWithoutImport(again));
    }

    [Fact]
    public async Task FullExport_ReportsOriginalsAsRestoredNotParsed()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter());
        await using var target = await TempLake.CreateAsync();

        var summary = await ImportBytesAsync(target, export);

        var files = await target.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None);
        var records = files.Single(f => f.Path == "export.zip");
        Assert.Equal(ExportArchive.ImportFormat, records.Format);
        Assert.Equal(FileOutcome.Parsed, records.Outcome);
        Assert.Contains(files, f => f.Path == "Takeout/Location History/Records.json" && f.Format == ExportArchive.OriginalFormat && f.Outcome == FileOutcome.Kept);
        Assert.DoesNotContain(files, f => f.Format == "google.location-history.records");
    }

    public static TheoryData<string> Filters => ["kind", "dataset", "time"];

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task FilteredExport_RestoresExactlyItsRecords(string filterName)
    {
        await using var source = await SourceLakeAsync();
        var filter = filterName switch
        {
            "kind" => new ExportFilter { Kinds = [RecordKinds.Location] },
            "dataset" => new ExportFilter { Datasets = ["google/calendar/owner"] },
            _ => new ExportFilter { From = DateTimeOffset.Parse("2023-05-01T00:00:00Z", CultureInfo.InvariantCulture), To = DateTimeOffset.Parse("2023-05-02T00:00:00Z", CultureInfo.InvariantCulture) },
        };
        var export = await ExportAsync(source, filter);
        await using var target = await TempLake.CreateAsync();

        var summary = await ImportBytesAsync(target, export);

        var expected = await QueryAsync(source, filter);
        var restored = await target.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.InRange(expected.Count, 1, (await source.AllRecordsAsync()).Count - 1);
        Assert.Equal(expected.Select(Describe), restored.Select(Describe));
    }

    [Fact]
    public async Task TimeFilteredExport_LeavesOtherFixesOut()
    {
        await using var source = await SourceLakeAsync();
        var filter = new ExportFilter { From = DateTimeOffset.Parse("2023-06-01T00:00:00Z", CultureInfo.InvariantCulture), To = DateTimeOffset.Parse("2023-07-01T00:00:00Z", CultureInfo.InvariantCulture) };
        var export = await ExportAsync(source, filter);
        await using var target = await TempLake.CreateAsync();

        var summary = await ImportBytesAsync(target, export);

        // Records.json contains three fixes, but only the one of June is in the export, and only it comes back.
        var restored = Assert.Single(await target.AllRecordsAsync());
        Assert.Equal(1, summary.RecordsAdded);
        Assert.Equal(-33.8688, restored.Latitude);
        Assert.Equal(DateTimeOffset.Parse("2023-06-10T23:00:00Z", CultureInfo.InvariantCulture), restored.Start);
        Assert.Contains(Sha256Of(Fixtures.RecordsJson), BlobHashes(target));
    }

    [Fact]
    public async Task EmptyExport_IsImportedAsExport()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter { Kinds = [RecordKinds.Note] });
        await using var target = await TempLake.CreateAsync();

        var summary = await ImportBytesAsync(target, export);

        var files = await target.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None);
        var report = Assert.Single(files);
        Assert.Equal("PK"u8.ToArray(), export[..2]);
        Assert.Equal(ExportArchive.ImportFormat, report.Format);
        Assert.Equal(FileOutcome.Parsed, report.Outcome);
        Assert.Equal(0, summary.RecordsAdded);
    }

    [Fact]
    public async Task PhotoExport_CarriesLinkedMediaFile()
    {
        var jpeg = ExifJpeg.Create(new DateTime(2023, 10, 6, 8, 38, 51), "+02:00", 48.8583736, 2.291901);
        var sidecar = """{"title": "IMG_1.jpg", "photoTakenTime": {"timestamp": "1696574331", "formatted": "x"}}""";
        await using var source = await TempLake.CreateAsync();
        await source.ImportAsync(TakeoutFolder.Create(
            ("Takeout/Google Photos/Photos from 2023/IMG_1.jpg", jpeg),
            ("Takeout/Google Photos/Photos from 2023/IMG_1.jpg.json", sidecar)));
        var export = await ExportAsync(source, new ExportFilter { Kinds = [RecordKinds.Photo] });
        await using var target = await TempLake.CreateAsync();

        var summary = await ImportBytesAsync(target, export);

        var photo = Assert.Single(await target.AllRecordsAsync());
        Assert.Equal(0, summary.Errors);
        Assert.Equal(Sha256(jpeg), (string?)photo.Attributes!["mediaBlob"]);
        Assert.Contains(Sha256(jpeg), BlobHashes(target));
    }

    [Fact]
    public async Task ChangedOriginalByte_IsRejectedNamingEntry()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter());
        var entry = ExportZip.EntryName(export, "originals/", "/Records.json");
        var tampered = ExportZip.Rewrite(export, entry, ChangeFirstDigit, updateManifest: false);
        await using var target = await TempLake.CreateAsync();

        var summary = await ImportBytesAsync(target, tampered);

        var error = await SingleErrorAsync(target, summary);
        Assert.Equal($"entry '{entry}'", error.Position);
        Assert.Contains($"The entry '{entry}' of the lake export does not match manifest.json", error.Message);
        AssertNothingAdded(target, tampered);
    }

    [Fact]
    public async Task RehashedOriginal_IsRejectedNamingEntry()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter());
        var entry = ExportZip.EntryName(export, "originals/", "/Records.json");
        var tampered = ExportZip.Rewrite(export, entry, ChangeFirstDigit, updateManifest: true);
        await using var target = await TempLake.CreateAsync();

        var summary = await ImportBytesAsync(target, tampered);

        // The manifest agrees with the new content, but the hash in the entry's name does not.
        var error = await SingleErrorAsync(target, summary);
        Assert.Equal($"entry '{entry}'", error.Position);
        Assert.Contains("the SHA-256 in the name is", error.Message);
        AssertNothingAdded(target, tampered);
    }

    [Fact]
    public async Task ChangedRecordLine_IsRejectedNamingEntry()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter());
        var tampered = ExportZip.Rewrite(export, "records.ndjson", content => Replace(content, "Standup", "Sit-down"), updateManifest: false);
        await using var target = await TempLake.CreateAsync();

        var summary = await ImportBytesAsync(target, tampered);

        // The line is still valid JSON, so only the manifest's hash shows the change, and it covers the whole file.
        var error = await SingleErrorAsync(target, summary);
        Assert.Equal("entry 'records.ndjson'", error.Position);
        Assert.Contains("The entry 'records.ndjson' of the lake export does not match manifest.json", error.Message);
        AssertNothingAdded(target, tampered);
    }

    [Fact]
    public async Task MalformedRecordLine_IsRejectedNamingLine()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter());
        var tampered = ExportZip.Rewrite(export, "records.ndjson", content => ReplaceLine(content, 2, line => line.Replace("\"start\":", "\"begin\":", StringComparison.Ordinal)), updateManifest: true);
        await using var target = await TempLake.CreateAsync();

        var summary = await ImportBytesAsync(target, tampered);

        var error = await SingleErrorAsync(target, summary);
        Assert.Equal("entry 'records.ndjson', line 2", error.Position);
        Assert.StartsWith("Line 2 of records.ndjson in the lake export is invalid: 'start' is missing.", error.Message);
        AssertNothingAdded(target, tampered);
    }

    [Fact]
    public async Task BrokenRecordLineWithOldManifest_NamesLine()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter());
        var tampered = ExportZip.Rewrite(export, "records.ndjson", content => ReplaceLine(content, 3, line => line[..^1]), updateManifest: false);
        await using var target = await TempLake.CreateAsync();

        var summary = await ImportBytesAsync(target, tampered);

        var error = await SingleErrorAsync(target, summary);
        Assert.Equal("entry 'records.ndjson', line 3", error.Position);
        Assert.Contains("does not match manifest.json", error.Message);
        Assert.Contains("The first invalid line: Line 3 of records.ndjson", error.Message);
        AssertNothingAdded(target, tampered);
    }

    [Fact]
    public async Task RecordOfUnknownOriginal_IsRejectedNamingLine()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter());
        var missing = new string('a', 64);
        var tampered = ExportZip.Rewrite(export, "records.ndjson",
            content => ReplaceLine(content, 4, line => System.Text.RegularExpressions.Regex.Replace(line, "\"blob\":\"[0-9a-f]{64}\"", $"\"blob\":\"{missing}\"")),
            updateManifest: true);
        await using var target = await TempLake.CreateAsync();

        var summary = await ImportBytesAsync(target, tampered);

        var error = await SingleErrorAsync(target, summary);
        Assert.Equal("entry 'records.ndjson', line 4", error.Position);
        Assert.Contains($"names the original {missing}, which is neither in the export nor stored in this lake", error.Message);
        AssertNothingAdded(target, tampered);
    }

    [Fact]
    public async Task UnlistedEntry_IsRejected()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter());
        var tampered = ExportZip.Write(ExportZip.Entries(export).Append(("originals/extra.txt", "added later"u8.ToArray())));
        await using var target = await TempLake.CreateAsync();

        var summary = await ImportBytesAsync(target, tampered);

        var error = await SingleErrorAsync(target, summary);
        Assert.Equal("entry 'originals/extra.txt'", error.Position);
        Assert.Contains("the entry is not listed in manifest.json", error.Message);
        AssertNothingAdded(target, tampered);
    }

    [Fact]
    public async Task TruncatedExport_IsRejectedAsExport()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter());
        var truncated = export[..(export.Length / 2)];
        await using var target = await TempLake.CreateAsync();

        var summary = await ImportBytesAsync(target, truncated);

        var error = await SingleErrorAsync(target, summary);
        Assert.Equal(ExportArchive.ImportFormat, error.Format);
        Assert.Contains("no readable zip central directory", error.Message);
        AssertNothingAdded(target, truncated);
    }

    [Fact]
    public async Task SameExportTwice_AddsNothing()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter());
        await using var target = await TempLake.CreateAsync();
        await ImportBytesAsync(target, export);
        var before = await target.AllRecordsAsync();

        var second = await ImportBytesAsync(target, export);

        Assert.Equal(0, second.RecordsAdded);
        Assert.Equal(1, second.FilesUnchanged);
        Assert.Equal(before.Select(Describe), (await target.AllRecordsAsync()).Select(Describe));
    }

    [Fact]
    public async Task SecondExportOfSameLake_AddsNothing()
    {
        await using var source = await SourceLakeAsync();
        var first = await ExportAsync(source, new ExportFilter());
        var second = await ExportAsync(source, new ExportFilter());
        await using var target = await TempLake.CreateAsync();
        await ImportBytesAsync(target, first);
        var before = await target.AllRecordsAsync();

        var summary = await ImportBytesAsync(target, second);

        // The second export differs in its creation time, so it is parsed, and every record is a duplicate.
        Assert.NotEqual(Sha256(first), Sha256(second));
        Assert.Equal(0, summary.RecordsAdded);
        Assert.Equal(before.Count, summary.Duplicates);
        Assert.Equal(before.Count, (await target.AllRecordsAsync()).Count);
    }

    [Fact]
    public async Task ExportOverOwnImport_AddsNothing()
    {
        await using var lake = await SourceLakeAsync();
        var before = await lake.AllRecordsAsync();
        var export = await ExportAsync(lake, new ExportFilter());

        var summary = await ImportBytesAsync(lake, export);

        Assert.Equal(0, summary.Errors);
        Assert.Equal(0, summary.RecordsAdded);
        Assert.Equal(before.Count, (await lake.AllRecordsAsync()).Count);
    }

    [Fact]
    public async Task TombstonedRecord_StaysDeleted()
    {
        await using var source = await SourceLakeAsync();
        var first = await ExportAsync(source, new ExportFilter());
        var second = await ExportAsync(source, new ExportFilter());
        await using var target = await TempLake.CreateAsync();
        await ImportBytesAsync(target, first);
        var deleted = (await target.AllRecordsAsync())[1];
        await target.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(RecordIds: [deleted.Id]), scope: null, CancellationToken.None);
        var count = (await target.AllRecordsAsync()).Count;

        var summary = await ImportBytesAsync(target, second);

        var records = await target.AllRecordsAsync();
        Assert.Equal(0, summary.RecordsAdded);
        Assert.Equal(count, records.Count);
        Assert.DoesNotContain(records, r => r.Id == deleted.Id);
    }

    [Fact]
    public async Task DeletionAllowingReimport_LetsRecordBack()
    {
        await using var source = await SourceLakeAsync();
        var export = await ExportAsync(source, new ExportFilter());
        await using var target = await TempLake.CreateAsync();
        await ImportBytesAsync(target, export);
        var deleted = (await target.AllRecordsAsync())[1];
        var everything = new DeletionRequest(From: DateTimeOffset.UnixEpoch, To: DateTimeOffset.MaxValue, AllowReimport: true);
        await target.Lake.Control.Deletion.DeleteAsync(everything, scope: null, CancellationToken.None);

        // A time range is no whole unit, so the export zip stays stored; the same zip is still parsed again.
        var summary = await ImportBytesAsync(target, export);

        Assert.Equal((await source.AllRecordsAsync()).Count, summary.RecordsAdded);
        Assert.Contains(await target.AllRecordsAsync(), r => r.Id == deleted.Id);
    }

    [Fact]
    public async Task CliExportThenIngest_RestoresRecords()
    {
        var sourceDirectory = TempLake.NewDirectory();
        var targetDirectory = TempLake.NewDirectory();
        var takeout = Path.Combine(TempLake.NewDirectory(), "takeout.zip");
        await File.WriteAllBytesAsync(takeout, TakeoutZip());
        var exportPath = Path.Combine(TempLake.NewDirectory(), "export.zip");
        Assert.Equal(0, (await LakeProcess.RunAsync("ingest", takeout, "--data-dir", sourceDirectory, "--quiet")).ExitCode);
        var exported = await LakeProcess.RunAsync("export", exportPath, "--kind", RecordKinds.Location, "--data-dir", sourceDirectory);

        var (exitCode, output, _) = await LakeProcess.RunAsync("ingest", exportPath, "--data-dir", targetDirectory);

        Assert.Equal(0, exported.ExitCode);
        Assert.Contains("Exported 3 records", exported.Output);
        Assert.Equal(0, exitCode);
        Assert.Contains(ExportArchive.ImportFormat, output);
        var target = await Lake.OpenAsync(new LakeOptions { DataDirectory = targetDirectory }, CancellationToken.None);
        var source = await Lake.OpenAsync(new LakeOptions { DataDirectory = sourceDirectory }, CancellationToken.None);
        var expected = await source.Records.QueryRecordsAsync(new RecordQuery { Kinds = [RecordKinds.Location], Limit = 100 }, CancellationToken.None);
        var restored = await target.Records.QueryRecordsAsync(new RecordQuery { Limit = 100 }, CancellationToken.None);
        Assert.Equal(expected.Items.Select(Describe), restored.Items.Select(Describe));
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task HttpExportThenImport_IsAudited()
    {
        await using var source = await TestApp.StartAsync();
        await source.ImportAndWaitAsync(TakeoutZip(), "takeout.zip");
        using var response = await source.Client.PostAsJsonAsync("/v1/exports", new { kinds = new[] { RecordKinds.Location } });
        var export = await response.Content.ReadAsByteArrayAsync();
        await using var target = await TestApp.StartAsync();

        var import = await target.ImportAndWaitAsync(export, "export.zip");

        var expected = await QueryAsync(source.TempLake, new ExportFilter { Kinds = [RecordKinds.Location] });
        var entries = target.Lake.Control.Audit.Page(0, 1000);
        Assert.Equal("Succeeded", import.GetProperty("state").GetString());
        Assert.Equal(3, import.GetProperty("counts").GetProperty("recordsAdded").GetInt64());
        Assert.Equal(expected.Select(Describe), (await target.TempLake.AllRecordsAsync()).Select(Describe));
        Assert.Contains(entries, e => e.Action == "POST /v1/imports/" && e.Outcome == "ok 202");
    }

    /// <summary>A lake with one Takeout zip: location fixes, searches, calendar events and one file no importer reads.</summary>
    private static async Task<TempLake> SourceLakeAsync()
    {
        var lake = await TempLake.CreateAsync();
        var zip = Path.Combine(TempLake.NewDirectory(), "takeout.zip");
        await File.WriteAllBytesAsync(zip, TakeoutZip());
        var summary = await lake.ImportAsync(zip);
        Assert.Equal(0, summary.Errors);
        Assert.Equal(7, summary.RecordsAdded);
        return lake;
    }

    private static byte[] TakeoutZip() => Fixtures.Zip(
        ("Takeout/Location History/Records.json", Fixtures.RecordsJson),
        ("Takeout/My Activity/Search/MyActivity.json", MyActivitySearchJson),
        ("Takeout/Calendar/Work.ics", CalendarIcs),
        ("Takeout/archive_browser.html", "<html><body>Archive overview</body></html>"));

    private static async Task<byte[]> ExportAsync(TempLake lake, ExportFilter filter)
    {
        using var output = new MemoryStream();
        await lake.Lake.Control.Exporter.ExportAsync(output, filter, CancellationToken.None);
        return output.ToArray();
    }

    private static async Task<ImportSummary> ImportBytesAsync(TempLake lake, byte[] export)
    {
        var path = Path.Combine(TempLake.NewDirectory(), "export.zip");
        await File.WriteAllBytesAsync(path, export);
        return await lake.ImportAsync(path);
    }

    private static async Task<IReadOnlyList<LakeRecord>> QueryAsync(TempLake lake, ExportFilter filter)
    {
        var query = new RecordQuery { Datasets = filter.Datasets, Kinds = filter.Kinds, From = filter.From, To = filter.To, Limit = 1000 };
        return (await lake.Lake.Records.QueryRecordsAsync(query, CancellationToken.None)).Items;
    }

    private static async Task<ImportFileReport> SingleErrorAsync(TempLake lake, ImportSummary summary)
    {
        Assert.Equal(1, summary.Errors);
        var files = await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None);
        return Assert.Single(files, f => f.Outcome == FileOutcome.Error);
    }

    /// <summary>Checks that a rejected export left no record and no blob but the export zip itself.</summary>
    private static void AssertNothingAdded(TempLake lake, byte[] export)
    {
        Assert.Equal(0, lake.Lake.Records.CountRecordsAsync(CancellationToken.None).Result);
        Assert.Equal([Sha256(export)], BlobHashes(lake));
    }

    /// <summary>Every field of a record but its import, with times in round-trip form so that offsets count.</summary>
    private static string Describe(LakeRecord record) => string.Join(" | ",
        record.Id, record.Dataset, record.Kind,
        record.Start.ToString("O", CultureInfo.InvariantCulture), record.StartOffsetKnown, record.End?.ToString("O", CultureInfo.InvariantCulture),
        record.Latitude?.ToString("R", CultureInfo.InvariantCulture), record.Longitude?.ToString("R", CultureInfo.InvariantCulture),
        record.AccuracyMeters?.ToString("R", CultureInfo.InvariantCulture), record.Title, record.Text, record.Attributes?.ToJsonString(),
        record.Provenance.BlobSha256, record.Provenance.Path, record.Provenance.Pointer, record.Provenance.ByteOffset);

    private static HashSet<string> BlobHashes(TempLake lake)
    {
        using var connection = new SqliteConnection($"Data Source={lake.Lake.Options.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sha256 FROM blobs";
        using var reader = command.ExecuteReader();
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            hashes.Add(reader.GetString(0));
        }

        return hashes;
    }

    private static List<string> RecordLinesWithoutImport(byte[] export)
    {
        var records = ExportZip.Entries(export).Single(e => e.Name == "records.ndjson").Content;
        return Encoding.UTF8.GetString(records).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line =>
            {
                var record = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
                record["provenance"]!.AsObject().Remove("importId");
                return record.ToJsonString();
            })
            .ToList();
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string Sha256Of(string text) => Sha256(Encoding.UTF8.GetBytes(text));

    /// <summary>Changes the first digit of a file to another digit, so that it stays valid JSON.</summary>
    private static byte[] ChangeFirstDigit(byte[] content)
    {
        var copy = content.ToArray();
        var index = Array.FindIndex(copy, b => b is >= (byte)'0' and <= (byte)'9');
        copy[index] = copy[index] == (byte)'9' ? (byte)'8' : (byte)(copy[index] + 1);
        return copy;
    }

    private static byte[] Replace(byte[] content, string oldText, string newText) =>
        Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(content).Replace(oldText, newText, StringComparison.Ordinal));

    private static byte[] ReplaceLine(byte[] content, int lineNumber, Func<string, string> change)
    {
        var lines = Encoding.UTF8.GetString(content).Split('\n');
        lines[lineNumber - 1] = change(lines[lineNumber - 1]);
        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }
}
