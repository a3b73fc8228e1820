using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests.Health;

/// <summary>
/// What one service's instruments measured, heard in-process: only the meters its own
/// <see cref="IMeterFactory"/> made, so services of tests running beside it do not count.
/// </summary>
internal sealed class Measurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> _seen = new();

    public Measurements(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _seen.Enqueue((instrument.Name, value, tags.ToArray())));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _seen.Enqueue((instrument.Name, value, tags.ToArray())));
        _listener.Start();
    }

    /// <summary>How many measurements of <paramref name="instrument"/> carry every one of <paramref name="tags"/> (a histogram's count).</summary>
    public int Count(string instrument, params (string Key, string Value)[] tags) =>
        _seen.Count(m => m.Name == instrument && tags.All(t => m.Tags.Any(x => x.Key == t.Key && Equals(x.Value, t.Value))));

    /// <summary>The sum of the measurements of a counter <paramref name="instrument"/> with every one of <paramref name="tags"/>.</summary>
    public double Sum(string instrument, params (string Key, string Value)[] tags) =>
        _seen.Where(m => m.Name == instrument && tags.All(t => m.Tags.Any(x => x.Key == t.Key && Equals(x.Value, t.Value)))).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();
}
