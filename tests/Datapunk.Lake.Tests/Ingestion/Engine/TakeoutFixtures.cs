using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Datapunk.Lake.Tests.Ingestion.Engine;

/// <summary>Builds Takeout-shaped files and archives inside a test.</summary>
internal static class TakeoutFixtures
{
    public const string RecordsPath = "Takeout/Location History/Records.json";

    private static readonly DateTimeOffset FirstFix = new(2021, 6, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A Records.json with points <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1,
    /// one minute apart, in Google's two-space layout. Point i always gets the same time, so two files that
    /// share point numbers share records.
    /// </summary>
    public static string RecordsJson(int first, int count, Func<int, string?>? replaceItem = null)
    {
        var text = new StringBuilder("{\n  \"locations\": [");
        for (var i = first; i < first + count; i++)
        {
            text.Append(i == first ? "" : ", ");
            text.Append(replaceItem?.Invoke(i) ?? Point(i));
        }

        return text.Append("]\n}\n").ToString();
    }

    /// <summary>The time of point <paramref name="index"/> in <see cref="RecordsJson"/>.</summary>
    public static DateTimeOffset TimeOf(int index) => FirstFix.AddMinutes(index);

    public static string Point(int index, string source = "WIFI") => string.Create(CultureInfo.InvariantCulture, $$"""
        {
            "latitudeE7": {{520_000_000 + index}},
            "longitudeE7": {{130_000_000 + index}},
            "accuracy": 15,
            "source": "{{source}}",
            "timestamp": "{{TimeOf(index):yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}"
          }
        """);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static void WriteZip(string path, params (string Name, byte[] Content)[] entries)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, content) in entries)
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
            stream.Write(content);
        }
    }

    public static void WriteTgz(string path, params (string Name, byte[] Content)[] entries) =>
        WriteTgz(path, entries.Select(e => (e.Name, (Stream)new MemoryStream(e.Content))).ToArray());

    public static void WriteTgz(string path, params (string Name, Stream Content)[] entries)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var (name, content) in entries)
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = content });
        }
    }

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static string Sha256OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The SHA-256 of a blob's plaintext, read back through the lake's (decrypting) blob store.</summary>
    public static string Sha256OfBlob(Lake lake, string sha256)
    {
        using var stream = lake.Blobs.OpenReadAsync(sha256, CancellationToken.None).GetAwaiter().GetResult()
            ?? throw new FileNotFoundException($"Blob {sha256} is not in the store.");
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Every blob file under the blob folder, outside its temporary folder.</summary>
    public static IReadOnlyList<string> BlobFiles(Lake lake) =>
        Directory.EnumerateFiles(lake.Options.BlobDirectory, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(lake.Options.BlobDirectory, f).StartsWith(".tmp", StringComparison.Ordinal))
            .ToList();

    public static IReadOnlyList<string> TemporaryFiles(Lake lake) =>
        Directory.EnumerateFiles(Path.Combine(lake.Options.BlobDirectory, ".tmp")).ToList();
}

/// <summary>A seekable stream of <see cref="Length"/> zero bytes that keeps no buffer, for archive bombs.</summary>
internal sealed class ZeroStream(long length) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position { get; set; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Min(count, length - Position);
        Array.Clear(buffer, offset, n);
        Position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => Position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
