using Datapunk.Lake.Ingestion.Google.Photos;

namespace Datapunk.Lake.Tests.Ingestion.Google.Photos;

public sealed class SidecarNameTests
{
    [Theory]
    [InlineData("IMG_1.jpg.json", "IMG_1.jpg", 0)]
    [InlineData("IMG_1.jpg.supplemental-metadata.json", "IMG_1.jpg", 0)]
    [InlineData("IMG_20231006_063851485.jpg.supplemental-metad.json", "IMG_20231006_063851485.jpg", 0)]
    [InlineData("IMG_1.jpg.s.json", "IMG_1.jpg", 0)]
    [InlineData("IMG_1.jpg..json", "IMG_1.jpg", 0)]
    [InlineData("IMG_1.jpg(1).json", "IMG_1.jpg", 1)]
    [InlineData("IMG_1.jpg.supplemental-metadata(2).json", "IMG_1.jpg", 2)]
    [InlineData("IMG_1(1).jpg.json", "IMG_1.jpg", 1)]
    [InlineData("IMG_1(3).jpg.supplemental-metadata.json", "IMG_1.jpg", 3)]
    [InlineData("VID_2.MP4.JSON", "VID_2.MP4", 0)]
    public void Parse_NamingScheme_GivesMediaAndCopy(string sidecar, string media, int copy)
    {
        var name = SidecarName.Parse(sidecar);

        Assert.NotNull(name);
        Assert.Equal(media, name.MediaName);
        Assert.Equal(copy, name.Copy);
    }

    [Fact]
    public void Parse_NotJson_ReturnsNull()
    {
        Assert.Null(SidecarName.Parse("IMG_1.jpg"));
    }

    [Theory]
    [InlineData("IMG_1.jpg.json", null, "IMG_1.jpg")]
    [InlineData("IMG_1.jpg.supplemental-metadata.json", null, "IMG_1.jpg")]
    [InlineData("IMG_1.jpg(1).json", "IMG_1.jpg", "IMG_1(1).jpg")]
    [InlineData("IMG_1(1).jpg.json", "IMG_1.jpg", "IMG_1(1).jpg")]
    [InlineData("IMG_1.jpg.supplemental-metadata(1).json", "IMG_1.jpg", "IMG_1(1).jpg")]
    [InlineData("IMG_20231006_063851485.jpg.supplemental-metad.json", "IMG_20231006_063851485.jpg", "IMG_20231006_063851485.jpg")]
    [InlineData("Screenshot_20231006-063851_Some Long Applicati.json", "Screenshot_20231006-063851_Some Long Application Name.png", "Screenshot_20231006-063851_Some Long Application Name.png")]
    [InlineData("Screenshot_20231006-063851_Another Long Applic.json", "Screenshot_20231006-063851_Another Long Application.jpg", "Screenshot_20231006-063851_Another Long Applic.jpg")]
    [InlineData("IMG_2.jpg.json", "IMG_2.jpg", null)]
    public void FindMedia_Folder_FindsTheRightFile(string sidecar, string? title, string? expected)
    {
        var siblings = new HashSet<string>(StringComparer.Ordinal)
        {
            "IMG_1.jpg", "IMG_1(1).jpg", "IMG.jpg", "IMG_1.jpg.json", "IMG_20231006_063851485.jpg",
            "Screenshot_20231006-063851_Some Long Application Name.png",
            "Screenshot_20231006-063851_Another Long Applic.jpg",
        };

        var media = SidecarName.Parse(sidecar)!.FindMedia(title, siblings);

        Assert.Equal(expected, media);
    }
}
