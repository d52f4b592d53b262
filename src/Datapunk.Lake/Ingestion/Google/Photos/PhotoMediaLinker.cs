using System.Globalization;
using System.Text.Json.Nodes;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Ingestion.Json;
using Datapunk.Lake.Records;
using Datapunk.Lake.Storage;

namespace Datapunk.Lake.Ingestion.Google.Photos;

/// <summary>
/// Links Google Photos records to their media files once every file of an import is stored, and makes records
/// from the EXIF data of the photos and videos that have no sidecar.
/// </summary>
/// <remarks>
/// Steps, per folder of the import:
/// 1. Each sidecar (parsed now or in an earlier import) is read again from its blob to get its record's id, and
///    <see cref="SidecarName.FindMedia"/> finds its media file among the file names of the folder. The record gets
///    <c>mediaBlob</c> (the media file's SHA-256) and <c>mediaPath</c>, unless an earlier import already set them, and
///    <c>editedMediaBlob</c> for an <c>-edited</c> version beside it.
/// 2. Every photo or video in a Google Photos folder (one that contains a sidecar or an album file, or has a
///    <c>Google Photos</c> folder in its path) that no sidecar claimed gets a record from its own metadata, with the
///    merge key <c>sha256:HASH</c> of the media blob. It is marked parsed as format <see cref="MediaFormat"/>, so the
///    same file in a later import adds nothing.
/// Both steps only add, so running the pass again after a crash finishes the work without duplicates.
/// NOTE: a photo imported first without its sidecar, and later with it, keeps both records (EXIF and sidecar),
/// because the pass never deletes a record.
/// </remarks>
public sealed class PhotoMediaLinker : IImportPostPass
{
    /// <summary>The format name under which a media file without a sidecar is marked parsed.</summary>
    public const string MediaFormat = "google.photos.media";

    private const int MediaFormatVersion = 1;

    private static readonly string SidecarFormat = new PhotoSidecarImporter().Format;
    private static readonly string AlbumFormat = new PhotoAlbumImporter().Format;

    public string Name => "google.photos.link-media";

    public async Task<long> RunAsync(ImportPostPassContext context, CancellationToken cancellationToken)
    {
        var stored = context.Files.Where(f => f.BlobSha256 is not null).ToList();
        var folders = stored.GroupBy(f => Folder(f.Path), StringComparer.Ordinal).ToList();
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var photoFolders = new HashSet<string>(StringComparer.Ordinal);

        foreach (var folder in folders)
        {
            var sidecars = folder.Where(f => f.Format == SidecarFormat && f.Outcome is FileOutcome.Parsed or FileOutcome.Unchanged).ToList();
            if (sidecars.Count > 0 || folder.Any(f => f.Format == AlbumFormat))
            {
                photoFolders.Add(folder.Key);
            }

            var byName = new Dictionary<string, ImportFileReport>(StringComparer.Ordinal);
            foreach (var file in folder)
            {
                byName.TryAdd(Path.GetFileName(file.Path), file);
            }

            var siblings = byName.Keys.ToHashSet(StringComparer.Ordinal);
            foreach (var sidecar in sidecars)
            {
                await LinkAsync(context, sidecar, siblings, byName, claimed, cancellationToken);
            }
        }

        long added = 0;
        foreach (var file in stored)
        {
            var isMedia = file.Format is null && MediaMetadata.MediaExtensions.Contains(Path.GetExtension(file.Path));
            var inPhotos = photoFolders.Contains(Folder(file.Path)) || file.Path.Split('/').Contains("Google Photos", StringComparer.OrdinalIgnoreCase);
            if (isMedia && inPhotos && claimed.Add(file.BlobSha256!))
            {
                added += await AddFromMetadataAsync(context, file, cancellationToken);
            }
        }

        return added;
    }

