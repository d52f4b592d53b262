using System.Globalization;

namespace Datapunk.Lake.Ingestion.Google.LocationHistory;

/// <summary>
/// Parses the coordinate strings of the on-device Timeline export: <c>"48.8583701°, 2.2944813°"</c> (Android, with or
/// without the degree sign) and <c>"geo:48.858370,2.294481"</c> (iOS, a geo URI as in RFC 5870).
/// </summary>
public static class LatLngText
{
    /// <summary>
    /// Parses latitude and longitude in degrees. Returns false for anything else, including values out of range.
    /// </summary>
    public static bool TryParse(string? text, out double latitude, out double longitude)
    {
        latitude = 0;
        longitude = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = text.Trim();
        var isGeoUri = value.StartsWith("geo:", StringComparison.OrdinalIgnoreCase);
        if (isGeoUri)
        {
            // RFC 5870 allows parameters after ';' (such as ";u=35" for uncertainty) and a third value, the altitude.
            value = value[4..];
            var parameters = value.IndexOf(';', StringComparison.Ordinal);
            if (parameters >= 0)
            {
                value = value[..parameters];
            }
        }

        var parts = value.Split(',');
        var expectedParts = isGeoUri && parts.Length == 3 ? 3 : 2;
        if (parts.Length != expectedParts)
        {
            return false;
        }

        return TryParseDegrees(parts[0], 90, out latitude) && TryParseDegrees(parts[1], 180, out longitude)
            && (expectedParts == 2 || TryParseDegrees(parts[2], double.MaxValue, out _));
    }

    private static bool TryParseDegrees(string part, double limit, out double degrees)
    {
        var number = part.Trim();
        if (number.EndsWith('°'))
        {
            number = number[..^1].TrimEnd();
        }

        return double.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out degrees)
            && Math.Abs(degrees) <= limit;
    }
}
