using System.Security.Cryptography;
using System.Text;
using Datapunk.Lake.Sovereignty.Encryption;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Sovereignty;

public sealed class EncryptionTests
{
    [Fact]
    public async Task BlobFile_HoldsNoPlaintext()
    {
        await using var lake = await TempLake.CreateAsync();
        var content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(OwnerFixtures.SecretText + " ", 10_000)));

        var put = await lake.Lake.Blobs.PutAsync(new MemoryStream(content), CancellationToken.None);
        var file = await File.ReadAllBytesAsync(((EncryptedBlobStore)lake.Lake.Blobs).PathFor(put.Sha256));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), put.Sha256);
        Assert.Equal(-1, file.AsSpan().IndexOf(Encoding.UTF8.GetBytes(OwnerFixtures.SecretText)));
    }

    [Fact]
    public async Task Blob_ReadsBackWhole()
    {
        await using var lake = await TempLake.CreateAsync();
        var content = RandomNumberGenerator.GetBytes(200_000);

        var put = await lake.Lake.Blobs.PutAsync(new MemoryStream(content), CancellationToken.None);
        await using var read = (await lake.Lake.Blobs.OpenReadAsync(put.Sha256, CancellationToken.None))!;
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);

        Assert.Equal(content, copy.ToArray());
    }

    [Fact]
    public async Task Blob_RangeReadsAcrossChunks()
    {
        await using var lake = await TempLake.CreateAsync();
        var content = RandomNumberGenerator.GetBytes(300_000);
        var put = await lake.Lake.Blobs.PutAsync(new MemoryStream(content), CancellationToken.None);

        await using var read = (await lake.Lake.Blobs.OpenReadAsync(put.Sha256, CancellationToken.None))!;
        read.Position = 131_000;
        var range = new byte[2_000];
        read.ReadExactly(range);

        Assert.Equal(300_000, read.Length);
        Assert.Equal(content.AsSpan(131_000, 2_000).ToArray(), range);
    }

    [Fact]
    public async Task Blob_EmptyReadsBackEmpty()
    {
        await using var lake = await TempLake.CreateAsync();

        var put = await lake.Lake.Blobs.PutAsync(new MemoryStream(), CancellationToken.None);
        await using var read = (await lake.Lake.Blobs.OpenReadAsync(put.Sha256, CancellationToken.None))!;

        Assert.Equal(0, read.Length);
        Assert.Equal(-1, read.ReadByte());
    }

    [Fact]
    public async Task Blob_ChangedByteFailsToDecrypt()
    {
        await using var lake = await TempLake.CreateAsync();
        var put = await lake.Lake.Blobs.PutAsync(new MemoryStream(RandomNumberGenerator.GetBytes(1000)), CancellationToken.None);
        var path = ((EncryptedBlobStore)lake.Lake.Blobs).PathFor(put.Sha256);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[100] ^= 1;
        await File.WriteAllBytesAsync(path, bytes);

        await using var read = (await lake.Lake.Blobs.OpenReadAsync(put.Sha256, CancellationToken.None))!;

        Assert.ThrowsAny<CryptographicException>(() => read.ReadByte());
    }

    [Fact]
    public async Task Open_WrongMasterKeyFails()
    {
        await using var lake = await TempLake.CreateAsync();
        await File.WriteAllTextAsync(MasterKeySource.DefaultKeyFile(lake.Directory), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        var error = await Assert.ThrowsAsync<InvalidSettingException>(() => Lake.OpenAsync(lake.Lake.Options, CancellationToken.None));

        Assert.Contains("is not the key of this lake", error.Message);
    }

    [Fact]
    public void Passphrase_StretchesDeterministically()
    {
        var salt = new byte[16];

        var first = MasterKeySource.Stretch("correct horse battery staple", salt);
        var second = MasterKeySource.Stretch("correct horse battery staple", salt);
        var other = MasterKeySource.Stretch("correct horse battery stapler", salt);

        Assert.Equal(32, first.Length);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task DeletedBlob_KeyIsDestroyed()
    {
        await using var lake = await TempLake.CreateAsync();
        var put = await lake.Lake.Blobs.PutAsync(new MemoryStream(RandomNumberGenerator.GetBytes(1000)), CancellationToken.None);

        await lake.Lake.Blobs.DeleteAsync(put.Sha256, CancellationToken.None);

        Assert.Null(new BlobKeyStore(Path.Combine(lake.Directory, "keys", "blob-keys.db")).Find(put.Sha256));
    }
}
