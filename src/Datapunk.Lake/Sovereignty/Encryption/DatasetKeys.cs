using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>
/// The middle of the key hierarchy: one random 256-bit data key per dataset, wrapped by the master key, and the
/// key of each blob wrapped by the data key of every dataset whose records come from it. Blobs that no dataset
/// claims yet keep their key wrapped by the master key. Destroying a dataset's data key makes every blob that only
/// that dataset claimed unreadable, even from a copy of its file (crypto-erasure).
/// </summary>
/// <remarks>
/// Crash safety: every change to one blob's wraps happens in one transaction of the key database. The master wrap
/// is removed only in the transaction that adds the dataset wraps, so at every moment each stored blob has a wrap
/// that opens. Attribution reads only committed records, after the import's files committed, so a crash
/// before it leaves the master wrap in place; <c>attributed_imports</c> is written in the same transaction as the
/// import's last wraps, so the next attribution (the next import's end, or the next start of the lake) redoes an
/// import that has no mark. Redoing is harmless because it only adds missing wraps and removes stale ones.
/// Attributions hold the key database's write lock while they read the lake database, so two of them never work
/// from different views of the records.
/// </remarks>
public sealed class DatasetKeys
{
    /// <summary>Blobs re-wrapped per transaction, so that other writers of the key database wait only briefly.</summary>
    private const int BatchSize = 500;

    private readonly BlobKeyStore _keys;
    private readonly BlobAttribution _attribution;
    private readonly EncryptedBlobStore _blobs;
    private readonly TimeProvider _time;

