namespace Datapunk.Lake.Server.Hosting;

/// <summary>Applies the retention policies when the server starts and then every hour.</summary>
public sealed class RetentionScheduler : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private readonly Lake _lake;
    private readonly ILogger<RetentionScheduler> _logger;

    public RetentionScheduler(Lake lake, ILogger<RetentionScheduler> logger)
    {
        _lake = lake;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var outcomes = await _lake.Control.Retention.RunAsync(tokenId: null, stoppingToken);
                Log.RetentionRan(_logger, outcomes.Count, outcomes.Sum(o => o.Result.Records));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.RetentionFailed(_logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
