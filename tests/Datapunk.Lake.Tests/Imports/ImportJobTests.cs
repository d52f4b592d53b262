using Datapunk.Lake.Imports;

namespace Datapunk.Lake.Tests.Imports;

public sealed class ImportJobTests
{
    [Fact]
    public void Transition_RunningToSucceededSetsTimes()
    {
        var job = ImportJob.Create("a.zip", "owner");

        job.TransitionTo(ImportState.Running);
        job.TransitionTo(ImportState.Succeeded);

        Assert.NotNull(job.Summary.StartedAt);
        Assert.NotNull(job.Summary.FinishedAt);
    }

    [Theory]
    [InlineData(ImportState.Succeeded)]
    [InlineData(ImportState.Failed)]
    public void Transition_QueuedCannotFinish(ImportState next)
    {
        var job = ImportJob.Create("a.zip", "owner");

        Assert.Throws<InvalidOperationException>(() => job.TransitionTo(next));
    }

    [Fact]
    public void Transition_FinishedCannotRunAgain()
    {
        var job = ImportJob.Create("a.zip", "owner");
        job.TransitionTo(ImportState.Running);
        job.TransitionTo(ImportState.Failed);

        Assert.Throws<InvalidOperationException>(() => job.TransitionTo(ImportState.Running));
    }

    [Fact]
    public void Update_CannotChangeState()
    {
        var job = ImportJob.Create("a.zip", "owner");

        Assert.Throws<InvalidOperationException>(() => job.Update(s => s with { State = ImportState.Running }));
    }
}
