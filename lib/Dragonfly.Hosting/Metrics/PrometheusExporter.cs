using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Dragonfly.Hosting.Metrics;

/// <summary>
/// Collects every <c>System.Diagnostics.Metrics</c> instrument of the meters whose name starts with
/// <see cref="MeterPrefix"/> and renders them in the Prometheus text exposition format (0.0.4). Counters become
/// counters, up-down counters and observable gauges become gauges, histograms become histograms with fixed buckets.
/// Instrument names are the Prometheus names (<c>dragonfly_&lt;component&gt;_&lt;subject&gt;_&lt;unit&gt;</c>); the description is the HELP text.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    public const string MeterPrefix = "Dragonfly";
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Bucket bounds of every histogram: from a millisecond to a minute (the metrics here are durations).</summary>
    private static readonly double[] Buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Series> _series = new();
    private readonly Lock _collect = new();

    public PrometheusExporter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal))
            {
                _series.TryAdd(instrument, new Series(instrument));
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The current values of every instrument, observable ones read now.</summary>
    public string Render()
    {
        lock (_collect)
        {
            foreach (var series in _series.Values.Where(s => s.IsObservable))
            {
                series.ClearObservations();
            }
            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var series in _series.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                series.Write(text);
            }
            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_series.TryGetValue(instrument, out var series))
        {
            series.Record(value, Labels(tags));
        }
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return string.Empty;
        }
        var pairs = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            pairs.Add($"{tag.Key}=\"{Escape(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "")}\"");
        }
        pairs.Sort(StringComparer.Ordinal);
        return string.Join(',', pairs);
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>One instrument's values by label set.</summary>
    private sealed class Series(Instrument instrument)
    {
        private readonly ConcurrentDictionary<string, Cell> _cells = new(StringComparer.Ordinal);

        public string Name => instrument.Name;

        public bool IsObservable => instrument.IsObservable;

        private readonly string _type = TypeOf(instrument);

        private string Type => _type;

        private static string TypeOf(Instrument instrument) => instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => "counter",
            Histogram<double> or Histogram<long> or Histogram<int> => "histogram",
            _ => "gauge",
        };

        public void ClearObservations() => _cells.Clear();

        public void Record(double value, string labels)
        {
            var cell = _cells.GetOrAdd(labels, _ => new Cell());
            lock (cell)
            {
                switch (Type)
                {
                    case "histogram":
                        cell.Count++;
                        cell.Sum += value;
                        for (var i = 0; i < Buckets.Length; i++)
                        {
                            if (value <= Buckets[i])
                            {
                                cell.Buckets[i]++;
                            }
                        }
                        break;
                    case "counter" when !instrument.IsObservable:
                        cell.Sum += value;
                        break;
                    case "gauge" when !instrument.IsObservable:
                        cell.Sum += value; // an up-down counter
                        break;
                    default:
                        cell.Sum = value; // an observation replaces the last one
                        break;
                }
            }
        }

        public void Write(StringBuilder text)
        {
            if (instrument.Description is { Length: > 0 } help)
            {
                text.Append("# HELP ").Append(Name).Append(' ').Append(help.Replace("\\", "\\\\").Replace("\n", "\\n")).Append('\n');
            }
            text.Append("# TYPE ").Append(Name).Append(' ').Append(Type).Append('\n');
            foreach (var (labels, cell) in _cells.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                lock (cell)
                {
                    if (Type == "histogram")
                    {
                        for (var i = 0; i < Buckets.Length; i++)
                        {
                            Line(text, Name + "_bucket", Join(labels, $"le=\"{Number(Buckets[i])}\""), cell.Buckets[i]);
                        }
                        Line(text, Name + "_bucket", Join(labels, "le=\"+Inf\""), cell.Count);
                        Line(text, Name + "_sum", labels, cell.Sum);
                        Line(text, Name + "_count", labels, cell.Count);
                    }
                    else
                    {
                        Line(text, Name, labels, cell.Sum);
                    }
                }
            }
        }

        private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

        private static void Line(StringBuilder text, string name, string labels, double value)
        {
            text.Append(name);
            if (labels.Length > 0)
            {
                text.Append('{').Append(labels).Append('}');
            }
            text.Append(' ').Append(Number(value)).Append('\n');
        }
    }

    private sealed class Cell
    {
        public double Sum;
        public long Count;
        public readonly long[] Buckets = new long[PrometheusExporter.Buckets.Length];
    }
}
