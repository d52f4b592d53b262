using System.Globalization;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.QuickTime;

namespace Datapunk.Lake.Ingestion.Google.Photos;

/// <summary>The time and place that a photo or video file states about itself, read with MetadataExtractor.</summary>
/// <param name="Taken">When the photo was taken; null when the file has no such field.</param>
/// <param name="OffsetKnown">False when the time is an EXIF wall-clock time without <c>OffsetTimeOriginal</c>, stored as if it were UTC.</param>
public sealed record MediaMetadata(DateTimeOffset? Taken, bool OffsetKnown, double? Latitude, double? Longitude, double? Altitude, string? Camera)
{
    /// <summary>File name extensions of the photos and videos that Google Photos exports.</summary>
    public static readonly IReadOnlySet<string> MediaExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".heic", ".heif", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".dng", ".cr2", ".nef", ".arw",
        ".mp4", ".mov", ".m4v", ".3gp", ".avi", ".mkv", ".mts", ".wmv", ".mpg",
    };

    /// <summary>
    /// Reads the file's metadata. Returns an empty result when MetadataExtractor does not know the format or the
    /// metadata is damaged: the file stays stored either way, and a photo without metadata is no error.
    /// </summary>
    public static MediaMetadata Read(Stream content)
    {
        IReadOnlyList<MetadataExtractor.Directory> directories;
        try
        {
            directories = ImageMetadataReader.ReadMetadata(content);
        }
        catch (Exception exception) when (exception is ImageProcessingException or IOException or MetadataException or ArgumentException or IndexOutOfRangeException)
        {
            return new MediaMetadata(null, false, null, null, null, null);
        }

        var (taken, offsetKnown) = ReadTime(directories);
        var gps = directories.OfType<GpsDirectory>().FirstOrDefault();
        var location = gps?.GetGeoLocation();
        if (location is { IsZero: true })
        {
            location = null;
        }

        double? altitude = null;
        if (gps is not null && gps.TryGetRational(GpsDirectory.TagAltitude, out var rational))
        {
            var below = gps.TryGetByte(GpsDirectory.TagAltitudeRef, out var reference) && reference == 1;
            altitude = below ? -rational.ToDouble() : rational.ToDouble();
        }

        var ifd0 = directories.OfType<ExifIfd0Directory>().FirstOrDefault();
        var camera = string.Join(' ', new[] { ifd0?.GetString(ExifDirectoryBase.TagMake), ifd0?.GetString(ExifDirectoryBase.TagModel) }
            .Where(part => !string.IsNullOrWhiteSpace(part))
            .Select(part => part!.Trim()));

        return new MediaMetadata(taken, offsetKnown, location?.Latitude, location?.Longitude, altitude, camera.Length > 0 ? camera : null);
    }

    private static (DateTimeOffset? Time, bool OffsetKnown) ReadTime(IReadOnlyList<MetadataExtractor.Directory> directories)
    {
        var exif = directories.OfType<ExifSubIfdDirectory>().FirstOrDefault();
        if (exif is not null && exif.TryGetDateTime(ExifDirectoryBase.TagDateTimeOriginal, out var original))
        {
            // OffsetTimeOriginal (EXIF 2.31) is text such as "+02:00".
            var offsetText = exif.GetString(ExifDirectoryBase.TagTimeZoneOriginal);
            if (offsetText is not null && TimeSpan.TryParseExact(offsetText.Trim().TrimStart('+', '-'), @"hh\:mm", CultureInfo.InvariantCulture, out var offset))
            {
                var signed = offsetText.Trim().StartsWith('-') ? -offset : offset;
                return (new DateTimeOffset(DateTime.SpecifyKind(original, DateTimeKind.Unspecified), signed), true);
            }

            return (new DateTimeOffset(DateTime.SpecifyKind(original, DateTimeKind.Unspecified), TimeSpan.Zero), false);
        }

        // QuickTime and MP4 state their creation time in UTC; 1904-01-01 is the value of an unset field.
        var movie = directories.OfType<QuickTimeMovieHeaderDirectory>().FirstOrDefault();
        if (movie is not null && movie.TryGetDateTime(QuickTimeMovieHeaderDirectory.TagCreated, out var created) && created.Year > 1904)
        {
            return (new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)), true);
        }

        return (null, false);
    }
}
