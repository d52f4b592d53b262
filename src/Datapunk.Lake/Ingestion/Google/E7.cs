namespace Datapunk.Lake.Ingestion.Google;

/// <summary>Converts Google's E7 fixed-point coordinates (degrees × 10^7) to degrees.</summary>
public static class E7
{
    /// <summary>
    /// Returns degrees. Some exports hold values that overflowed a signed 32-bit integer (a known fault in
    /// Location History, e.g. a latitude of 4.2e9); those are wrapped back into range by subtracting 2^32.
    /// </summary>
    public static double ToDegrees(long e7, double limit)
    {
        if (e7 > limit * 1e7)
        {
            e7 -= 4_294_967_296L;
        }

        return e7 / 1e7;
    }

    public static double Latitude(long e7) => ToDegrees(e7, 90);

    public static double Longitude(long e7) => ToDegrees(e7, 180);
}
