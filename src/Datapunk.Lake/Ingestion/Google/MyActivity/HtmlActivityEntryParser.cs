namespace Datapunk.Lake.Ingestion.Google.MyActivity;

/// <summary>Turns the lines of one My Activity HTML entry's cells into an <see cref="ActivityEntry"/>.</summary>
/// <remarks>
/// The body cell contains the title line (its first link is the title URL), then one line per subtitle, and the
/// date as its last line. The caption cell contains sections that each start with a bold label, and the labels are
/// translated, so they are matched in English, German, French and Spanish. Sections under other labels are
/// kept as details, and a label that ends with '?' is the "Why is this here?" note.
/// </remarks>
internal static class HtmlActivityEntryParser
{
    private static readonly HashSet<string> ProductLabels = new(StringComparer.OrdinalIgnoreCase) { "Products", "Produkte", "Produits", "Productos" };

    private static readonly HashSet<string> LocationLabels = new(StringComparer.OrdinalIgnoreCase) { "Locations", "Standorte", "Lieux", "Emplacements", "Ubicaciones" };

    private static readonly HashSet<string> DetailLabels = new(StringComparer.OrdinalIgnoreCase) { "Details", "Détails", "Detalles" };

    /// <exception cref="ImportFormatException">The entry has no content cell or no date that can be read.</exception>
    public static ActivityEntry Parse(IReadOnlyList<HtmlLine> header, IReadOnlyList<HtmlLine> body, IReadOnlyList<HtmlLine> caption, int index, long offset)
    {
        var position = $"entry {index} (byte {offset})";
        if (body.Count == 0)
        {
            throw new ImportFormatException($"Entry {index} has no content cell with a title and a date.", position);
        }

        var dateLine = body[^1];
        if (!HtmlActivityDate.TryParse(dateLine.Text, out var time, out var offsetKnown, out var error))
        {
            throw new ImportFormatException($"Entry {index} has a date that cannot be read, '{dateLine.Text}': {error}.", position);
        }

        var titleLine = body.Count >= 2 ? body[0] : null;
        var subtitles = new List<ActivityLink>();
        for (var i = 1; i < body.Count - 1; i++)
        {
            subtitles.Add(new ActivityLink(body[i].Text, body[i].Links.FirstOrDefault()?.Url));
        }

        var (products, locations, details, why) = ReadCaption(caption);
        return new ActivityEntry
        {
            Header = header.Select(l => l.Text).FirstOrDefault(t => t.Length > 0),
            Title = titleLine?.Text ?? "",
            TitleUrl = titleLine?.Links.FirstOrDefault()?.Url,
            Time = time,
            TimeOffsetKnown = offsetKnown,
            Subtitles = subtitles,
            Products = products,
            Locations = locations,
            Details = details,
            Why = why,
        };
    }

    private static (List<string> Products, List<ActivityLocation> Locations, List<string> Details, string? Why) ReadCaption(IReadOnlyList<HtmlLine> caption)
    {
        var products = new List<string>();
        var locations = new List<ActivityLocation>();
        var details = new List<string>();
        var why = new List<string>();
        string? label = null;

        foreach (var line in caption)
        {
            if (line.Label is not null)
            {
                label = line.Label.TrimEnd(':', ' ', '\u00A0');
            }

            if (line.Text.Length == 0 && line.Links.Count == 0)
            {
                continue;
            }

            if (label is not null && ProductLabels.Contains(label))
            {
                products.Add(line.Text);
            }
            else if (label is not null && LocationLabels.Contains(label))
            {
                locations.Add(ReadLocation(line));
            }
            else if (label is not null && DetailLabels.Contains(label))
            {
                details.Add(line.Text);
            }
            else if (label is not null && label.EndsWith('?'))
            {
                why.Add(line.Text);
            }
            else
            {
                details.Add(label is null ? line.Text : $"{label}: {line.Text}");
            }
        }

        return (products, locations, details, why.Count > 0 ? string.Join(' ', why) : null);
    }

    /// <summary>
    /// Reads a location line such as "<c>&lt;a href=maps&gt;Around this area&lt;/a&gt; - From your device</c>":
    /// the Maps link is the place, the text after " - " (and its link, if any) is the source.
    /// </summary>
    private static ActivityLocation ReadLocation(HtmlLine line)
    {
        var mapsLink = line.Links.FirstOrDefault(l => IsMapsUrl(l.Url));
        var otherLink = line.Links.FirstOrDefault(l => l != mapsLink && l.Url is not null);
        var dash = line.Text.IndexOf(" - ", StringComparison.Ordinal);

        string? name;
        string? source;
        if (dash >= 0)
        {
            name = line.Text[..dash].Trim();
            source = line.Text[(dash + 3)..].Trim();
        }
        else if (mapsLink is not null && mapsLink.Name != mapsLink.Url)
        {
            name = mapsLink.Name;
            source = null;
        }
        else
        {
            name = null;
            source = (mapsLink is null ? line.Text : line.Text.Replace(mapsLink.Name, "", StringComparison.Ordinal)).Trim().TrimEnd(':').Trim();
        }

        return new ActivityLocation(
            string.IsNullOrEmpty(name) ? null : name,
            mapsLink?.Url,
            string.IsNullOrEmpty(source) ? null : source,
            otherLink?.Url);
    }

    private static bool IsMapsUrl(string? url) =>
        url is not null && (url.Contains("/maps", StringComparison.OrdinalIgnoreCase) || url.Contains("maps.google.", StringComparison.OrdinalIgnoreCase));
}
