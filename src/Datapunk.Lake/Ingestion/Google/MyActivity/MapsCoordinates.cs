using System.Globalization;
using System.Text.RegularExpressions;

namespace Datapunk.Lake.Ingestion.Google.MyActivity;

/// <summary>Reads the latitude and longitude out of the Google Maps links of My Activity locations.</summary>
internal static partial class MapsCoordinates
{
    /// <summary>
    /// Finds "lat,lon" in a <c>center=</c>, <c>q=</c> or <c>ll=</c> query parameter or after an '@' in the path,
    /// as in <c>https://www.google.com/maps/@?api=1&amp;map_action=map&amp;center=37.773692,-122.429737&amp;zoom=13</c>.
    /// </summary>
    public static bool TryRead(string? url, out double latitude, out double longitude)
    {
        latitude = 0;
        longitude = 0;
        if (string.IsNullOrEmpty(url))
        {
            return false;
        }

        var match = CoordinatePattern().Match(url);
        if (!match.Success
            || !double.TryParse(match.Groups["lat"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out latitude)
            || !double.TryParse(match.Groups["lon"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out longitude))
        {
            return false;
        }

        return latitude is >= -90 and <= 90 && longitude is >= -180 and <= 180;
    }

    [GeneratedRegex(@"(?:[?&](?:center|q|ll)=|/@)(?<lat>-?\d{1,2}(?:\.\d+)?)(?:,|%2C)(?<lon>-?\d{1,3}(?:\.\d+)?)(?![\d.])", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex CoordinatePattern();
}
