using System.Security.Cryptography;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google.Photos;

public sealed class PhotosTests
{
    private const string CorpusAlbum = "simulot+immich-go/app/upload/TEST_DATA/Takeout1/Google Photos/Album test 6-10-23/";

    private static string Sidecar(string title, long taken, double latitude = 0, double longitude = 0, string extra = "") => $$"""
        {
          "title": "{{title}}",
          "description": "",
          "imageViews": "3",
          "creationTime": {"timestamp": "1700000000", "formatted": "14 Nov 2023, 22:13:20 UTC"},
          "photoTakenTime": {"timestamp": "{{taken}}", "formatted": "x"},
          "geoData": {"latitude": {{latitude.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "longitude": {{longitude.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "altitude": 0.0, "latitudeSpan": 0.0, "longitudeSpan": 0.0}
          {{extra}}
        }
        """;

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task CorpusSidecar_GivesPhotoWithExactValues()
    {
        await using var lake = await TempLake.CreateAsync("me@example.com");
        var summary = await lake.ImportAsync(Corpus.File(CorpusAlbum + "PXL_20231006_063851485.jpg.json"));

        var photo = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(0, summary.Errors);
        Assert.Equal("google/photos/me@example.com", photo.Dataset);
        Assert.Equal(RecordKinds.Photo, photo.Kind);
        Assert.Equal(RecordId.For(photo.Dataset, RecordKinds.Photo, "1696574331/PXL_20231006_063851485.jpg"), photo.Id);
        Assert.Equal(DateTimeOffset.Parse("2023-10-06T06:38:51Z", System.Globalization.CultureInfo.InvariantCulture), photo.Start);
        Assert.False(photo.StartOffsetKnown);
        Assert.Equal(48.8583736, photo.Latitude);
        Assert.Equal(2.291901, photo.Longitude);
        Assert.Equal("PXL_20231006_063851485.jpg", photo.Title);
        Assert.Equal("Description from goggle photos", photo.Text);
        Assert.Equal(1, (long)photo.Attributes!["imageViews"]!);
        Assert.Equal(66.15, (double)photo.Attributes["altitude"]!);
        Assert.Equal("2023-10-21T07:12:31.000+00:00", (string)photo.Attributes["creationTime"]!);
        Assert.Equal("6 oct. 2023, 06:38:51 UTC", (string)photo.Attributes["photoTakenTimeFormatted"]!);
        Assert.True((bool)photo.Attributes["favorited"]!);
        Assert.Equal("ANDROID_PHONE", (string)photo.Attributes["googlePhotosOrigin"]!["mobileUpload"]!["deviceType"]!);
        Assert.Equal("https://photos.google.com/photo/--redacted--", (string)photo.Attributes["url"]!);
    }

    [Fact]
    public async Task CorpusFrenchAlbumMetadata_GivesAlbum()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(Corpus.File(CorpusAlbum + "métadonnées.json"));

