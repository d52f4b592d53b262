using System.IO.Compression;
using System.Text;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Ingestion.Archives;
using Datapunk.Lake.Tests.Support;
using static Datapunk.Lake.Tests.Ingestion.Engine.TakeoutFixtures;

namespace Datapunk.Lake.Tests.Ingestion.Engine;

public sealed class BadInputTests
{
    private const string OtherPath = "Takeout/Other/Records.json";

    [Fact]
    public async Task InvalidJson_ReportsLineAndColumn()
    {
        await using var lake = await TempLake.CreateAsync();
        var invalid = "{\n  \"locations\": [{\n    \"latitudeE7\": 1,,\n  }]\n}\n";

        var (summary, report) = await ImportBesideGoodFileAsync(lake, invalid);

        Assert.Equal(FileOutcome.Error, report.Outcome);
        Assert.StartsWith("line 3, column ", report.Position, StringComparison.Ordinal);
        Assert.Contains("Invalid JSON", report.Message, StringComparison.Ordinal);
        Assert.Equal(3, summary.RecordsAdded);
        Assert.True(await lake.Lake.Blobs.ExistsAsync(Sha256(Utf8(invalid)), CancellationToken.None));
    }

    [Fact]
    public async Task EmptyFile_ReportsEmpty()
    {
        await using var lake = await TempLake.CreateAsync();

        var (summary, report) = await ImportBesideGoodFileAsync(lake, "");

        Assert.Equal(FileOutcome.Error, report.Outcome);
        Assert.Equal("byte 0", report.Position);
        Assert.Contains("empty", report.Message, StringComparison.Ordinal);
        Assert.Equal(3, summary.RecordsAdded);
        Assert.True(await lake.Lake.Blobs.ExistsAsync(Sha256([]), CancellationToken.None));
    }

    [Fact]
    public async Task InvalidUtf8InString_ReportsItsPosition()
    {
        await using var lake = await TempLake.CreateAsync();
        var text = Utf8(RecordsJson(0, 5, i => i == 3 ? Point(3, source: "BAD_SOURCE") : null));
        var at = IndexOf(text, "BAD_SOURCE"u8);
        text[at] = 0xC3;
        text[at + 1] = 0x28;

        var (summary, report) = await ImportBesideGoodFileAsync(lake, text);

        Assert.Equal(FileOutcome.Error, report.Outcome);
        Assert.Contains("UTF-8", report.Message, StringComparison.Ordinal);
        Assert.NotNull(report.Position);
        Assert.Contains("byte ", report.Position, StringComparison.Ordinal);
        Assert.Equal(3, summary.RecordsAdded);
        Assert.True(await lake.Lake.Blobs.ExistsAsync(Sha256(text), CancellationToken.None));
    }

    [Fact]
    public async Task InvalidUtf8InIgnoredProperty_ReportsItsPosition()
    {
        await using var lake = await TempLake.CreateAsync();
        var text = Utf8(RecordsJson(0, 5, i => i == 2 ? Point(2).Replace("\"accuracy\"", "\"placeName\": \"PLACE\",\n    \"accuracy\"", StringComparison.Ordinal) : null));
        var at = IndexOf(text, "PLACE"u8);
        text[at] = 0xFF;

        var (_, report) = await ImportBesideGoodFileAsync(lake, text);

        Assert.Equal(FileOutcome.Error, report.Outcome);
        Assert.Contains("UTF-8", report.Message, StringComparison.Ordinal);
        Assert.Equal(0, report.RecordsAdded);
    }

    [Fact]
    public async Task Latin1File_ReportsInvalidUtf8()
    {
        await using var lake = await TempLake.CreateAsync();
        var latin1 = Encoding.Latin1.GetBytes(RecordsJson(0, 4, i => i == 1 ? Point(1, source: "Café") : null));

        var (summary, report) = await ImportBesideGoodFileAsync(lake, latin1);

        Assert.Equal(FileOutcome.Error, report.Outcome);
        Assert.Contains("Latin-1", report.Message, StringComparison.Ordinal);
        Assert.Contains("byte ", report.Position, StringComparison.Ordinal);
        Assert.Equal(3, summary.RecordsAdded);
    }

