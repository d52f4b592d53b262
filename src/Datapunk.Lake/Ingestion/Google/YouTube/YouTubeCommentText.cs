using System.Text;
using System.Text.Json;

namespace Datapunk.Lake.Ingestion.Google.YouTube;

/// <summary>Reads the "Comment Text" column of YouTube's comments.csv into plain text and links.</summary>
/// <remarks>
/// Since 2024 the column contains JSON objects separated by commas, one per segment of the comment:
/// <c>{"text":"Great video "},{"text":"here","link":{"linkUrl":"https://…"}}</c>. Older exports hold one object
/// <c>{"takeoutSegments":[…]}</c> with the same segments. Line breaks inside a segment may appear raw, which
/// JSON does not allow, so they are escaped before parsing. Text that is not such JSON is kept as it is.
/// </remarks>
internal static class YouTubeCommentText
{
    public static (string Text, List<string> Links) Read(string raw)
    {
        var trimmed = raw.Trim();
        if (!trimmed.StartsWith('{'))
        {
            return (raw, []);
        }

        var json = "[" + trimmed.Replace("\r\n", "\\n", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\n", StringComparison.Ordinal) + "]";
        try
        {
            using var document = JsonDocument.Parse(json);
            var segments = document.RootElement.EnumerateArray().ToList();
            if (segments.Count == 1 && segments[0].ValueKind == JsonValueKind.Object
                && segments[0].TryGetProperty("takeoutSegments", out var nested) && nested.ValueKind == JsonValueKind.Array)
            {
                segments = [.. nested.EnumerateArray()];
            }

            var text = new StringBuilder();
            var links = new List<string>();
            foreach (var segment in segments.Where(s => s.ValueKind == JsonValueKind.Object))
            {
                if (segment.TryGetProperty("text", out var part) && part.ValueKind == JsonValueKind.String)
                {
                    text.Append(part.GetString());
                }

                if (segment.TryGetProperty("link", out var link) && link.ValueKind == JsonValueKind.Object
                    && link.TryGetProperty("linkUrl", out var url) && url.ValueKind == JsonValueKind.String)
                {
                    links.Add(url.GetString()!);
                }
            }

            return (text.ToString(), links);
        }
        catch (JsonException)
        {
            return (raw, []);
        }
    }
}
