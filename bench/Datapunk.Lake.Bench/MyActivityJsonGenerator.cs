using System.Globalization;
using System.Text;

namespace Datapunk.Lake.Bench;

/// <summary>
/// Writes a synthetic My Activity <c>MyActivity.json</c> as Takeout writes it: a root array, two-space
/// indentation, <c>},{</c> between entries, <c>=</c> and <c>&amp;</c> in URLs escaped as <c>\u003d</c> and
/// <c>\u0026</c>, ISO 8601 <c>time</c> in UTC with milliseconds.
/// </summary>
/// <remarks>
/// The same seed gives the same bytes. Entries run from newest to oldest, as in real exports, with a distinct
/// time each, so every entry becomes one record. About a third are searches, a third visits and a third
/// YouTube watches; one search in five has a <c>locationInfos</c> list.
/// </remarks>
public sealed class MyActivityJsonGenerator(int seed)
{
    private static readonly string[] Words =
    [
        "weather", "berlin", "train", "timetable", "recipe", "lentil", "soup", "bike", "repair", "chain", "python",
        "sqlite", "index", "garden", "tomato", "flight", "lisbon", "museum", "opening", "hours", "coffee", "grinder",
        "review", "running", "shoes", "tax", "return", "deadline", "piano", "chords", "hiking", "alps", "map",
    ];

    public long Write(Stream output, long entries)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 20, leaveOpen: true);
        writer.NewLine = "\n";
        var culture = CultureInfo.InvariantCulture;
        var time = new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

        writer.Write('[');
        for (long i = 0; i < entries; i++)
        {
            time = time.AddMilliseconds(-random.Next(1_000, 600_000));
            var query = Query(random);
            var plus = query.Replace(' ', '+');
            writer.Write(i == 0 ? "{\n" : ",{\n");
            switch (random.Next(3))
            {
                case 0:
                    writer.Write("  \"header\": \"Search\",\n");
                    writer.Write($"  \"title\": \"Searched for {query}\",\n");
                    writer.Write($"  \"titleUrl\": \"https://www.google.com/search?q\\u003d{plus}\",\n");
                    writer.Write(string.Create(culture, $"  \"time\": \"{time:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\",\n"));
                    writer.Write("  \"products\": [\"Search\"]");
                    if (random.Next(5) == 0)
                    {
                        writer.Write(",\n  \"locationInfos\": [{\n    \"name\": \"Around this area\",\n");
                        writer.Write(string.Create(culture, $"    \"url\": \"https://www.google.com/maps/@?api\\u003d1\\u0026map_action\\u003dmap\\u0026center\\u003d{48 + random.NextDouble():0.000000},{2 + random.NextDouble():0.000000}\\u0026zoom\\u003d13\",\n"));
                        writer.Write("    \"source\": \"From your device\",\n    \"sourceUrl\": \"https://support.google.com/websearch/answer/140950\"\n  }]");
                    }

                    break;
                case 1:
                    writer.Write("  \"header\": \"Search\",\n");
                    writer.Write($"  \"title\": \"Visited {Capitalise(query)} - a guide\",\n");
                    writer.Write(string.Create(culture, $"  \"titleUrl\": \"https://www.google.com/url?q\\u003dhttps://example.org/{plus.Replace('+', '-')}/{random.Next(100_000)}\\u0026usg\\u003dAOvVaw{random.Next():x8}\",\n"));
                    writer.Write(string.Create(culture, $"  \"time\": \"{time:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\",\n"));
                    writer.Write("  \"products\": [\"Search\"]");
                    break;
                default:
                    writer.Write("  \"header\": \"YouTube\",\n");
                    writer.Write($"  \"title\": \"Watched {Capitalise(query)} explained\",\n");
                    writer.Write(string.Create(culture, $"  \"titleUrl\": \"https://www.youtube.com/watch?v\\u003d{VideoId(random)}\",\n"));
                    writer.Write(string.Create(culture, $"  \"subtitles\": [{{\n    \"name\": \"Channel {random.Next(500)}\",\n    \"url\": \"https://www.youtube.com/channel/UC{VideoId(random)}{VideoId(random)}\"\n  }}],\n"));
                    writer.Write(string.Create(culture, $"  \"time\": \"{time:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\",\n"));
                    writer.Write("  \"products\": [\"YouTube\"],\n  \"activityControls\": [\"YouTube watch history\"]");
                    break;
            }

            writer.Write("\n}");
        }

        writer.Write("]");
        return entries;
    }

    private static string Query(Random random)
    {
        var count = random.Next(1, 5);
        var words = new string[count];
        for (var i = 0; i < count; i++)
        {
            words[i] = Words[random.Next(Words.Length)];
        }

        return string.Join(' ', words);
    }

    private static string Capitalise(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static string VideoId(Random random)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        Span<char> id = stackalloc char[11];
        for (var i = 0; i < id.Length; i++)
        {
            id[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(id);
    }
}
