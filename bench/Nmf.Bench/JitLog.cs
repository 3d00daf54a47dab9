using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Nmf.Bench;

/// <summary>
/// The methods the JIT compiler compiles while it listens (the runtime's MethodJittingStarted and MethodLoadVerbose
/// events), with the wall time of each compilation and its tier; <c>NMF_JITLOG=1 Nmf.Bench fit ...</c> prints those
/// of the timed fit, to find what a fresh process still compiles after the warm-up. The listener itself makes the
/// runtime compile some methods of its own (System.Diagnostics.Tracing and what it calls).
/// </summary>
internal sealed class JitLog : EventListener
{
    private const int JitKeyword = 0x10;
    private static readonly string[] Tiers = ["unknown", "minopts", "full opts", "tier0", "tier1", "tier1 osr", "tier0 instrumented", "tier1 instrumented"];
    private readonly ConcurrentDictionary<ulong, DateTime> _started = new();
    private readonly ConcurrentBag<(double Ms, string Name, string Tier, DateTime Start)> _done = [];
    private readonly DateTime _created = DateTime.UtcNow;

    /// <summary>Prints the count and time per tier and the 40 longest compilations, each with its start after the listener's creation, to stderr.</summary>
    public void Report()
    {
        var all = _done.ToArray();
        Console.Error.WriteLine($"jit: {all.Length} methods, {all.Sum(d => d.Ms):F1} ms");
        foreach (var tier in all.GroupBy(d => d.Tier).OrderByDescending(g => g.Sum(d => d.Ms)))
        {
            Console.Error.WriteLine($"  {tier.Key}: {tier.Count()} methods, {tier.Sum(d => d.Ms):F1} ms");
        }

        foreach (var (ms, name, tier, start) in all.OrderByDescending(d => d.Ms).Take(40))
        {
            Console.Error.WriteLine($"{ms,8:F2} ms  at {(start - _created).TotalMilliseconds,6:F0} ms  {tier,-18} {name}");
        }
    }

    /// <summary>Milliseconds from the listener's creation to a Stopwatch timestamp.</summary>
    public double Since(long timestamp) => (DateTime.UtcNow - System.Diagnostics.Stopwatch.GetElapsedTime(timestamp) - _created).TotalMilliseconds;

    /// <summary>Prints every compilation in order of start: time, duration, tier, name.</summary>
    public void Timeline()
    {
        foreach (var (ms, name, tier, start) in _done.ToArray().OrderBy(d => d.Start))
        {
            Console.Error.WriteLine($"{(start - _created).TotalMilliseconds,7:F0} {ms,6:F2} {tier,-18} {name}");
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)JitKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not { } name || eventData.Payload is not { } payload)
        {
            return;
        }

        if (name.StartsWith("MethodJittingStarted", StringComparison.Ordinal))
        {
            _started[(ulong)payload[0]!] = eventData.TimeStamp;
        }
        else if (name.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) && _started.TryRemove((ulong)payload[0]!, out var start))
        {
            // MethodFlags bits 7–9 hold the optimisation tier.
            int tier = (Convert.ToInt32(payload[5], CultureInfo.InvariantCulture) >> 7) & 7;
            _done.Add(((eventData.TimeStamp - start).TotalMilliseconds, $"{payload[6]}::{payload[7]}", Tiers[tier], start));
        }
    }
}
