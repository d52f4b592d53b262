using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Datapunk.Lake.Ingestion.Google.LocationHistory;

/// <summary>
/// The fields of one Records.json item that the importer keeps, read in one pass of a <see cref="Utf8JsonReader"/>
/// instead of building a <see cref="JsonDocument"/> per item.
/// </summary>
/// <remarks>
/// Every field is read as leniently as <see cref="Json.JsonElementExtensions"/> reads it: a number may come as a
/// string, a string field may come as a number (its text is kept), and a value of another kind counts as absent.
/// When a name occurs twice in an object, the last value wins, as with <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>.
/// </remarks>
internal sealed class RecordsJsonItem
{
    /// <summary>The names of the scalar fields copied into the attributes, in the order they are written.</summary>
    public static readonly string[] CopiedNames = ["source", "deviceTag", "platformType", "altitude", "verticalAccuracy", "velocity", "heading"];

    private static readonly byte[][] CopiedNamesUtf8 = [.. CopiedNames.Select(Encoding.UTF8.GetBytes)];

    /// <summary>False when the item is not a JSON object; every other field is then empty.</summary>
    public bool IsObject { get; private set; }

    public string? Timestamp { get; private set; }

    public string? TimestampMs { get; private set; }

    public long? LatitudeE7 { get; private set; }

    public long? LongitudeE7 { get; private set; }

    public double? Accuracy { get; private set; }

    /// <summary>The values of <see cref="CopiedNames"/>, by index; a string, a long, a double, a bool or null.</summary>
    public object?[] Copied { get; } = new object?[CopiedNames.Length];

    /// <summary>The entries of the <c>activity</c> array, or null when the item has no array of that name.</summary>
    public List<ActivityEntry>? Activities { get; private set; }

    /// <summary>Reads the item that <paramref name="reader"/> is positioned on, and leaves it on the item's last token.</summary>
    public static RecordsJsonItem Read(ref Utf8JsonReader reader)
    {
        var item = new RecordsJsonItem();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.TrySkip();
            return item;
        }

        item.IsObject = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("timestamp"u8))
            {
                reader.Read();
                item.Timestamp = ReadText(ref reader);
            }
            else if (reader.ValueTextEquals("timestampMs"u8))
            {
                reader.Read();
                item.TimestampMs = ReadText(ref reader);
            }
            else if (reader.ValueTextEquals("latitudeE7"u8))
            {
                reader.Read();
                item.LatitudeE7 = ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("longitudeE7"u8))
            {
                reader.Read();
                item.LongitudeE7 = ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("accuracy"u8))
            {
                reader.Read();
                item.Accuracy = ReadDouble(ref reader);
            }
            else if (reader.ValueTextEquals("activity"u8))
            {
                reader.Read();
                item.Activities = ReadActivities(ref reader);
            }
            else if (CopiedIndex(ref reader) is var copied and >= 0)
            {
                reader.Read();
                item.Copied[copied] = ReadScalar(ref reader);
            }
            else
            {
                reader.Read();
                reader.TrySkip();
            }
        }

        return item;
    }

    private static int CopiedIndex(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < CopiedNamesUtf8.Length; i++)
        {
            if (reader.ValueTextEquals(CopiedNamesUtf8[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Reads the outer <c>activity</c> list: each entry has a time and a list of guesses.</summary>
    private static List<ActivityEntry>? ReadActivities(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.TrySkip();
            return null;
        }

        var entries = new List<ActivityEntry>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var entry = new ActivityEntry();
            entries.Add(entry);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.TrySkip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("timestamp"u8))
                {
                    reader.Read();
                    entry.Timestamp = ReadText(ref reader);
                }
                else if (reader.ValueTextEquals("timestampMs"u8))
                {
                    reader.Read();
                    entry.TimestampMs = ReadText(ref reader);
                }
                else if (reader.ValueTextEquals("activity"u8))
                {
                    reader.Read();
                    entry.Guesses = ReadGuesses(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.TrySkip();
                }
            }
        }

        return entries;
    }

    private static List<(string? Type, long? Confidence)> ReadGuesses(ref Utf8JsonReader reader)
    {
        var guesses = new List<(string? Type, long? Confidence)>();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.TrySkip();
            return guesses;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            string? type = null;
            long? confidence = null;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.TrySkip();
                guesses.Add((type, confidence));
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = ReadText(ref reader);
                }
                else if (reader.ValueTextEquals("confidence"u8))
                {
                    reader.Read();
                    confidence = ReadInt64(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.TrySkip();
                }
            }

            guesses.Add((type, confidence));
        }

        return guesses;
    }

    /// <summary>A string, or the text of a number; null for any other value.</summary>
    private static string? ReadText(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                return Encoding.UTF8.GetString(reader.ValueSpan);
            default:
                reader.TrySkip();
                return null;
        }
    }

    private static long? ReadInt64(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt64(out var number):
                return number;
            case JsonTokenType.Number:
                return reader.TryGetDouble(out var real) && real is >= long.MinValue and <= long.MaxValue ? (long)real : null;
            case JsonTokenType.String:
                return long.TryParse(reader.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            default:
                reader.TrySkip();
                return null;
        }
    }

    private static double? ReadDouble(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.GetDouble();
            case JsonTokenType.String:
                return double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            default:
                reader.TrySkip();
                return null;
        }
    }

    /// <summary>A string, number or boolean as a string, long, double or bool; null for any other value.</summary>
    private static object? ReadScalar(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number when reader.TryGetInt64(out var integer):
                return integer;
            case JsonTokenType.Number:
                return reader.GetDouble();
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            default:
                reader.TrySkip();
                return null;
        }
    }

    /// <summary>One entry of the <c>activity</c> list; its fields stay null when the entry is not an object.</summary>
    public sealed class ActivityEntry
    {
        public string? Timestamp { get; set; }

        public string? TimestampMs { get; set; }

        public List<(string? Type, long? Confidence)> Guesses { get; set; } = [];
    }
}
