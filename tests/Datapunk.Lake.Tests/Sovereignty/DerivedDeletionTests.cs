using System.Security.Cryptography;
using Datapunk.Lake.Sovereignty.Deletion;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Sovereignty;

/// <summary>Deletion follows the links that the Google Photos post-pass adds: media blobs and records made from EXIF.</summary>
public sealed class DerivedDeletionTests
{
    private const string PhotosDataset = "google/photos/owner";

    private static readonly byte[] LinkedJpeg = ExifJpeg.Create(new DateTime(2023, 10, 6, 8, 38, 51), "+02:00", 48.8583736, 2.291901);
    private static readonly byte[] ExifOnlyJpeg = ExifJpeg.Create(new DateTime(2022, 3, 1, 12, 0, 0), "+01:00", 46.5, 8.0);

    [Fact]
    public async Task DeletePhotoDataset_RemovesLinkedMediaBlobs()
    {
        await using var lake = await PhotoLakeAsync();

        var result = await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: PhotosDataset), scope: null, CancellationToken.None);

        Assert.Equal(2, result.Records);
        Assert.False(await lake.Lake.Blobs.ExistsAsync(Sha256(LinkedJpeg), CancellationToken.None));
        Assert.False(await lake.Lake.Blobs.ExistsAsync(Sha256(ExifOnlyJpeg), CancellationToken.None));
    }

    [Fact]
    public async Task DeleteOneLinkedRecord_KeepsMediaOfOthers()
    {
        await using var lake = await PhotoLakeAsync();
        var exif = (await lake.AllRecordsAsync()).Single(r => r.Attributes?["source"]?.ToString() == "exif");

        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(RecordIds: [exif.Id]), scope: null, CancellationToken.None);

        Assert.False(await lake.Lake.Blobs.ExistsAsync(Sha256(ExifOnlyJpeg), CancellationToken.None));
        Assert.True(await lake.Lake.Blobs.ExistsAsync(Sha256(LinkedJpeg), CancellationToken.None));
    }

    [Fact]
    public async Task DeleteImport_RemovesRecordsDerivedFromItsMedia()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(PhotoFolder());

        var result = await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(ImportId: summary.Id), scope: null, CancellationToken.None);

        Assert.Equal(2, result.Records);
        Assert.Empty(await lake.AllRecordsAsync());
        Assert.False(await lake.Lake.Blobs.ExistsAsync(Sha256(LinkedJpeg), CancellationToken.None));
        Assert.False(await lake.Lake.Blobs.ExistsAsync(Sha256(ExifOnlyJpeg), CancellationToken.None));
    }

    [Fact]
    public async Task DeletePhotoDataset_LeavesVerifiableLake()
    {
        await using var lake = await PhotoLakeAsync();

        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: PhotosDataset), scope: null, CancellationToken.None);
        var report = await lake.Lake.Control.Verifier.VerifyAsync(repair: false, CancellationToken.None);

        Assert.Empty(report.Problems);
    }

    private static async Task<TempLake> PhotoLakeAsync()
    {
        var lake = await TempLake.CreateAsync();
        await lake.ImportAsync(PhotoFolder());
        return lake;
    }

    private static string PhotoFolder() => TakeoutFolder.Create(
        ("Takeout/Google Photos/Photos from 2023/IMG_1.jpg", LinkedJpeg),
        ("Takeout/Google Photos/Photos from 2023/IMG_1.jpg.json", """
            {"title": "IMG_1.jpg", "photoTakenTime": {"timestamp": "1696574331", "formatted": "x"},
             "geoData": {"latitude": 48.8583736, "longitude": 2.291901, "altitude": 0.0, "latitudeSpan": 0.0, "longitudeSpan": 0.0}}
            """),
        ("Takeout/Google Photos/Photos from 2023/IMG_9.jpg", ExifOnlyJpeg));

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
