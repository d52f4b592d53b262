using System.Globalization;
using Datapunk.Lake.Sovereignty.Audit;
using Datapunk.Lake.Sovereignty.Deletion;
using Datapunk.Lake.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Sovereignty.Retention;

/// <summary>
/// Stores retention policies and applies them through <see cref="DeletionService"/>, so expired records go the
/// same way as any deletion: indexes, originals, tombstones and scrubbing included. Every run is audited.
/// </summary>
public sealed class RetentionService
{
    private readonly SqliteRecordStore _store;
    private readonly DeletionService _deletion;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;

    public RetentionService(SqliteRecordStore store, DeletionService deletion, AuditLog audit, TimeProvider? time = null)
    {
        _store = store;
        _deletion = deletion;
        _audit = audit;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Adds a policy, or changes the maximum age of the one for the same dataset and kind.</summary>
    /// <exception cref="ArgumentException">Neither a dataset nor a kind is given, or the age is not positive.</exception>
    public RetentionPolicy Set(string? dataset, string? kind, int maxAgeDays, string? tokenId)
    {
        if (dataset is null && kind is null)
        {
            throw new ArgumentException("A retention policy needs a dataset, a kind, or both.", nameof(dataset));
        }

        if (maxAgeDays <= 0)
        {
            throw new ArgumentException($"Invalid maximum age {maxAgeDays}: use a number of days of at least 1.", nameof(maxAgeDays));
        }

        using (var connection = _store.Open())
        using (var command = connection.CreateCommand())
        {
            // UNIQUE does not treat two NULLs as equal, so the existing policy is looked up explicitly.
            command.CommandText = """
                DELETE FROM retention_policies WHERE dataset IS $dataset AND kind IS $kind;
                INSERT INTO retention_policies (dataset, kind, max_age_days, created_ms) VALUES ($dataset, $kind, $days, $now);
                """;
            command.Parameters.AddWithValue("$dataset", (object?)dataset ?? DBNull.Value);
            command.Parameters.AddWithValue("$kind", (object?)kind ?? DBNull.Value);
            command.Parameters.AddWithValue("$days", maxAgeDays);
            command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
        }

        var policy = List().Single(p => p.Dataset == dataset && p.Kind == kind);
        _audit.Append(tokenId, "retention.set", policy.Describe(), "ok");
        return policy;
    }

    public bool Remove(long id, string? tokenId)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM retention_policies WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        var removed = command.ExecuteNonQuery() == 1;
        _audit.Append(tokenId, "retention.remove", "policy " + id.ToString(CultureInfo.InvariantCulture), removed ? "ok" : "not found");
        return removed;
    }

    public IReadOnlyList<RetentionPolicy> List()
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, dataset, kind, max_age_days, created_ms, last_run_ms FROM retention_policies ORDER BY id";
        using var reader = command.ExecuteReader();
        var policies = new List<RetentionPolicy>();
        while (reader.Read())
        {
            policies.Add(Read(reader));
        }

        return policies;
    }

    /// <summary>Counts what a run would delete now, and changes nothing.</summary>
    public Task<IReadOnlyList<RetentionOutcome>> PreviewAsync(CancellationToken cancellationToken) => ApplyAsync(dryRun: true, tokenId: null, cancellationToken);

    /// <summary>Deletes every record older than its policy allows.</summary>
    public Task<IReadOnlyList<RetentionOutcome>> RunAsync(string? tokenId, CancellationToken cancellationToken) => ApplyAsync(dryRun: false, tokenId, cancellationToken);

    private async Task<IReadOnlyList<RetentionOutcome>> ApplyAsync(bool dryRun, string? tokenId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var outcomes = new List<RetentionOutcome>();
        foreach (var policy in List())
        {
            var cutoff = now - policy.MaxAge;
            var request = new DeletionRequest(Dataset: policy.Dataset, Kind: policy.Kind, To: cutoff);
            var preview = await _deletion.PreviewAsync(request, scope: null, cancellationToken);
            var result = dryRun || preview.Records == 0 ? preview with { DryRun = dryRun } : await _deletion.DeleteAsync(request, scope: null, cancellationToken);
            outcomes.Add(new RetentionOutcome(policy, cutoff, result));

            if (!dryRun)
            {
                MarkRun(policy.Id, now);
                _audit.Append(tokenId, "retention.run", policy.Describe() + " cutoff=" + cutoff.ToString("O", CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"ok: {result.Records} records, {result.Blobs} blobs"));
            }
        }

        return outcomes;
    }

    private void MarkRun(long id, DateTimeOffset now)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE retention_policies SET last_run_ms = $now WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    private static RetentionPolicy Read(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.GetInt32(3),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)));
}
