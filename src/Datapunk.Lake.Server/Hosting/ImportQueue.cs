using System.Collections.Concurrent;
using System.Threading.Channels;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Ingestion;

namespace Datapunk.Lake.Server.Hosting;

/// <summary>
/// Runs imports handed in over HTTP one after another in the background, and keeps the live state of the
/// running one so that progress can be read while its file transaction holds the database's write lock.
/// </summary>
public sealed class ImportQueue : BackgroundService
{
    private readonly Channel<(ImportJob Job, ImportSource Source)> _queue = Channel.CreateUnbounded<(ImportJob, ImportSource)>();
    private readonly ConcurrentDictionary<string, ImportJob> _active = new(StringComparer.Ordinal);
    private readonly Lake _lake;
    private readonly ILogger<ImportQueue> _logger;

    public ImportQueue(Lake lake, ILogger<ImportQueue> logger)
    {
        _lake = lake;
        _logger = logger;
    }

    public async Task EnqueueAsync(ImportJob job, ImportSource source, CancellationToken cancellationToken)
    {
        await _lake.Records.CreateImportAsync(job.Summary, cancellationToken);
        _active[job.Id] = job;
        await _queue.Writer.WriteAsync((job, source), cancellationToken);
        Log.ImportQueued(_logger, job.Id, source.DisplayName);
    }

    /// <summary>The live state of a queued or running import; null once it is finished and stored.</summary>
    public ImportSummary? TryGetLive(string id) => _active.TryGetValue(id, out var job) ? job.Summary : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (job, source) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            Log.ImportStarted(_logger, job.Id);
            try
            {
                var summary = await _lake.Engine.RunAsync(job, [source], observer: null, stoppingToken);
                Log.ImportFinished(_logger, job.Id, summary.State, summary.RecordsAdded, summary.Errors);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.ImportCrashed(_logger, exception, job.Id);
                if (job.Summary.State == ImportState.Running)
                {
                    job.TransitionTo(ImportState.Failed, "The import stopped on an unexpected error: " + exception.Message);
                    await _lake.Records.UpdateImportAsync(job.Summary, CancellationToken.None);
                }
            }
            finally
            {
                _active.TryRemove(job.Id, out _);
            }
        }
    }
}
