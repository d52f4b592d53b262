using System.Globalization;
using System.Text.RegularExpressions;

namespace Datapunk.Lake.Ingestion.Google.Photos;

/// <summary>
/// The media file name and copy number encoded in the file name of a Google Photos metadata sidecar, and the
/// search for that media file among the names in the same folder.
/// </summary>
/// <remarks>
/// The naming rules of Takeout:
/// 1. <c>IMG_1.jpg.json</c> (before about 2023) or <c>IMG_1.jpg.supplemental-metadata.json</c> (since) belong to <c>IMG_1.jpg</c>.
/// 2. A sidecar name is cut to 51 characters, cutting the media name or the word <c>supplemental-metadata</c>:
///    <c>IMG_20231006_063851485.jpg.supplemental-metad.json</c>, and a media name longer than about 46 characters
///    appears cut in the sidecar name (the media file's own name may be cut at a different length).
/// 3. When a folder holds two media files with the same name, the second is <c>IMG_1(1).jpg</c> and its sidecar is
///    <c>IMG_1.jpg(1).json</c>, <c>IMG_1.jpg.supplemental-metadata(1).json</c> or <c>IMG_1(1).jpg.json</c>.
/// </remarks>
public sealed partial record SidecarName(string MediaName, int Copy)
{
    private const string SupplementalSuffix = ".supplemental-metadata";

    /// <summary>
    /// Names shorter than this are never taken as cut, so <c>IMG.jpg</c> cannot claim the sidecar of <c>IMG_1.jpg</c>.
    /// Takeout cuts names at 46 to 51 characters; 40 leaves room for a long extension and a copy number.
    /// </summary>
    private const int MinCutLength = 40;

    /// <summary>Parses a sidecar file name; null when the name does not end in <c>.json</c>.</summary>
    public static SidecarName? Parse(string fileName)
    {
        if (!fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || fileName.Length <= ".json".Length)
        {
            return null;
        }

        var name = fileName[..^".json".Length];
        var copy = 0;

        // Rule 3, second and third forms: the copy number sits right before ".json".
        var trailing = TrailingCopy().Match(name);
        if (trailing.Success)
        {
            copy = int.Parse(trailing.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
            name = trailing.Groups[1].Value;
        }

        // Rule 2: the suffix may be cut anywhere after its dot, down to the dot alone.
        var dot = name.LastIndexOf('.');
        if (dot > 0 && SupplementalSuffix.StartsWith(name[dot..], StringComparison.OrdinalIgnoreCase) && name.IndexOf('.') < dot)
        {
            name = name[..dot];
        }

        // Rule 3, first form: the copy number sits before the media file's extension.
        var inner = InnerCopy().Match(name);
        if (copy == 0 && inner.Success)
        {
            copy = int.Parse(inner.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
            name = inner.Groups[1].Value + inner.Groups[3].Value;
        }

        return name.Length == 0 ? null : new SidecarName(name, copy);
    }

    /// <summary>The name the media file has on disk when the sidecar name was not cut: <c>IMG_1(1).jpg</c> for copy 1.</summary>
    public string ExpectedFileName => Copy == 0 ? MediaName : WithCopy(MediaName, Copy);

    /// <summary>
    /// Finds the media file of this sidecar among <paramref name="siblings"/> (the file names in the sidecar's folder),
    /// trying the exact names first and then the names that a cut sidecar name is the start of. Null when none fits.
    /// </summary>
    /// <param name="title">The sidecar's <c>title</c>: the media file name as uploaded, never cut.</param>
    public string? FindMedia(string? title, IReadOnlySet<string> siblings)
    {
        var exact = new List<string> { ExpectedFileName };
        if (Copy > 0)
        {
            exact.Add(MediaName + string.Create(CultureInfo.InvariantCulture, $"({Copy})"));
        }

        if (title is not null)
        {
            exact.Add(Copy == 0 ? title : WithCopy(title, Copy));
        }

        foreach (var candidate in exact)
        {
            if (siblings.Contains(candidate))
            {
                return candidate;
            }
        }

        // Rule 2: a cut name is the start of the real one; with a copy number, that number comes before the extension.
        string? best = null;
        foreach (var sibling in siblings)
        {
            if (sibling.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var uncopied = sibling;
            if (Copy > 0)
            {
                var stem = Path.GetFileNameWithoutExtension(sibling);
                var suffix = string.Create(CultureInfo.InvariantCulture, $"({Copy})");
                if (!stem.EndsWith(suffix, StringComparison.Ordinal))
                {
                    continue;
                }

                uncopied = stem[..^suffix.Length] + Path.GetExtension(sibling);
            }

            var uncopiedStem = Path.GetFileNameWithoutExtension(uncopied);
            var sidecarNameCut = MediaName.Length >= MinCutLength && uncopied.StartsWith(MediaName, StringComparison.Ordinal);
            var mediaNameCut = title is not null && uncopiedStem.Length >= MinCutLength
                               && title.StartsWith(uncopiedStem, StringComparison.Ordinal)
                               && string.Equals(Path.GetExtension(title), Path.GetExtension(uncopied), StringComparison.OrdinalIgnoreCase);
            var fits = sidecarNameCut || mediaNameCut;
            if (fits && (best is null || string.CompareOrdinal(sibling, best) < 0))
            {
                best = sibling;
            }
        }

        return best;
    }

    private static string WithCopy(string name, int copy) =>
        Path.GetFileNameWithoutExtension(name) + string.Create(CultureInfo.InvariantCulture, $"({copy})") + Path.GetExtension(name);

    [GeneratedRegex(@"^(.+)\((\d{1,4})\)$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingCopy();

    [GeneratedRegex(@"^(.+)\((\d{1,4})\)(\.[^.()]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex InnerCopy();
}
