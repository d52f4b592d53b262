using System.Diagnostics;
using System.Security.Cryptography;
using Datapunk.Lake.Sovereignty.Encryption;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Sovereignty;

public sealed class KeyRotationTests
{
    [Fact]
    public async Task Rotate_BlobsReadWithNewKeyOnly()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        var blobs = (EncryptedBlobStore)lake.Lake.Blobs;
        var sha256 = (await lake.AllRecordsAsync())[0].Provenance.BlobSha256;
        var fileBefore = await File.ReadAllBytesAsync(blobs.PathFor(sha256));
        var oldKey = blobs.MasterKey;
        var newKey = new MasterKey(RandomNumberGenerator.GetBytes(32), "test");

        var count = await lake.Lake.Control.RotateMasterKeyAsync(newKey, null, null, CancellationToken.None);
        var keys = new BlobKeyStore(Path.Combine(lake.Directory, "keys", "blob-keys.db"));
        var withNew = new EncryptedBlobStore(blobs.Root, newKey, keys);
        var withOld = new EncryptedBlobStore(blobs.Root, oldKey, keys);

        var wraps = keys.Find(sha256)!;

        // One data key (the owner's dataset claims both the archive and Records.json), and no master-wrapped blob key.
        Assert.Equal(1, count);
        Assert.Equal(fileBefore, await File.ReadAllBytesAsync(blobs.PathFor(sha256)));
        Assert.Equal(sha256, await HashAsync(withNew, sha256));
        Assert.Equal(sha256, await HashAsync(blobs, sha256));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => withOld.OpenReadAsync(sha256, CancellationToken.None));
        Assert.ThrowsAny<CryptographicException>(() => oldKey.UnwrapDataKey(wraps.Datasets[0].WrappedDataKey, OwnerFixtures.OwnerDataset));
    }

    [Fact]
    public async Task RotateCommand_LakeOpensWithNewKeyFileOnly()
    {
        var directory = TempLake.NewDirectory();
        await using (var lake = await TempLake.CreateAsync())
        {
            await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
            CopyDirectory(lake.Directory, directory);
        }

        var keyFile = Path.Combine(TempLake.NewDirectory(), "new.key");
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        var (rotated, output, _) = await LakeProcess.RunAsync("keys", "rotate", "--new-key-file", keyFile, "--data-dir", directory);
        var oldKeyFileKept = File.Exists(MasterKeySource.DefaultKeyFile(directory));
        var withNewKey = await RunWithKeyFileAsync(keyFile, "verify", "--data-dir", directory);
        var withoutKey = await LakeProcess.RunAsync("verify", "--data-dir", directory);

        Assert.Equal(0, rotated);
        Assert.Contains("Re-wrapped", output);
        Assert.False(oldKeyFileKept);
        Assert.Equal(0, withNewKey);
        Assert.Equal(2, withoutKey.ExitCode);
        Assert.StartsWith("No master key is configured for this existing lake", withoutKey.Error);
        Assert.Contains(MasterKeySource.KeyFileVariable, withoutKey.Error);
        Assert.Single(withoutKey.Error.Trim().Split('\n'));
        Assert.False(File.Exists(MasterKeySource.DefaultKeyFile(directory)));
    }

    [Fact]
    public async Task NewLake_CreatesDefaultKeyFile()
    {
        var directory = TempLake.NewDirectory();

        var (exitCode, _, _) = await LakeProcess.RunAsync("verify", "--data-dir", directory);

        Assert.Equal(0, exitCode);
        Assert.True(File.Exists(MasterKeySource.DefaultKeyFile(directory)));
    }

    private static async Task<int> RunWithKeyFileAsync(string keyFile, params string[] arguments)
    {
        var info = LakeProcess.StartInfo(arguments);
        info.Environment[MasterKeySource.KeyFileVariable] = keyFile;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        await error;
        return process.ExitCode;
    }

    private static async Task<string?> HashAsync(EncryptedBlobStore store, string sha256)
    {
        await using var content = await store.OpenReadAsync(sha256, CancellationToken.None);
        return content is null ? null : Convert.ToHexStringLower(await SHA256.HashDataAsync(content));
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }
}
