using System.Security.Cryptography;
using System.Text;

namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>
/// Wraps one 256-bit key with another: AES-256-GCM with a random 96-bit nonce, stored as nonce ‖ ciphertext ‖ tag.
/// The label is the associated data, so a wrapped key moved to another row (another blob or dataset) fails to unwrap.
/// </summary>
internal static class KeyWrap
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Wrap(ReadOnlySpan<byte> wrappingKey, ReadOnlySpan<byte> key, string label)
    {
        var wrapped = new byte[NonceSize + key.Length + TagSize];
        var nonce = wrapped.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(wrappingKey, TagSize);
        aes.Encrypt(nonce, key, wrapped.AsSpan(NonceSize, key.Length), wrapped.AsSpan(NonceSize + key.Length), Encoding.UTF8.GetBytes(label));
        return wrapped;
    }

    /// <exception cref="CryptographicException">The key was wrapped with another key or label, or was changed.</exception>
    public static byte[] Unwrap(ReadOnlySpan<byte> wrappingKey, ReadOnlySpan<byte> wrapped, string label)
    {
        if (wrapped.Length <= NonceSize + TagSize)
        {
            throw new CryptographicException($"Invalid wrapped key: it has {wrapped.Length} bytes, but a nonce and a tag alone take {NonceSize + TagSize}.");
        }

        var keyLength = wrapped.Length - NonceSize - TagSize;
        var key = new byte[keyLength];
        using var aes = new AesGcm(wrappingKey, TagSize);
        aes.Decrypt(wrapped[..NonceSize], wrapped.Slice(NonceSize, keyLength), wrapped[(NonceSize + keyLength)..], key, Encoding.UTF8.GetBytes(label));
        return key;
    }

    /// <summary>The label of a blob key wrapped by the master key (the format used since encryption at rest began).</summary>
    public static string BlobLabel(string sha256) => "blob:" + sha256;

    /// <summary>The label of a dataset's data key wrapped by the master key.</summary>
    public static string DatasetLabel(string dataset) => "dataset:" + dataset;

    /// <summary>The label of a blob key wrapped by a dataset's data key.</summary>
    public static string BlobInDatasetLabel(string sha256, string dataset) => "blob:" + sha256 + "\ndataset:" + dataset;
}
