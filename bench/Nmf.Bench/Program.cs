using BenchmarkDotNet.Running;
using Nmf.Bench;

// "time [threads] [reps] [p1.npy] [p2.mtx]": quick stopwatch timing of the kernels;
// "fit MATRIX ...": one timed fit in the peers' output format; anything else goes to BenchmarkDotNet (for example --filter '*KernelBenchmarks*').
if (args.Length > 0 && args[0] == "time")
{
    KernelTimer.Run(args[1..]);
    return;
}

// "fixed MATRIX [-k K] [--threads T] [--reps R] [--dtype float32]": the pieces of a fit's cost that do not depend on the iterations.
if (args.Length > 1 && args[0] == "fixed")
{
    FixedCostTimer.Run(args[1..]);
    return;
}

// "peak [seconds]": the multiply-add peak of one thread and of every core (the ceiling of the dense kernels).
if (args.Length > 0 && args[0] == "peak")
{
    PeakTimer.Run(args[1..]);
    return;
}

// "handoff [calls]": the fixed cost of one parallel kernel call (waking the worker threads and waiting for them).
if (args.Length > 0 && args[0] == "handoff")
{
    HandoffTimer.Run(args[1..]);
    return;
}

// "fit MATRIX [options]": one timed fit, printed like the peer scripts (see FitRunner).
if (args.Length > 1 && args[0] == "fit")
{
    FitRunner.Run(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(KernelTimer).Assembly).Run(args);
