using System.Text;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.MyActivity;

/// <summary>
/// Reads what an activity is from its title, whose wording depends on the account's language.
/// </summary>
/// <remarks>
/// Titles start with a verb ("Searched for …", "Visited …", "Watched …") in English, French and Spanish,
/// and German puts the participle first for searches ("Gesucht nach: …") but last for pages and videos
/// ("… aufgerufen", "… angesehen"). English, "Gesucht nach:", "… aufgerufen", "Has visto", "Vous avez
/// recherché" and "Vous avez regardé" appear in public test fixtures of tools that parse real exports.
/// NOTE: the other forms are unverified guesses at Google's wording.
/// A title in a language not listed here gives the kind <c>activity</c>, and its record is otherwise complete.
/// </remarks>
internal static class ActivityTitles
{
    private static readonly (string Prefix, string Kind)[] Prefixes =
    [
        ("Searched for", RecordKinds.Search),
        ("Gesucht nach", RecordKinds.Search),
        ("Vous avez recherché", RecordKinds.Search),
        ("A recherché", RecordKinds.Search),
        ("Recherche effectuée", RecordKinds.Search),
        ("Has buscado", RecordKinds.Search),
        ("Buscaste", RecordKinds.Search),
        ("Visited", RecordKinds.WebVisit),
        ("Besucht", RecordKinds.WebVisit),
        ("Vous avez consulté", RecordKinds.WebVisit),
        ("A consulté", RecordKinds.WebVisit),
        ("Vous avez visité", RecordKinds.WebVisit),
        ("Has visitado", RecordKinds.WebVisit),
        ("Visitaste", RecordKinds.WebVisit),
        ("Watched", RecordKinds.VideoWatch),
        ("Angesehen", RecordKinds.VideoWatch),
        ("Vous avez regardé", RecordKinds.VideoWatch),
        ("A regardé", RecordKinds.VideoWatch),
        ("Has visto", RecordKinds.VideoWatch),
        ("Viste", RecordKinds.VideoWatch),
    ];

    private const string GermanVisitedSuffix = "aufgerufen";
    private const string GermanViewedSuffix = "angesehen";

    /// <summary>Returns the record kind for an entry and the title without its verb (the query, the page, the video).</summary>
    public static (string Kind, string Subject) Classify(string normalizedTitle, string? header, string? titleUrl)
    {
        foreach (var (prefix, kind) in Prefixes)
        {
            if (StartsWithWord(normalizedTitle, prefix))
            {
                return (kind, normalizedTitle[prefix.Length..].TrimStart(' ', ':', '\u00A0'));
            }
        }

        if (EndsWithWord(normalizedTitle, GermanVisitedSuffix))
        {
            return (RecordKinds.WebVisit, normalizedTitle[..^GermanVisitedSuffix.Length].TrimEnd());
        }

        // "… angesehen" is a video in YouTube and a viewed result or image in Search.
        if (EndsWithWord(normalizedTitle, GermanViewedSuffix) && IsYouTube(header, titleUrl))
        {
            return (RecordKinds.VideoWatch, normalizedTitle[..^GermanViewedSuffix.Length].TrimEnd());
        }

        return (RecordKinds.Activity, normalizedTitle);
    }

    /// <summary>
    /// Returns the text with Unicode normalization form C, every run of white space (including the no-break and
    /// em spaces of the HTML pages) made one plain space, and no space at either end.
    /// </summary>
    public static string Normalize(string text)
    {
        var composed = text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder(composed.Length);
        var pendingSpace = false;
        foreach (var c in composed)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static bool IsYouTube(string? header, string? titleUrl) =>
        header?.Contains("YouTube", StringComparison.OrdinalIgnoreCase) == true
        || titleUrl?.Contains("youtube.com/", StringComparison.OrdinalIgnoreCase) == true;

    private static bool StartsWithWord(string text, string prefix) =>
        text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
        && (text.Length == prefix.Length || text[prefix.Length] is ' ' or ':');

    private static bool EndsWithWord(string text, string suffix) =>
        text.Length > suffix.Length
        && text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
        && text[^(suffix.Length + 1)] == ' ';
}
