namespace Datapunk.Lake.Ingestion.Google.Mail;

/// <summary>Passes reads through and keeps the last <see cref="TailLength"/> bytes read, to check how a file ends.</summary>
internal sealed class TailStream(Stream inner) : Stream
{
    public const int TailLength = 64 * 1024;

    private readonly byte[] _tail = new byte[TailLength];
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    /// <summary>The last bytes read, at most <see cref="TailLength"/>, in file order.</summary>
    public byte[] Tail()
    {
        var length = (int)Math.Min(_read, TailLength);
        var result = new byte[length];
        var end = (int)(_read % TailLength);
        for (var i = 0; i < length; i++)
        {
            result[i] = _tail[(end - length + i + TailLength) % TailLength];
        }

        return result;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        var kept = buffer[..read];
        if (kept.Length > TailLength)
        {
            _read += kept.Length - TailLength;
            kept = kept[^TailLength..];
        }

        foreach (var b in kept)
        {
            _tail[_read % TailLength] = b;
            _read++;
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
