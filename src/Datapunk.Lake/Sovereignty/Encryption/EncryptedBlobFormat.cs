using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>
/// The layout of an encrypted blob file: a 20-byte header (magic <c>DPLBLOB1</c>, chunk size as int32 LE, plaintext
/// length as int64 LE), then the plaintext in chunks of <see cref="ChunkSize"/> bytes, each sealed with AES-256-GCM
/// as ciphertext ‖ 16-byte tag.
/// </summary>
/// <remarks>
/// Each blob has its own random key, so the nonce can be the chunk index (4 zero bytes ‖ index as uint64 LE) without
/// ever repeating under one key. The associated data is the index and a final-chunk flag, so chunks cannot be moved,
/// and a file cut after a whole chunk fails to decrypt instead of reading as a shorter blob.
/// </remarks>
internal static class EncryptedBlobFormat
{
    public const int ChunkSize = 64 * 1024;
    public const int TagSize = 16;
    public const int HeaderSize = 20;

    public static ReadOnlySpan<byte> Magic => "DPLBLOB1"u8;

    public static long ChunkCount(long plaintextLength) => Math.Max(1, (plaintextLength + ChunkSize - 1) / ChunkSize);

    public static long ChunkOffset(long index) => HeaderSize + index * (ChunkSize + TagSize);

    public static void WriteHeader(Span<byte> header, long plaintextLength)
    {
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], ChunkSize);
        BinaryPrimitives.WriteInt64LittleEndian(header[12..], plaintextLength);
    }

    /// <exception cref="CryptographicException">The header is not one this version writes.</exception>
    public static long ReadHeader(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderSize || !header[..8].SequenceEqual(Magic) || BinaryPrimitives.ReadInt32LittleEndian(header[8..]) != ChunkSize)
        {
            throw new CryptographicException("The blob file does not start with a valid encrypted-blob header.");
        }

        var length = BinaryPrimitives.ReadInt64LittleEndian(header[12..]);
        return length >= 0 ? length : throw new CryptographicException("The blob file header gives a negative length.");
    }

    public static void Nonce(Span<byte> nonce, long index)
    {
        nonce.Clear();
        BinaryPrimitives.WriteInt64LittleEndian(nonce[4..], index);
    }

    public static void AssociatedData(Span<byte> data, long index, bool last)
    {
        BinaryPrimitives.WriteInt64LittleEndian(data, index);
        data[8] = last ? (byte)1 : (byte)0;
    }
}
