using System.Security.Cryptography;
using System.Text;

namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>
/// The 256-bit key that wraps every dataset's data key and the keys of blobs not yet attributed to a dataset. It
/// never leaves memory and is never written to the database; only its <see cref="Id"/>, an HMAC of a fixed label,
/// is stored so that opening a lake with the wrong key fails clearly.
/// </summary>
public sealed class MasterKey
{
    public const int Length = 32;

    private readonly byte[] _key;

    public MasterKey(byte[] key, string source)
    {
        if (key.Length != Length)
        {
            throw new ArgumentException($"A master key has {Length} bytes; the one from {source} has {key.Length}.", nameof(key));
        }

        _key = key.ToArray();
        Source = source;
        Id = Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes("datapunk-lake master key id")))[..16];
    }

    /// <summary>Where the key came from, for messages: a file path, an environment variable or "passphrase".</summary>
    public string Source { get; }

    public string Id { get; }

    /// <summary>Encrypts a 32-byte blob key with AES-256-GCM, bound to the blob's hash: nonce ‖ ciphertext ‖ tag.</summary>
    public byte[] Wrap(ReadOnlySpan<byte> blobKey, string sha256) => KeyWrap.Wrap(_key, blobKey, KeyWrap.BlobLabel(sha256));

    /// <summary>Unwraps a blob key with this key and wraps it with <paramref name="next"/>; the plain key is wiped after.</summary>
    public byte[] RewrapFor(MasterKey next, ReadOnlySpan<byte> wrapped, string sha256) =>
        Rewrap(next, wrapped, KeyWrap.BlobLabel(sha256));

    /// <exception cref="CryptographicException">The wrapped key was made with another master key or was changed.</exception>
    public byte[] Unwrap(ReadOnlySpan<byte> wrapped, string sha256) => KeyWrap.Unwrap(_key, wrapped, KeyWrap.BlobLabel(sha256));

    /// <summary>Encrypts a dataset's 32-byte data key, bound to the dataset's name.</summary>
    public byte[] WrapDataKey(ReadOnlySpan<byte> dataKey, string dataset) => KeyWrap.Wrap(_key, dataKey, KeyWrap.DatasetLabel(dataset));

    /// <exception cref="CryptographicException">The data key was wrapped with another master key or was changed.</exception>
    public byte[] UnwrapDataKey(ReadOnlySpan<byte> wrapped, string dataset) => KeyWrap.Unwrap(_key, wrapped, KeyWrap.DatasetLabel(dataset));

    /// <summary>Unwraps a data key with this key and wraps it with <paramref name="next"/>; the plain key is wiped after.</summary>
    public byte[] RewrapDataKeyFor(MasterKey next, ReadOnlySpan<byte> wrapped, string dataset) =>
        Rewrap(next, wrapped, KeyWrap.DatasetLabel(dataset));

    private byte[] Rewrap(MasterKey next, ReadOnlySpan<byte> wrapped, string label)
    {
        var key = KeyWrap.Unwrap(_key, wrapped, label);
        try
        {
            return KeyWrap.Wrap(next._key, key, label);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
