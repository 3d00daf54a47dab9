using Spectre.Console;

namespace Nmf.Cli;

/// <summary>
/// A progress bar on stderr (iteration, loss, rate, time left) for a running fit. It appears only when stderr is a
/// terminal, <c>--quiet</c> is off and the fit is still running after half a second, so quick fits and redirected
/// output stay clean. The fit reports to <see cref="Report"/> from its own thread; the bar polls the latest state.
/// </summary>
internal sealed class FitProgressDisplay : IProgress<NmfIteration>
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(0.5);
    private readonly int _maxIter;
    private NmfIteration _latest;
    private int _reports;

    public FitProgressDisplay(int maxIter) => _maxIter = maxIter;

    public void Report(NmfIteration value)
    {
        Volatile.Write(ref _reports, _reports + 1);
        lock (this)
        {
            _latest = value;
        }
    }

    /// <summary>Runs <paramref name="fit"/> on a worker thread and draws the bar while it runs (when allowed).</summary>
    public static TResult Run<TResult>(Func<IProgress<NmfIteration>?, TResult> fit, int maxIter, bool show)
    {
        if (!show)
        {
            return fit(null);
        }

        var display = new FitProgressDisplay(maxIter);
        var task = Task.Factory.StartNew(() => fit(display), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!task.Wait(Delay))
        {
            display.Draw(task);
        }

        return task.GetAwaiter().GetResult();
    }

    private void Draw(Task task)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error), Interactive = InteractionSupport.Yes });
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var bar = ctx.AddTask("fit", maxValue: _maxIter);
                while (!task.IsCompleted)
                {
                    NmfIteration it;
                    lock (this)
                    {
                        it = _latest;
                    }

                    if (it.Iteration > 0)
                    {
                        double rate = it.ElapsedSeconds > 0 ? it.Iteration / it.ElapsedSeconds : 0;
                        string loss = double.IsFinite(it.Loss) ? $"loss {it.Loss:G6}" : string.Empty;
                        bar.Description = $"iter {it.Iteration}/{_maxIter} {loss} {rate:F1} it/s".Replace("  ", " ", StringComparison.Ordinal);
                        bar.Value = it.Iteration;
                    }

                    task.Wait(TimeSpan.FromMilliseconds(100));
                }

                bar.Value = _maxIter;
            });
    }
}
