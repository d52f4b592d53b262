using System.Globalization;
using System.Text;

namespace Datapunk.Lake.Bench;

/// <summary>
/// Writes a synthetic Google Location History <c>Records.json</c> laid out as Takeout writes it: two-space
/// indentation, <c>"}, {"</c> between items, ISO 8601 <c>timestamp</c>, E7 coordinates, and an <c>activity</c>
/// list on about one point in ten.
/// </summary>
/// <remarks>
/// The same seed gives the same bytes. Timestamps grow by 1 to 120 seconds per point, so every point has its
/// own merge key (the fix time in milliseconds) and an import adds exactly as many records as points.
/// </remarks>
public sealed class RecordsJsonGenerator(int seed)
{
    private static readonly string[] Sources = ["WIFI", "GPS", "CELL"];
    private static readonly string[] ActivityTypes = ["STILL", "ON_FOOT", "WALKING", "IN_VEHICLE", "ON_BICYCLE", "TILTING", "UNKNOWN"];

    /// <summary>
    /// Writes points until <paramref name="maxPoints"/> are written or the output reaches about
    /// <paramref name="maxBytes"/>, then closes the document. Returns the number of points written.
    /// </summary>
    public long Write(Stream output, long maxPoints, long maxBytes)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 20, leaveOpen: true);
        writer.NewLine = "\n";

        var time = new DateTimeOffset(2015, 3, 1, 8, 0, 0, TimeSpan.Zero).AddMilliseconds(random.Next(1000));
        var latitude = 484_000_000 + random.Next(1_000_000);
        var longitude = 23_000_000 + random.Next(1_000_000);
        long written = 0;

        writer.Write("{\n  \"locations\": [");
        while (written < maxPoints)
        {
            writer.Flush();
            if (output.Position >= maxBytes)
            {
                break;
            }

            writer.Write(written == 0 ? "{\n" : ", {\n");
            latitude += random.Next(-2000, 2001);
            longitude += random.Next(-2000, 2001);
            time = time.AddMilliseconds(random.Next(1_000, 120_001));
            WritePoint(writer, random, latitude, longitude, time);
            writer.Write("  }");
            written++;
        }

        writer.Write("]\n}\n");
        return written;
    }

    private static void WritePoint(StreamWriter writer, Random random, int latitude, int longitude, DateTimeOffset time)
    {
        var culture = CultureInfo.InvariantCulture;
        writer.Write(string.Create(culture, $"    \"latitudeE7\": {latitude},\n"));
        writer.Write(string.Create(culture, $"    \"longitudeE7\": {longitude},\n"));
        writer.Write(string.Create(culture, $"    \"accuracy\": {random.Next(3, 1500)},\n"));
        if (random.Next(3) == 0)
        {
            writer.Write(string.Create(culture, $"    \"altitude\": {random.Next(100, 400)},\n"));
            writer.Write(string.Create(culture, $"    \"verticalAccuracy\": {random.Next(2, 50)},\n"));
        }

        if (random.Next(10) == 0)
        {
            writer.Write("    \"activity\": [{\n      \"activity\": [");
            var guesses = random.Next(1, 4);
            for (var i = 0; i < guesses; i++)
            {
                writer.Write(i == 0 ? "{\n" : ", {\n");
                writer.Write(string.Create(culture, $"        \"type\": \"{ActivityTypes[random.Next(ActivityTypes.Length)]}\",\n"));
                writer.Write(string.Create(culture, $"        \"confidence\": {random.Next(1, 101)}\n"));
                writer.Write("      }");
            }

            writer.Write("],\n");
            writer.Write(string.Create(culture, $"      \"timestamp\": \"{time.AddMilliseconds(random.Next(1, 999)).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", culture)}\"\n"));
            writer.Write("    }],\n");
        }

        writer.Write(string.Create(culture, $"    \"source\": \"{Sources[random.Next(Sources.Length)]}\",\n"));
        writer.Write(string.Create(culture, $"    \"deviceTag\": {1_000_000_000 + (random.Next(3) * 7919)},\n"));
        writer.Write("    \"platformType\": \"ANDROID\",\n");
        writer.Write(string.Create(culture, $"    \"timestamp\": \"{time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", culture)}\"\n"));
    }
}
