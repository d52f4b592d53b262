namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>One blob key wrapped by the data key of <see cref="Dataset"/>, with that data key as the master key wraps it.</summary>
/// <param name="DataKeyMasterKeyId">The id of the master key that wraps the data key; null when the data key row is gone.</param>
/// <param name="WrappedDataKey">The data key wrapped by the master key; null when the data key row is gone.</param>
public sealed record DatasetWrappedKey(string Dataset, byte[] WrappedBlobKey, string? DataKeyMasterKeyId, byte[]? WrappedDataKey);
