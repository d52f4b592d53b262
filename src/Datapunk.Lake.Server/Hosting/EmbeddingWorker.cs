using System.Diagnostics;
using Datapunk.Lake.Search;

namespace Datapunk.Lake.Server.Hosting;

/// <summary>
/// Embeds text records that have no embedding yet, in batches, whenever the queue has work. The queue is
/// filled by the store as records are inserted, so an import needs no call to start this.
/// </summary>
internal sealed class EmbeddingWorker : BackgroundService
{
    private static readonly TimeSpan IdleDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FailureDelay = TimeSpan.FromMinutes(1);

    private readonly Lake _lake;
    private readonly ILogger<EmbeddingWorker> _logger;

    public EmbeddingWorker(Lake lake, ILogger<EmbeddingWorker> logger)
    {
        _lake = lake;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var indexer = _lake.Search.CreateIndexer();
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = IdleDelay;
            try
            {
                var stopwatch = Stopwatch.StartNew();
                var count = await indexer.RunAsync(EmbeddingIndexer.DefaultBatchSize, progress: null, stoppingToken);
                if (count > 0)
                {
                    var pending = await _lake.Search.Index.CountPendingEmbeddingsAsync(stoppingToken);
                    Log.EmbeddingsIndexed(_logger, count, stopwatch.ElapsedMilliseconds, pending);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The worker must outlive a failed batch (a locked database, a model error); the batch stays
                // in the queue and is tried again.
                Log.EmbeddingFailed(_logger, exception, FailureDelay.TotalSeconds);
                delay = FailureDelay;
            }

            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