    [Fact]
    public async Task HugeSingleValue_ReportsItsSize()
    {
        await using var lake = await TempLake.CreateAsync(limits: new ImportLimits { MaxJsonValueBytes = 1024 * 1024 });
        var huge = "{\n  \"locations\": [{\n    \"timestamp\": \"2021-06-01T08:00:00Z\",\n    \"note\": \"" + new string('x', 3 * 1024 * 1024) + "\"\n  }]\n}\n";

        var (summary, report) = await ImportBesideGoodFileAsync(lake, huge);

        Assert.Equal(FileOutcome.Error, report.Outcome);
        Assert.Contains("larger than 1 MiB", report.Message, StringComparison.Ordinal);
        Assert.StartsWith("byte ", report.Position, StringComparison.Ordinal);
        Assert.Equal(3, summary.RecordsAdded);
    }

    [Theory]
    [InlineData("../x.json")]
    [InlineData("Takeout/../../x.json")]
    [InlineData("/etc/x.json")]
    [InlineData("C:\\x.json")]
    public async Task EscapingEntryPath_IsRejectedButKept(string path)
    {
        await using var lake = await TempLake.CreateAsync();
        var content = Utf8(RecordsJson(100, 2));
        var zip = Path.Combine(TempLake.NewDirectory(), "takeout.zip");
        WriteZip(zip, (path, content), (OtherPath, Utf8(RecordsJson(0, 3))));

        var summary = await lake.ImportAsync(zip);

        var files = await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None);
        var report = Assert.Single(files, f => f.Path == path);
        Assert.Equal(FileOutcome.Error, report.Outcome);
        Assert.Contains("escape", report.Message, StringComparison.Ordinal);
        Assert.Equal("entry 1 of the archive", report.Position);
        Assert.Equal(3, summary.RecordsAdded);
        Assert.True(await lake.Lake.Blobs.ExistsAsync(Sha256(content), CancellationToken.None));
        Assert.False(File.Exists(Path.GetFullPath(Path.Combine(lake.Lake.Options.BlobDirectory, path.Replace('\\', '/')))));
    }

    [Fact]
    public async Task TruncatedZip_ImportsEntriesBeforeTheCut()
    {
        await using var lake = await TempLake.CreateAsync();
        var folder = TempLake.NewDirectory();
        var whole = Path.Combine(folder, "whole.zip");
        var noise = new byte[300_000];
        new Random(5).NextBytes(noise);
        WriteZip(whole, ("Takeout/A/Records.json", Utf8(RecordsJson(0, 3))), ("Takeout/B/Records.json", Utf8(RecordsJson(10, 4))), ("Takeout/noise.bin", noise));
        var bytes = await File.ReadAllBytesAsync(whole);
        var cut = Path.Combine(folder, "cut.zip");
        await File.WriteAllBytesAsync(cut, bytes[..(bytes.Length - 150_000)]);

        var summary = await lake.ImportAsync(cut);

        Assert.Equal(ImportState.Succeeded, summary.State);
        Assert.Equal(7, summary.RecordsAdded);
        var files = await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None);
        var archive = Assert.Single(files, f => f.Format == "archive.zip");
        Assert.Equal(FileOutcome.Error, archive.Outcome);
        Assert.Contains("truncated", archive.Message, StringComparison.Ordinal);
        Assert.True(await lake.Lake.Blobs.ExistsAsync(Sha256OfFile(cut), CancellationToken.None));
        Assert.False(await lake.Lake.Blobs.ExistsAsync(Sha256(noise), CancellationToken.None));
        Assert.Empty(TemporaryFiles(lake.Lake));
    }

    [Fact]
    public async Task TruncatedTgz_ImportsEntriesBeforeTheCut()
    {
        await using var lake = await TempLake.CreateAsync();
        var folder = TempLake.NewDirectory();
        var whole = Path.Combine(folder, "whole.tgz");
        var noise = new byte[300_000];
        new Random(6).NextBytes(noise);
        WriteTgz(whole, ("Takeout/A/Records.json", Utf8(RecordsJson(0, 3))), ("Takeout/B/Records.json", Utf8(RecordsJson(10, 4))), ("Takeout/noise.bin", noise));
        var bytes = await File.ReadAllBytesAsync(whole);
        var cut = Path.Combine(folder, "cut.tgz");
        await File.WriteAllBytesAsync(cut, bytes[..(bytes.Length - 150_000)]);

        var summary = await lake.ImportAsync(cut);

        Assert.Equal(7, summary.RecordsAdded);
        var files = await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None);
        Assert.Equal(FileOutcome.Error, Assert.Single(files, f => f.Path == "Takeout/noise.bin").Outcome);
        Assert.Equal(FileOutcome.Error, Assert.Single(files, f => f.Format == "archive.gzip").Outcome);
        Assert.True(await lake.Lake.Blobs.ExistsAsync(Sha256OfFile(cut), CancellationToken.None));
        Assert.False(await lake.Lake.Blobs.ExistsAsync(Sha256(noise), CancellationToken.None));
        Assert.Empty(TemporaryFiles(lake.Lake));
    }

    [Fact]
    public async Task ZipBomb_IsStoppedAndNotKept()
    {
        await using var lake = await TempLake.CreateAsync();
        var zip = Path.Combine(TempLake.NewDirectory(), "bomb.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            await using var entry = archive.CreateEntry("Takeout/zeros.json", CompressionLevel.Optimal).Open();
            await new ZeroStream(200L * 1024 * 1024).CopyToAsync(entry, 1 << 20);
        }

        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Update))
        {
            await using var entry = archive.CreateEntry(OtherPath).Open();
            await entry.WriteAsync(Utf8(RecordsJson(0, 3)));
        }

        var summary = await lake.ImportAsync(zip);

        AssertBombStopped(lake, summary, await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None));
    }

    [Fact]
    public async Task TgzBomb_IsStoppedAndNotKept()
    {
        await using var lake = await TempLake.CreateAsync();
        var tgz = Path.Combine(TempLake.NewDirectory(), "bomb.tgz");
        // 64 MiB keeps the test short and is still four times the point where the ratio check starts.
        WriteTgz(tgz, ("Takeout/zeros.json", new ZeroStream(64L * 1024 * 1024)), (OtherPath, new MemoryStream(Utf8(RecordsJson(0, 3)))));

        var summary = await lake.ImportAsync(tgz);

        AssertBombStopped(lake, summary, await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None));
    }

    private static void AssertBombStopped(TempLake lake, ImportSummary summary, IReadOnlyList<ImportFileReport> files)
    {
        var bomb = Assert.Single(files, f => f.Path == "Takeout/zeros.json");
        Assert.Equal(FileOutcome.Error, bomb.Outcome);
        Assert.Contains("archive bomb", bomb.Message, StringComparison.Ordinal);
        Assert.Null(bomb.BlobSha256);
        Assert.Equal(3, summary.RecordsAdded);

        // The limits stop the entry once it has expanded past 16 MiB at more than 100 to 1, so nothing of that
        // size, and no temporary file, is left.
        var limit = new ImportLimits().RatioCheckAfterBytes + (1 << 20);
        Assert.All(BlobFiles(lake.Lake), f => Assert.True(new FileInfo(f).Length < limit, $"{f} is {new FileInfo(f).Length} bytes"));
        Assert.Empty(TemporaryFiles(lake.Lake));
    }

    /// <summary>Imports a zip with the given Records.json and a good one beside it; returns the report of the first.</summary>
    private static Task<(ImportSummary Summary, ImportFileReport Report)> ImportBesideGoodFileAsync(TempLake lake, string content) =>
        ImportBesideGoodFileAsync(lake, Utf8(content));

    private static async Task<(ImportSummary Summary, ImportFileReport Report)> ImportBesideGoodFileAsync(TempLake lake, byte[] content)
    {
        var zip = Path.Combine(TempLake.NewDirectory(), "takeout.zip");
        WriteZip(zip, (RecordsPath, content), (OtherPath, Utf8(RecordsJson(1000, 3))));
        var summary = await lake.ImportAsync(zip);
        var files = await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None);
        return (summary, Assert.Single(files, f => f.Path == RecordsPath));
    }

    private static int IndexOf(byte[] text, ReadOnlySpan<byte> value)
    {
        var at = text.AsSpan().IndexOf(value);
        Assert.True(at >= 0);
        return at;
    }
}