        var album = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(0, summary.Errors);
        Assert.Equal(RecordKinds.Album, album.Kind);
        Assert.Equal("google/photos/owner", album.Dataset);
        Assert.Equal("Album test 6/10/23", album.Title);
        Assert.Null(album.Text);
        Assert.Equal(DateTimeOffset.Parse("2023-10-21T07:12:31Z", System.Globalization.CultureInfo.InvariantCulture), album.Start);
        Assert.Null(album.Latitude);
        Assert.Equal("protected", (string)album.Attributes!["access"]!);
    }

    [Fact]
    public async Task CorpusAlbumFolder_GivesPhotoAndAlbum()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(Path.GetDirectoryName(Corpus.File(CorpusAlbum + "métadonnées.json"))!);

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(2, records.Count);
        Assert.Equal([RecordKinds.Photo, RecordKinds.Album], records.Select(r => r.Kind));
    }

    [Fact]
    public async Task Sidecar_PeopleAndExifPlace_AreRead()
    {
        await using var lake = await TempLake.CreateAsync();
        var extra = """
            , "geoDataExif": {"latitude": 52.5200066, "longitude": 13.404954, "altitude": 34.0, "latitudeSpan": 0.0, "longitudeSpan": 0.0},
            "people": [{"name": "Ada"}, {"name": "Grace"}]
            """;
        await lake.ImportTextAsync("Takeout/Google Photos/Photos from 2023/IMG_1.jpg.json", Sidecar("IMG_1.jpg", 1696574331, extra: extra));

        var photo = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(52.5200066, photo.Latitude);
        Assert.Equal(13.404954, photo.Longitude);
        Assert.Equal(["Ada", "Grace"], photo.Attributes!["people"]!.AsArray().Select(p => (string)p!));
        Assert.Equal(34.0, (double)photo.Attributes["altitude"]!);
    }

    [Fact]
    public async Task Sidecar_ZeroGeoData_HasNoPlace()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("Takeout/Google Photos/Photos from 2023/IMG_1.jpg.json", Sidecar("IMG_1.jpg", 1696574331));

        var photo = Assert.Single(await lake.AllRecordsAsync());
        Assert.Null(photo.Latitude);
        Assert.Null(photo.Longitude);
    }

    [Theory]
    [InlineData("IMG_1.jpg.json", "IMG_1.jpg")]
    [InlineData("IMG_1.jpg.supplemental-metadata.json", "IMG_1.jpg")]
    [InlineData("IMG_1.jpg.supplemental-me.json", "IMG_1.jpg")]
    [InlineData("IMG_1.jpg(1).json", "IMG_1(1).jpg")]
    [InlineData("IMG_1(1).jpg.json", "IMG_1(1).jpg")]
    [InlineData("IMG_1.jpg.supplemental-metadata(1).json", "IMG_1(1).jpg")]
    public async Task Sidecar_NamingScheme_LinksMediaBlob(string sidecarName, string mediaName)
    {
        var jpeg = ExifJpeg.Create(new DateTime(2023, 10, 6, 8, 38, 51), "+02:00", 48.8583736, 2.291901);
        var folder = TakeoutFolder.Create(
            ("Takeout/Google Photos/Photos from 2023/" + mediaName, jpeg),
            ("Takeout/Google Photos/Photos from 2023/" + sidecarName, Sidecar("IMG_1.jpg", 1696574331)));
        await using var lake = await TempLake.CreateAsync();

        var summary = await lake.ImportAsync(folder);

        var photo = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(0, summary.Errors);
        Assert.Equal(1, summary.RecordsAdded);
        Assert.Equal(RecordId.For("google/photos/owner", RecordKinds.Photo, "1696574331/IMG_1.jpg"), photo.Id);
        Assert.Equal(Sha256(jpeg), (string)photo.Attributes!["mediaBlob"]!);
        Assert.Equal("Google Photos/Photos from 2023/" + mediaName, ((string)photo.Attributes["mediaPath"]!)[("Takeout/".Length)..]);
    }

    [Fact]
    public async Task TruncatedSidecar_LinksLongMediaName()
    {
        var jpeg = ExifJpeg.Create(new DateTime(2023, 10, 6, 8, 38, 51), "+02:00", 1, 1);
        var folder = TakeoutFolder.Create(
            ("Takeout/Google Photos/Photos from 2023/IMG_20231006_063851485.jpg", jpeg),
            ("Takeout/Google Photos/Photos from 2023/IMG_20231006_063851485.jpg.supplemental-metad.json", Sidecar("IMG_20231006_063851485.jpg", 1696574331)));
        await using var lake = await TempLake.CreateAsync();

        await lake.ImportAsync(folder);

        var photo = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(Sha256(jpeg), (string)photo.Attributes!["mediaBlob"]!);
    }

    [Fact]
    public async Task AlbumAndYearCopies_AreOneRecord()
    {
        var jpeg = ExifJpeg.Create(new DateTime(2023, 10, 6, 8, 38, 51), "+02:00", 1, 1);
        var sidecar = Sidecar("IMG_1.jpg", 1696574331);
        var folder = TakeoutFolder.Create(
            ("Takeout/Google Photos/Photos from 2023/IMG_1.jpg", jpeg),
            ("Takeout/Google Photos/Photos from 2023/IMG_1.jpg.json", sidecar),
            ("Takeout/Google Photos/Trip/IMG_1.jpg", jpeg),
            ("Takeout/Google Photos/Trip/IMG_1.jpg.supplemental-metadata.json", sidecar));
        await using var lake = await TempLake.CreateAsync();

        await lake.ImportAsync(folder);

        var photo = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(Sha256(jpeg), (string)photo.Attributes!["mediaBlob"]!);
    }

    [Fact]
    public async Task SamePhotoInTwoTakeouts_IsOneRecord()
    {
        var jpeg = ExifJpeg.Create(new DateTime(2023, 10, 6, 8, 38, 51), "+02:00", 1, 1);
        var first = TakeoutFolder.Create(
            ("Takeout/Google Photos/Photos from 2023/IMG_1.jpg", jpeg),
            ("Takeout/Google Photos/Photos from 2023/IMG_1.jpg.json", Sidecar("IMG_1.jpg", 1696574331)));
        var second = TakeoutFolder.Create(
            ("Takeout/Google Fotos/Fotos von 2023/IMG_1.jpg", jpeg),
            ("Takeout/Google Fotos/Fotos von 2023/IMG_1.jpg.supplemental-metadata.json", Sidecar("IMG_1.jpg", 1696574331, extra: ", \"url\": \"https://photos.google.com/x\"")));
        await using var lake = await TempLake.CreateAsync();

        await lake.ImportAsync(first);
        var again = await lake.ImportAsync(second);

        var photo = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(0, again.RecordsAdded);
        Assert.Equal(1, again.Duplicates);
        Assert.Equal(Sha256(jpeg), (string)photo.Attributes!["mediaBlob"]!);
    }

    [Fact]
    public async Task MediaWithoutSidecar_GivesPhotoFromExif()
    {
        var jpeg = ExifJpeg.Create(new DateTime(2023, 10, 6, 8, 38, 51), "+02:00", 48.8583736, -2.291901);
        var folder = TakeoutFolder.Create(("Takeout/Google Photos/Photos from 2023/IMG_9.jpg", jpeg));
        await using var lake = await TempLake.CreateAsync();

        var summary = await lake.ImportAsync(folder);

        var photo = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(1, summary.RecordsAdded);
        Assert.Equal(RecordId.For("google/photos/owner", RecordKinds.Photo, "sha256:" + Sha256(jpeg)), photo.Id);
        Assert.Equal(DateTimeOffset.Parse("2023-10-06T08:38:51+02:00", System.Globalization.CultureInfo.InvariantCulture), photo.Start);
        Assert.Equal(TimeSpan.FromHours(2), photo.Start.Offset);
        Assert.True(photo.StartOffsetKnown);
        Assert.Equal(48.8583736, photo.Latitude!.Value, 9);
        Assert.Equal(-2.291901, photo.Longitude!.Value, 9);
        Assert.Equal("IMG_9.jpg", photo.Title);
        Assert.Equal(Sha256(jpeg), (string)photo.Attributes!["mediaBlob"]!);
    }

    [Fact]
    public async Task MediaWithoutSidecar_ImportedTwice_AddsNothing()
    {
        var jpeg = ExifJpeg.Create(new DateTime(2023, 10, 6, 8, 38, 51), "+02:00", 1, 1);
        var folder = TakeoutFolder.Create(("Takeout/Google Photos/Photos from 2023/IMG_9.jpg", jpeg));
        await using var lake = await TempLake.CreateAsync();

        await lake.ImportAsync(folder);
        var again = await lake.ImportAsync(folder);

        Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(0, again.RecordsAdded);
    }

    [Fact]
    public async Task JpegOutsidePhotos_GetsNoRecord()
    {
        var jpeg = ExifJpeg.Create(new DateTime(2023, 10, 6, 8, 38, 51), "+02:00", 1, 1);
        var folder = TakeoutFolder.Create(("Takeout/Drive/scan.jpg", jpeg));
        await using var lake = await TempLake.CreateAsync();

        var summary = await lake.ImportAsync(folder);

        Assert.Empty(await lake.AllRecordsAsync());
        Assert.Equal(1, summary.FilesKept);
    }

    [Fact]
    public async Task SidecarWithoutTime_IsErrorAndOriginalStays()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync("Takeout/Google Photos/x/IMG_1.jpg.json", """{"title": "IMG_1.jpg", "photoTakenTime": {"formatted": "x"}}""");

        var files = await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None);
        var file = Assert.Single(files);
        Assert.Equal(FileOutcome.Error, file.Outcome);
        Assert.Equal("/photoTakenTime", file.Position);
        Assert.True(await lake.Lake.Records.IsBlobRegisteredAsync(file.BlobSha256!, CancellationToken.None));
    }
}
