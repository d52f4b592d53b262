using System.IO.Compression;
using SharpCompress.Readers;

namespace Datapunk.Lake.Ingestion.Archives;

public enum ArchiveKind
{
    None,
    Zip,
    Gzip,
    Tar,
}

/// <summary>Recognises archives by their first bytes and lists their entries.</summary>
public static class ArchiveReaders
{
    /// <summary>Tells the archive format from the first bytes of a file; the file name plays no part.</summary>
    public static ArchiveKind Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K'
            && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6) || (head[2] == 7 && head[3] == 8)))
        {
            return ArchiveKind.Zip;
        }

        if (head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B)
        {
            return ArchiveKind.Gzip;
        }

        if (head.Length >= 262 && head[257..262].SequenceEqual("ustar"u8))
        {
            return ArchiveKind.Tar;
        }

        return ArchiveKind.None;
    }

    /// <summary>
    /// Lists the files of a zip through its central directory. When the central directory is missing (a
    /// truncated download), falls back to reading the local headers in order, which recovers every entry
    /// before the cut.
    /// </summary>
    public static IEnumerable<ArchiveEntry> ReadZip(Stream seekable, Action<string> onDamaged)
    {
        ZipArchive? archive = null;
        try
        {
            archive = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException)
        {
            onDamaged($"The zip has no readable central directory ({exception.Message}); it is probably truncated. Entries are read from their local headers up to the damage.");
        }

        if (archive is null)
        {
            seekable.Position = 0;
            return ReadStreamed(seekable, ArchiveKind.Zip);
        }

        return ReadCentralDirectory(archive);
    }

    /// <summary>Lists the files of a tar, gzip-compressed or not, reading the archive once from start to end.</summary>
    public static IEnumerable<ArchiveEntry> ReadTar(Stream stream) => ReadStreamed(stream, ArchiveKind.Tar);

    private static IEnumerable<ArchiveEntry> ReadCentralDirectory(ZipArchive archive)
    {
        using (archive)
        {
            foreach (var entry in archive.Entries)
            {
                if (entry.FullName.EndsWith('/') && entry.Length == 0)
                {
                    continue;
                }

                var current = entry;
                yield return new ArchiveEntry(entry.FullName, entry.Length, entry.CompressedLength, () => current.Open());
            }
        }
    }

    private static IEnumerable<ArchiveEntry> ReadStreamed(Stream stream, ArchiveKind kind)
    {
        IReader reader;
        try
        {
            var options = new ReaderOptions { LeaveStreamOpen = true };
            reader = kind == ArchiveKind.Zip
                ? SharpCompress.Readers.Zip.ZipReader.OpenReader(stream, options)
                : ReaderFactory.OpenReader(stream, options);
        }
        catch (Exception exception) when (exception is InvalidOperationException or InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            throw new ArchiveReadException($"The archive cannot be opened: {exception.Message}", "byte 0", exception);
        }

        using (reader)
        {
            var index = 0;
            while (true)
            {
                bool moved;
                try
                {
                    moved = reader.MoveToNextEntry();
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    throw new ArchiveReadException(
                        $"The archive is damaged or truncated after entry {index}: {exception.Message.TrimEnd('.')}. Download or export it again; the entries before this point were imported.",
                        $"entry {index + 1}, byte {SafePosition(stream)}",
                        exception);
                }

                if (!moved)
                {
                    yield break;
                }

                index++;
                var entry = reader.Entry;
                if (entry.IsDirectory || entry.Key is null)
                {
                    continue;
                }

                long? compressed = entry.CompressedSize > 0 ? entry.CompressedSize : null;
                long? declared = entry.Size >= 0 ? entry.Size : null;
                yield return new ArchiveEntry(entry.Key, declared, compressed, reader.OpenEntryStream);
            }
        }
    }

    private static long SafePosition(Stream stream)
    {
        try
        {
            return stream.CanSeek ? stream.Position : -1;
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
    }
}
