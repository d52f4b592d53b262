namespace Datapunk.Lake.Search;

/// <summary>
/// A piece of record text with the ranges that matched the query. Ranges are in UTF-16 code units, so a client
/// can mark them without parsing any markup, and the text is never HTML.
/// </summary>
public sealed record HighlightedText(string Text, IReadOnlyList<TextRange> Highlights)
{
    /// <summary>The marker that the store puts before a matched range.</summary>
    public const char StartMarker = '\u0002';

    /// <summary>The marker that the store puts after a matched range.</summary>
    public const char EndMarker = '\u0003';

    /// <summary>Removes the markers from <paramref name="marked"/> and records where they were.</summary>
    public static HighlightedText FromMarked(string marked)
    {
        var text = new System.Text.StringBuilder(marked.Length);
        var ranges = new List<TextRange>();
        var start = -1;
        foreach (var character in marked)
        {
            if (character == StartMarker)
            {
                start = text.Length;
                continue;
            }

            if (character == EndMarker)
            {
                if (start >= 0 && text.Length > start)
                {
                    ranges.Add(new TextRange(start, text.Length - start));
                }

                start = -1;
                continue;
            }

            text.Append(character);
        }

        return new HighlightedText(text.ToString(), ranges);
    }

    /// <summary>The text with each matched range between <paramref name="open"/> and <paramref name="close"/>.</summary>
    public string Mark(string open, string close)
    {
        var result = new System.Text.StringBuilder(Text.Length + Highlights.Count * (open.Length + close.Length));
        var position = 0;
        foreach (var range in Highlights)
        {
            result.Append(Text, position, range.Start - position);
            result.Append(open).Append(Text, range.Start, range.Length).Append(close);
            position = range.Start + range.Length;
        }

        result.Append(Text, position, Text.Length - position);
        return result.ToString();
    }
}

/// <summary>A range of <see cref="HighlightedText.Text"/> in UTF-16 code units.</summary>
public sealed record TextRange(int Start, int Length);