    internal DatasetKeys(BlobKeyStore keys, BlobAttribution attribution, EncryptedBlobStore blobs, TimeProvider? time = null)
    {
        _keys = keys;
        _attribution = attribution;
        _blobs = blobs;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Re-wraps the blob keys of every finished import that was not attributed yet, and of <paramref name="runningImportId"/>,
    /// under the data keys of their datasets. Runs at the end of each import and when the lake opens (which also
    /// migrates a lake whose blob keys are all wrapped by the master key).
    /// </summary>
    /// <returns>The number of blobs whose wraps changed.</returns>
    public async Task<int> AttributeImportsAsync(string? runningImportId, CancellationToken cancellationToken)
    {
        List<string> pending;
        using (var lake = _attribution.Open())
        using (var keys = _keys.Begin(write: false))
        {
            var done = keys.AttributedImports();
            pending = [.. _attribution.FinishedImports(lake).Where(id => !done.Contains(id))];
        }

        if (runningImportId is not null && !pending.Contains(runningImportId))
        {
            pending.Add(runningImportId);
        }

        var changed = 0;
        foreach (var importId in pending)
        {
            changed += await AttributeImportAsync(importId, cancellationToken);
        }

        return changed;
    }

    /// <summary>
    /// Re-wraps under the data keys of their datasets the blobs that records link (see
    /// <see cref="BlobAttribution"/>) and that still have a master wrap. A lake whose imports were attributed before
    /// links counted left mail attachments wrapped by the master key; once they are attributed this changes nothing.
    /// Runs when the lake opens.
    /// </summary>
    /// <returns>The number of blobs whose wraps changed.</returns>
    public Task<int> AttributeLinkedBlobsAsync(CancellationToken cancellationToken) =>
        _blobs.WithMasterKeyAsync(masterKey =>
        {
            using var lake = _attribution.Open();
            using var keys = _keys.Begin(write: true);
            var work = new Work(keys, masterKey, _time);
            var cache = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            try
            {
                var linked = keys.MasterWrappedKeys().Blobs.Select(b => b.Sha256).Where(sha256 => _attribution.IsLinked(lake, sha256)).ToList();
                var changed = linked.Count(sha256 => work.Attribute(sha256, _attribution.DatasetsOf(lake, sha256, cache), masterWrapWhenUnclaimed: false));
                keys.Commit();
                return changed;
            }
            finally
            {
                work.Clear();
            }
        }, cancellationToken);

    /// <summary>
    /// Destroys the data key of every dataset in <paramref name="datasets"/> (all datasets with a key when null) that
    /// has no record left. Before that, each blob wrapped by such a key that another dataset still claims gets that
    /// dataset's wrap. A blob that the lake still lists but no dataset claims (an archive that a constrained
    /// deletion kept) gets a master wrap. So only the blobs that the deletion removed become unreadable.
    /// </summary>
    /// <returns>The number of data keys destroyed.</returns>
    public Task<int> DestroyKeysOfEmptyDatasetsAsync(IReadOnlyCollection<string>? datasets, CancellationToken cancellationToken) =>
        _blobs.WithMasterKeyAsync(masterKey =>
        {
            using var lake = _attribution.Open();
            using var keys = _keys.Begin(write: true);
            var work = new Work(keys, masterKey, _time);
            var cache = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            var destroyed = 0;
            try
            {
                foreach (var dataset in keys.DatasetsWithKeys().Where(d => datasets is null || datasets.Contains(d)))
                {
                    if (_attribution.HasRecords(lake, dataset))
                    {
                        continue;
                    }

                    foreach (var sha256 in keys.BlobsWrappedBy(dataset))
                    {
                        var claimedBy = _attribution.DatasetsOf(lake, sha256, cache);
                        work.Attribute(sha256, claimedBy, masterWrapWhenUnclaimed: claimedBy.Count == 0 && _attribution.IsRegistered(lake, sha256));
                    }

                    keys.DeleteDataKey(dataset);
                    destroyed++;
                }

                keys.Commit();
            }
            finally
            {
                work.Clear();
            }

            return destroyed;
        }, cancellationToken);

    /// <summary>Rewrites the key database so that destroyed keys leave no trace in its files.</summary>
    public void ScrubKeyDatabase() => _keys.Scrub();

    private async Task<int> AttributeImportAsync(string importId, CancellationToken cancellationToken)
    {
        List<string> blobs;
        using (var lake = _attribution.Open())
        {
            blobs = _attribution.BlobsOfImport(lake, importId);
        }

        var changed = 0;
        var start = 0;
        do
        {
            var batch = blobs.Skip(start).Take(BatchSize).ToList();
            var last = start + BatchSize >= blobs.Count;
            changed += await _blobs.WithMasterKeyAsync(masterKey =>
            {
                using var lake = _attribution.Open();
                using var keys = _keys.Begin(write: true);
                var work = new Work(keys, masterKey, _time);

                // A cache per transaction: records that other imports commit between batches must be seen.
                var cache = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
                try
                {
                    var count = batch.Count(sha256 => work.Attribute(sha256, _attribution.DatasetsOf(lake, sha256, cache), masterWrapWhenUnclaimed: false));
                    if (last)
                    {
                        keys.MarkImportAttributed(importId, _time.GetUtcNow().ToUnixTimeMilliseconds());
                    }

                    keys.Commit();
                    return count;
                }
                finally
                {
                    work.Clear();
                }
            }, cancellationToken);
            start += BatchSize;
        }
        while (start < blobs.Count);

        return changed;
    }

    /// <summary>The re-wrapping inside one transaction of the key database, with the data keys it unwrapped.</summary>
    private sealed class Work(BlobKeyTransaction keys, MasterKey masterKey, TimeProvider time)
    {
        private readonly Dictionary<string, byte[]> _dataKeys = new(StringComparer.Ordinal);

        /// <summary>
        /// Makes a blob's wraps match <paramref name="datasets"/>: a wrap under each one's data key and no master wrap.
        /// When no dataset claims the blob, its wraps stay as they are, or it gets a master wrap when
        /// <paramref name="masterWrapWhenUnclaimed"/>. A blob with no key, or none that opens, is left alone.
        /// </summary>
        /// <returns>True when the wraps changed.</returns>
        public bool Attribute(string sha256, IReadOnlySet<string> datasets, bool masterWrapWhenUnclaimed)
        {
            if (keys.Find(sha256) is not { } wraps)
            {
                return false;
            }

            var current = wraps.Datasets.Where(w => w.WrappedDataKey is not null).Select(w => w.Dataset).ToHashSet(StringComparer.Ordinal);
            var upToDate = datasets.Count > 0
                ? !wraps.IsMasterWrapped && current.SetEquals(datasets) && wraps.Datasets.Count == current.Count
                : !masterWrapWhenUnclaimed || wraps.IsMasterWrapped;
            if (upToDate)
            {
                return false;
            }

            byte[] blobKey;
            try
            {
                blobKey = wraps.Unwrap(masterKey);
            }
            catch (CryptographicException)
            {
                // No wrap opens (its data keys were destroyed): nothing can be re-wrapped, and verification reports it.
                return false;
            }

            try
            {
                if (datasets.Count == 0)
                {
                    keys.PutMasterWrap(sha256, masterKey.Id, masterKey.Wrap(blobKey, sha256));
                    return true;
                }

                foreach (var dataset in datasets.Where(d => !current.Contains(d)))
                {
                    if (DataKey(dataset) is not { } dataKey)
                    {
                        // A damaged data key must not stop the lake from opening; the blob keeps the wraps it has.
                        return false;
                    }

                    keys.PutDatasetWrap(sha256, dataset, KeyWrap.Wrap(dataKey, blobKey, KeyWrap.BlobInDatasetLabel(sha256, dataset)));
                }

                foreach (var stale in wraps.Datasets.Where(w => !datasets.Contains(w.Dataset)))
                {
                    keys.DeleteDatasetWrap(sha256, stale.Dataset);
                }

                // Last, in the same transaction: the blob is never without a wrap that opens.
                keys.DeleteMasterWrap(sha256);
                return true;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(blobKey);
            }
        }

        /// <summary>Wipes the data keys this transaction unwrapped or created.</summary>
        public void Clear()
        {
            foreach (var key in _dataKeys.Values)
            {
                CryptographicOperations.ZeroMemory(key);
            }

            _dataKeys.Clear();
        }

        /// <summary>The data key of a dataset, created when it has none; null when its stored key does not unwrap.</summary>
        private byte[]? DataKey(string dataset)
        {
            if (_dataKeys.TryGetValue(dataset, out var cached))
            {
                return cached;
            }

            byte[] key;
            if (keys.FindDataKey(dataset) is { } stored)
            {
                // A key wrapped by another master key, or changed, is left for verification to report.
                if (!string.Equals(stored.MasterKeyId, masterKey.Id, StringComparison.Ordinal))
                {
                    return null;
                }

                try
                {
                    key = masterKey.UnwrapDataKey(stored.Wrapped, dataset);
                }
                catch (CryptographicException)
                {
                    return null;
                }
            }
            else
            {
                key = RandomNumberGenerator.GetBytes(32);
                keys.AddDataKey(dataset, masterKey.Id, masterKey.WrapDataKey(key, dataset), time.GetUtcNow().ToUnixTimeMilliseconds());
            }

            _dataKeys[dataset] = key;
            return key;
        }
    }
}
