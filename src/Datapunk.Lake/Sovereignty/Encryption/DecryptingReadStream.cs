using System.Security.Cryptography;

namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>
/// A seekable, read-only view of the plaintext of an encrypted blob file. It decrypts one chunk at a time, so a read
/// streams and a range read decrypts only the chunks it touches.
/// </summary>
internal sealed class DecryptingReadStream : Stream
{
    private readonly FileStream _file;
    private readonly AesGcm _aes;
    private readonly long _length;
    private readonly long _chunkCount;
    private readonly byte[] _cipher = new byte[EncryptedBlobFormat.ChunkSize];
    private readonly byte[] _plain = new byte[EncryptedBlobFormat.ChunkSize];
    private long _position;
    private long _cachedChunk = -1;
    private int _cachedLength;

    public DecryptingReadStream(FileStream file, byte[] key)
    {
        _file = file;
        Span<byte> header = stackalloc byte[EncryptedBlobFormat.HeaderSize];
        file.ReadExactly(header);
        _length = EncryptedBlobFormat.ReadHeader(header);
        _chunkCount = EncryptedBlobFormat.ChunkCount(_length);
        _aes = new AesGcm(key, EncryptedBlobFormat.TagSize);
        CryptographicOperations.ZeroMemory(key);
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A position cannot be negative.");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= _length || buffer.IsEmpty)
        {
            return 0;
        }

        var index = _position / EncryptedBlobFormat.ChunkSize;
        LoadChunk(index);
        var within = (int)(_position - index * EncryptedBlobFormat.ChunkSize);
        var count = Math.Min(buffer.Length, _cachedLength - within);
        _plain.AsSpan(within, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "Unknown seek origin."),
        };

        // Like FileStream, seeking before the start is an I/O error, which readers of short files expect.
        if (target < 0)
        {
            throw new IOException($"Cannot seek to {target}, before the start of the {_length}-byte blob.");
        }

        _position = target;
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("Blobs are read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Blobs are read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _aes.Dispose();
            _file.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
        }

        base.Dispose(disposing);
    }

    /// <exception cref="CryptographicException">The chunk was changed, moved or cut short.</exception>
    private void LoadChunk(long index)
    {
        if (index == _cachedChunk)
        {
            return;
        }

        var last = index == _chunkCount - 1;
        var plainLength = last ? (int)(_length - index * EncryptedBlobFormat.ChunkSize) : EncryptedBlobFormat.ChunkSize;
        _file.Position = EncryptedBlobFormat.ChunkOffset(index);
        Span<byte> tag = stackalloc byte[EncryptedBlobFormat.TagSize];
        try
        {
            _file.ReadExactly(_cipher, 0, plainLength);
            _file.ReadExactly(tag);
        }
        catch (EndOfStreamException exception)
        {
            throw new CryptographicException("The blob file is shorter than its header states, so it was cut or damaged. Restore it from a backup; lake verify lists every damaged blob.", exception);
        }

        Span<byte> nonce = stackalloc byte[12];
        Span<byte> associated = stackalloc byte[9];
        EncryptedBlobFormat.Nonce(nonce, index);
        EncryptedBlobFormat.AssociatedData(associated, index, last);
        _aes.Decrypt(nonce, _cipher.AsSpan(0, plainLength), tag, _plain.AsSpan(0, plainLength), associated);
        _cachedChunk = index;
        _cachedLength = plainLength;
    }
}
