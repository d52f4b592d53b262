using System.Globalization;

namespace Datapunk.Lake.Ingestion.Archives;

/// <summary>Thrown when an entry expands beyond the <see cref="ImportLimits"/>.</summary>
public sealed class ArchiveBombException(string message) : Exception(message);

/// <summary>
/// Counts the bytes read from an expanding stream and stops with <see cref="ArchiveBombException"/> as soon as
/// they pass the limits, so an archive bomb is caught after a bounded amount of output, not at its end.
/// It also fails with <see cref="InvalidDataException"/> when the entry ends before the length its header
/// declares, because SharpCompress returns a short entry without an error when a tar.gz is cut inside it.
/// </summary>
internal sealed class GuardedStream(Stream inner, ImportLimits limits, Func<long> compressedBytes, long? declaredLength) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Check(read);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Check(read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Check(int read)
    {
        if (read == 0 && declaredLength is { } declared && BytesRead < declared)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"the entry ends after {BytesRead:N0} of its {declared:N0} bytes"));
        }

        BytesRead += read;
        if (BytesRead > limits.MaxEntryBytes)
        {
            throw new ArchiveBombException(
                $"The entry expands to more than {limits.MaxEntryBytes:N0} bytes, the most one file may hold; it looks like an archive bomb.");
        }

        if (BytesRead > limits.RatioCheckAfterBytes)
        {
            var compressed = Math.Max(compressedBytes(), 1);
            var ratio = (double)BytesRead / compressed;
            if (ratio > limits.MaxCompressionRatio)
            {
                throw new ArchiveBombException(
                    $"The entry expanded to more than {limits.MaxCompressionRatio:F0} times its compressed size of {compressed:N0} bytes, the most allowed once an entry passes {limits.RatioCheckAfterBytes:N0} bytes; it looks like an archive bomb.");
            }
        }
    }
}
