using Datapunk.Lake.Blobs;
using Datapunk.Lake.Blobs.FileSystem;
using Datapunk.Lake.Storage;
using Datapunk.Lake.Storage.Sqlite;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Storage;

/// <summary>
/// Every implementation of the store contracts, by name. The contract tests run once per entry; a new backend
/// (PostgreSQL, S3) adds itself here and must pass the same tests.
/// </summary>
public static class StoreImplementations
{
    public static TheoryData<string> RecordStores => new() { "sqlite" };

    public static TheoryData<string> BlobStores => new() { "filesystem" };

    public static async Task<IRecordStore> CreateRecordStoreAsync(string name)
    {
        IRecordStore store = name switch
        {
            "sqlite" => new SqliteRecordStore(Path.Combine(TempLake.NewDirectory(), "lake.db")),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown record store."),
        };
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    public static IBlobStore CreateBlobStore(string name) => name switch
    {
        "filesystem" => new FileSystemBlobStore(Path.Combine(TempLake.NewDirectory(), "blobs")),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown blob store."),
    };
}
