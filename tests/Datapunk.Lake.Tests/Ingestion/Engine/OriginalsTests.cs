using Datapunk.Lake.Imports;
using Datapunk.Lake.Ingestion;
using Datapunk.Lake.Ingestion.Archives;
using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;
using static Datapunk.Lake.Tests.Ingestion.Engine.TakeoutFixtures;

namespace Datapunk.Lake.Tests.Ingestion.Engine;

public sealed class OriginalsTests
{
    [Fact]
    public async Task EveryByte_ReadsBackWithItsHash()
    {
        await using var lake = await TempLake.CreateAsync();
        var good = Utf8(RecordsJson(0, 3));
        var broken = Utf8(RecordsJson(10, 3)[..^20]);
        var other = Utf8("<html>not an export format</html>");
        var zip = Path.Combine(TempLake.NewDirectory(), "takeout.zip");
        WriteZip(zip, (RecordsPath, good), ("Takeout/Broken/Records.json", broken), ("Takeout/index.html", other));

        var summary = await lake.ImportAsync(zip);

        Assert.Equal(1, summary.Errors);
        foreach (var content in new[] { good, broken, other, await File.ReadAllBytesAsync(zip) })
        {
            var sha = Sha256(content);
            await using var stored = await lake.Lake.Blobs.OpenReadAsync(sha, CancellationToken.None);
            Assert.NotNull(stored);
            using var copy = new MemoryStream();
            await stored.CopyToAsync(copy);
            Assert.Equal(content, copy.ToArray());
            Assert.True(await lake.Lake.Records.IsBlobRegisteredAsync(sha, CancellationToken.None));
        }
    }

    [Fact]
    public async Task BlobFiles_AreNamedByPlaintextHash()
    {
        await using var lake = await TempLake.CreateAsync();
        var zip = Path.Combine(TempLake.NewDirectory(), "takeout.zip");
        WriteZip(zip, (RecordsPath, Utf8(RecordsJson(0, 3))), ("Takeout/a.txt", Utf8("a")));

        await lake.ImportAsync(zip);

        var files = BlobFiles(lake.Lake);
        Assert.Equal(3, files.Count);
        Assert.All(files, f => Assert.Equal(Path.GetFileName(f), Sha256OfBlob(lake.Lake, Path.GetFileName(f))));
    }

    [Fact]
    public async Task SameContentTwice_IsStoredOnce()
    {
        await using var lake = await TempLake.CreateAsync();
        var same = Utf8("same bytes");
        var zip = Path.Combine(TempLake.NewDirectory(), "takeout.zip");
        WriteZip(zip, ("Takeout/a.txt", same), ("Takeout/copy/a.txt", same));

        var summary = await lake.ImportAsync(zip);

        Assert.Equal(2, summary.FilesStored);
        Assert.Equal(2, BlobFiles(lake.Lake).Count);
        Assert.Equal(2, summary.FilesKept);
    }

    [Fact]
    public async Task Original_IsStoredBeforeTheParse()
    {
        var directory = TempLake.NewDirectory();
        var opened = await Lake.OpenAsync(new LakeOptions { DataDirectory = directory }, CancellationToken.None);
        var probe = new BlobProbeImporter(opened);
        var engine = new ImportEngine(opened.Records, opened.Blobs, new FormatRegistry([probe]), new ImportLimits());
        var file = Path.Combine(TempLake.NewDirectory(), "probe.txt");
        await File.WriteAllTextAsync(file, "PROBE");
        var job = ImportJob.Create(file, "owner");
        await opened.Records.CreateImportAsync(job.Summary, CancellationToken.None);

        var summary = await engine.RunAsync(job, [new ImportSource("probe.txt", LocalPath: file)], null, CancellationToken.None);

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.Equal(1, summary.Errors);
        Assert.True(probe.BlobExistedDuringRead);
        Assert.True(probe.BlobRegisteredDuringRead);
        Assert.True(await opened.Blobs.ExistsAsync(Sha256OfFile(file), CancellationToken.None));
    }

    /// <summary>Checks, while it reads, that the file it reads is already a stored blob, then fails the parse.</summary>
    private sealed class BlobProbeImporter(Lake lake) : IFormatImporter
    {
        public bool BlobExistedDuringRead { get; private set; }

        public bool BlobRegisteredDuringRead { get; private set; }

        public string Format => "test.probe";

        public int Version => 1;

        public string Description => "Fails every file after checking that its blob is stored";

        public string ExamplePath => "probe.txt";

        public bool CanRead(FileSniff sniff) => sniff.Head.Span.StartsWith("PROBE"u8);

        public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
        {
            BlobExistedDuringRead = lake.Blobs.ExistsAsync(context.BlobSha256, CancellationToken.None).GetAwaiter().GetResult();
            BlobRegisteredDuringRead = lake.Records.IsBlobRegisteredAsync(context.BlobSha256, CancellationToken.None).GetAwaiter().GetResult();
            throw new ImportFormatException("The probe fails every file.", "byte 0");
        }
    }
}
