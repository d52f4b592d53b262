using System.Security.Cryptography;
using System.Text;

namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>
/// The 256-bit key that wraps every blob key. It never leaves memory and is never written to the database; only
/// its <see cref="Id"/>, an HMAC of a fixed label, is stored so that opening a lake with the wrong key fails clearly.
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
    public byte[] Wrap(ReadOnlySpan<byte> blobKey, string sha256)
    {
        var wrapped = new byte[AesGcm.NonceByteSizes.MaxSize + blobKey.Length + AesGcm.TagByteSizes.MaxSize];
        var nonce = wrapped.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, blobKey, wrapped.AsSpan(12, blobKey.Length), wrapped.AsSpan(12 + blobKey.Length), Encoding.ASCII.GetBytes("blob:" + sha256));
        return wrapped;
    }

    /// <summary>Unwraps a blob key with this key and wraps it with <paramref name="next"/>; the plain key is wiped after.</summary>
    public byte[] RewrapFor(MasterKey next, ReadOnlySpan<byte> wrapped, string sha256)
    {
        var blobKey = Unwrap(wrapped, sha256);
        try
        {
            return next.Wrap(blobKey, sha256);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(blobKey);
        }
    }

    /// <exception cref="CryptographicException">The wrapped key was made with another master key or was changed.</exception>
    public byte[] Unwrap(ReadOnlySpan<byte> wrapped, string sha256)
    {
        var keyLength = wrapped.Length - 28;
        var blobKey = new byte[keyLength];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(wrapped[..12], wrapped.Slice(12, keyLength), wrapped[(12 + keyLength)..], blobKey, Encoding.ASCII.GetBytes("blob:" + sha256));
        return blobKey;
    }
}
