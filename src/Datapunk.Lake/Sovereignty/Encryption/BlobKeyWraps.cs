using System.Security.Cryptography;

namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>
/// Every stored wrap of one blob's key: by the master key (a blob not yet attributed to a dataset), and by the data
/// key of each dataset whose records come from the blob. The blob can be read when any one of them opens.
/// </summary>
public sealed record BlobKeyWraps(string Sha256, string? MasterKeyId, byte[]? MasterWrapped, IReadOnlyList<DatasetWrappedKey> Datasets)
{
    public bool IsMasterWrapped => MasterWrapped is not null;

    /// <summary>Unwraps the blob key with the first wrap that opens: the master wrap, else each dataset's wrap.</summary>
    /// <exception cref="CryptographicException">No wrap opens with <paramref name="masterKey"/>; the message names why.</exception>
    public byte[] Unwrap(MasterKey masterKey)
    {
        if (MasterWrapped is not null)
        {
            RequireMasterKey(masterKey, MasterKeyId!, "its key");
            return masterKey.Unwrap(MasterWrapped, Sha256);
        }

        var reasons = new List<string>();
        foreach (var wrap in Datasets)
        {
            if (wrap.WrappedDataKey is null)
            {
                reasons.Add($"the data key of dataset {wrap.Dataset} is gone");
                continue;
            }

            RequireMasterKey(masterKey, wrap.DataKeyMasterKeyId!, $"the data key of dataset {wrap.Dataset}");
            byte[] dataKey;
            try
            {
                dataKey = masterKey.UnwrapDataKey(wrap.WrappedDataKey, wrap.Dataset);
            }
            catch (CryptographicException)
            {
                reasons.Add($"the data key of dataset {wrap.Dataset} does not unwrap (it was changed or damaged)");
                continue;
            }

            try
            {
                return KeyWrap.Unwrap(dataKey, wrap.WrappedBlobKey, KeyWrap.BlobInDatasetLabel(Sha256, wrap.Dataset));
            }
            catch (CryptographicException)
            {
                reasons.Add($"the wrap under dataset {wrap.Dataset} does not open");
            }
            finally
            {
                CryptographicOperations.ZeroMemory(dataKey);
            }
        }

        throw new CryptographicException(reasons.Count == 0
            ? $"Blob {Sha256} has no key."
            : $"The key of blob {Sha256} cannot be unwrapped: {string.Join("; ", reasons)}.");
    }

    private void RequireMasterKey(MasterKey masterKey, string storedId, string wrappedKeyName)
    {
        if (!string.Equals(storedId, masterKey.Id, StringComparison.Ordinal))
        {
            throw new CryptographicException($"Blob {Sha256}: {wrappedKeyName} is wrapped by master key {storedId}, but the lake was opened with key {masterKey.Id} from {masterKey.Source}.");
        }
    }
}
