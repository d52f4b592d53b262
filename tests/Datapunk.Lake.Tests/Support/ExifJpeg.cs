using System.Buffers.Binary;
using System.Text;

namespace Datapunk.Lake.Tests.Support;

/// <summary>
/// Writes a minimal JPEG whose APP1 segment contains EXIF DateTimeOriginal, OffsetTimeOriginal and GPS latitude and
/// longitude, laid out by hand after the EXIF 2.32 and TIFF 6.0 specifications (little-endian TIFF).
/// </summary>
public static class ExifJpeg
{
    /// <summary>Returns the bytes of the JPEG. Coordinates are written as degrees × 10^7 over 10^7, so they read back exactly.</summary>
    public static byte[] Create(DateTime taken, string offset, double latitude, double longitude)
    {
        var tiff = new byte[198];
        var span = tiff.AsSpan();

        // TIFF header: byte order "II", magic 42, first IFD at 8.
        span[0] = (byte)'I';
        span[1] = (byte)'I';
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], 42);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], 8);

        // IFD0 at 8: pointers to the EXIF sub-IFD (38) and the GPS IFD (96).
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], 2);
        Entry(span, 10, 0x8769, 4, 1, 38);
        Entry(span, 22, 0x8825, 4, 1, 96);

        // EXIF sub-IFD at 38: DateTimeOriginal (20 ASCII bytes at 68) and OffsetTimeOriginal (7 at 88).
        BinaryPrimitives.WriteUInt16LittleEndian(span[38..], 2);
        Entry(span, 40, 0x9003, 2, 20, 68);
        Entry(span, 52, 0x9011, 2, 7, 88);
        Encoding.ASCII.GetBytes(taken.ToString("yyyy:MM:dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)).CopyTo(span[68..]);
        Encoding.ASCII.GetBytes(offset).CopyTo(span[88..]);

        // GPS IFD at 96: references inline, rationals at 150 and 174.
        BinaryPrimitives.WriteUInt16LittleEndian(span[96..], 4);
        Entry(span, 98, 0x0001, 2, 2, latitude >= 0 ? 'N' : 'S');
        Entry(span, 110, 0x0002, 5, 3, 150);
        Entry(span, 122, 0x0003, 2, 2, longitude >= 0 ? 'E' : 'W');
        Entry(span, 134, 0x0004, 5, 3, 174);
        Degrees(span[150..], Math.Abs(latitude));
        Degrees(span[174..], Math.Abs(longitude));

        var exifHeader = "Exif\0\0"u8;
        var segmentLength = 2 + exifHeader.Length + tiff.Length;
        var jpeg = new List<byte> { 0xFF, 0xD8, 0xFF, 0xE1, (byte)(segmentLength >> 8), (byte)segmentLength };
        jpeg.AddRange(exifHeader.ToArray());
        jpeg.AddRange(tiff);
        jpeg.AddRange([0xFF, 0xD9]);
        return [.. jpeg];
    }

    private static void Entry(Span<byte> span, int at, ushort tag, ushort type, uint count, uint value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], tag);
        BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 2)..], type);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 4)..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 8)..], value);
    }

    private static void Degrees(Span<byte> span, double degrees)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)Math.Round(degrees * 1e7));
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], 10_000_000);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], 1);
    }
}
