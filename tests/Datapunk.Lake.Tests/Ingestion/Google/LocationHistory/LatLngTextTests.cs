using Datapunk.Lake.Ingestion.Google.LocationHistory;

namespace Datapunk.Lake.Tests.Ingestion.Google.LocationHistory;

public sealed class LatLngTextTests
{
    [Theory]
    [InlineData("48.8583701°, 2.2944813°", 48.8583701, 2.2944813)]
    [InlineData("48.8583701°,2.2944813°", 48.8583701, 2.2944813)]
    [InlineData("  48.8583701 ° ,  2.2944813 °  ", 48.8583701, 2.2944813)]
    [InlineData("48.8566, 2.3522", 48.8566, 2.3522)]
    [InlineData("-33.8567844°, -70.6482700°", -33.8567844, -70.64827)]
    [InlineData("geo:48.858370,2.294481", 48.85837, 2.294481)]
    [InlineData("GEO:-33.856784,151.215297", -33.856784, 151.215297)]
    [InlineData("geo:27.720022,-97.347951;u=35", 27.720022, -97.347951)]
    [InlineData("geo:27.720022,-97.347951,12.5", 27.720022, -97.347951)]
    [InlineData("90°, -180°", 90, -180)]
    public void TryParse_AcceptsVariant(string text, double latitude, double longitude)
    {
        Assert.True(LatLngText.TryParse(text, out var parsedLatitude, out var parsedLongitude));
        Assert.Equal(latitude, parsedLatitude);
        Assert.Equal(longitude, parsedLongitude);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("48.8583701°")]
    [InlineData("48.8583701°; 2.2944813°")]
    [InlineData("48,8583701°, 2,2944813°")]
    [InlineData("48.85°, 2.29°, 35")]
    [InlineData("91.0°, 2.0°")]
    [InlineData("48.0°, 180.5°")]
    [InlineData("geo:")]
    [InlineData("geo:abc,def")]
    [InlineData("N48.85, E2.29")]
    [InlineData("1e1, 2")]
    [InlineData("NaN, 2")]
    public void TryParse_RejectsMalformed(string text)
    {
        Assert.False(LatLngText.TryParse(text, out _, out _));
    }
}