    private static async Task LinkAsync(
        ImportPostPassContext context,
        ImportFileReport sidecar,
        IReadOnlySet<string> siblings,
        Dictionary<string, ImportFileReport> byName,
        HashSet<string> claimed,
        CancellationToken cancellationToken)
    {
        var name = SidecarName.Parse(Path.GetFileName(sidecar.Path));
        if (name is null)
        {
            return;
        }

        RecordDraft draft;
        string? title;
        await using (var content = await context.Blobs.OpenReadAsync(sidecar.BlobSha256!, cancellationToken))
        {
            if (content is null)
            {
                return;
            }

            try
            {
                using var document = SmallJsonDocument.Parse(content, "a Google Photos sidecar");
                draft = PhotoSidecarImporter.ToRecord(document.RootElement, sidecar.Path, context.Account);
                title = document.RootElement.GetStringOrNull("title") is { Length: > 0 } t ? t : null;
            }
            catch (ImportFormatException)
            {
                // The sidecar's own import already reported this error; it has no record to link.
                return;
            }
        }

        if (name.FindMedia(title, siblings) is not { } mediaName)
        {
            return;
        }

        var media = byName[mediaName];
        claimed.Add(media.BlobSha256!);

        // NOTE: only the English "-edited" suffix is known; an edited copy in another language gets its own EXIF record.
        var edited = Path.GetFileNameWithoutExtension(mediaName) + "-edited" + Path.GetExtension(mediaName);
        byName.TryGetValue(edited, out var editedMedia);
        if (editedMedia?.BlobSha256 is { } editedSha)
        {
            claimed.Add(editedSha);
        }

        var id = RecordId.For(draft.Dataset, draft.Kind, draft.MergeKey);
        var record = await context.Store.GetRecordAsync(id, cancellationToken);
        if (record is null || record.Attributes?.ContainsKey("mediaBlob") == true)
        {
            return;
        }

        await context.Store.SetRecordAttributeAsync(id, "mediaBlob", media.BlobSha256!, cancellationToken);
        await context.Store.SetRecordAttributeAsync(id, "mediaPath", media.Path, cancellationToken);
        if (editedMedia?.BlobSha256 is { } editedBlob)
        {
            await context.Store.SetRecordAttributeAsync(id, "editedMediaBlob", editedBlob, cancellationToken);
        }
    }

    private static async Task<long> AddFromMetadataAsync(ImportPostPassContext context, ImportFileReport file, CancellationToken cancellationToken)
    {
        var key = new FileParseKey(file.BlobSha256!, MediaFormat, MediaFormatVersion, context.Account);
        if (await context.Store.IsFileParsedAsync(key, cancellationToken))
        {
            return 0;
        }

        MediaMetadata metadata;
        await using (var content = await context.Blobs.OpenReadAsync(file.BlobSha256!, cancellationToken))
        {
            if (content is null)
            {
                return 0;
            }

            metadata = MediaMetadata.Read(content);
        }

        using var writer = context.Store.BeginFile(context.ImportId, file.Path, key);

        // NOTE: a photo whose file states no time gets no record (a record needs a start); its blob stays stored.
        if (metadata.Taken is { } taken)
        {
            var attributes = new JsonObject
            {
                ["fileName"] = Path.GetFileName(file.Path),
                ["mediaBlob"] = file.BlobSha256,
                ["mediaPath"] = file.Path,
                ["source"] = "exif",
            };
            if (metadata.Altitude is { } altitude)
            {
                attributes["altitude"] = altitude;
            }

            if (metadata.Camera is { } camera)
            {
                attributes["camera"] = camera;
            }

            writer.Add(new RecordDraft
            {
                Dataset = GoogleDatasets.Photos(context.Account),
                Kind = RecordKinds.Photo,
                MergeKey = string.Create(CultureInfo.InvariantCulture, $"sha256:{file.BlobSha256}"),
                Start = taken,
                StartOffsetKnown = metadata.OffsetKnown,
                Latitude = metadata.Latitude,
                Longitude = metadata.Longitude,
                Title = Path.GetFileName(file.Path),
                Attributes = attributes,
                Pointer = "exif",
            });
        }

        writer.Commit();
        return writer.Added;
    }

    private static string Folder(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }
}
