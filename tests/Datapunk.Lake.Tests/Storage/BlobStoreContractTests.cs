using System.Security.Cryptography;
using System.Text;

namespace Datapunk.Lake.Tests.Storage;

public sealed class BlobStoreContractTests
{
    [Theory]
    [MemberData(nameof(StoreImplementations.BlobStores), MemberType = typeof(StoreImplementations))]
    public async Task Put_NamesBlobBySha256(string implementation)
    {
        var store = StoreImplementations.CreateBlobStore(implementation);
        var content = Encoding.UTF8.GetBytes("hello lake");

        var result = await store.PutAsync(new MemoryStream(content), CancellationToken.None);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), result.Sha256);
        Assert.Equal(content.Length, result.Length);
        Assert.True(result.Created);
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.BlobStores), MemberType = typeof(StoreImplementations))]
    public async Task Put_SameContentTwiceStoresOnce(string implementation)
    {
        var store = StoreImplementations.CreateBlobStore(implementation);

        await store.PutAsync(new MemoryStream([1, 2, 3]), CancellationToken.None);
        var second = await store.PutAsync(new MemoryStream([1, 2, 3]), CancellationToken.None);

        Assert.False(second.Created);
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.BlobStores), MemberType = typeof(StoreImplementations))]
    public async Task OpenRead_ReturnsExactBytes(string implementation)
    {
        var store = StoreImplementations.CreateBlobStore(implementation);
        var content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var put = await store.PutAsync(new MemoryStream(content), CancellationToken.None);

        await using var read = await store.OpenReadAsync(put.Sha256, CancellationToken.None);
        using var copy = new MemoryStream();
        await read!.CopyToAsync(copy);

        Assert.Equal(content, copy.ToArray());
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.BlobStores), MemberType = typeof(StoreImplementations))]
    public async Task Put_EmptyContentIsABlob(string implementation)
    {
        var store = StoreImplementations.CreateBlobStore(implementation);

        var put = await store.PutAsync(new MemoryStream(), CancellationToken.None);

        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", put.Sha256);
        Assert.True(await store.ExistsAsync(put.Sha256, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.BlobStores), MemberType = typeof(StoreImplementations))]
    public async Task OpenRead_UnknownOrInvalidHashIsNull(string implementation)
    {
        var store = StoreImplementations.CreateBlobStore(implementation);

        Assert.Null(await store.OpenReadAsync(new string('a', 64), CancellationToken.None));
        Assert.Null(await store.OpenReadAsync("../../etc/passwd", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.BlobStores), MemberType = typeof(StoreImplementations))]
    public async Task Delete_RemovesBlob(string implementation)
    {
        var store = StoreImplementations.CreateBlobStore(implementation);
        var put = await store.PutAsync(new MemoryStream([9]), CancellationToken.None);

        Assert.True(await store.DeleteAsync(put.Sha256, CancellationToken.None));
        Assert.False(await store.ExistsAsync(put.Sha256, CancellationToken.None));
        Assert.False(await store.DeleteAsync(put.Sha256, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.BlobStores), MemberType = typeof(StoreImplementations))]
    public async Task Put_FailedReadLeavesNoBlob(string implementation)
    {
        var store = StoreImplementations.CreateBlobStore(implementation);
        var failing = new FailingStream(bytesBeforeFailure: 100_000);

        await Assert.ThrowsAsync<IOException>(() => store.PutAsync(failing, CancellationToken.None));

        Assert.False(await store.ExistsAsync(Convert.ToHexStringLower(SHA256.HashData(new byte[100_000])), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.BlobStores), MemberType = typeof(StoreImplementations))]
    public async Task IsWritable_TrueForFreshStore(string implementation)
    {
        var store = StoreImplementations.CreateBlobStore(implementation);

        Assert.True(await store.IsWritableAsync(CancellationToken.None));
    }

    /// <summary>Gives zero bytes, then fails as a broken connection would.</summary>
    private sealed class FailingStream(int bytesBeforeFailure) : Stream
    {
        private int _given;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _given; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_given >= bytesBeforeFailure)
            {
                throw new IOException("The connection was reset.");
            }

            var n = Math.Min(count, bytesBeforeFailure - _given);
            Array.Clear(buffer, offset, n);
            _given += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
