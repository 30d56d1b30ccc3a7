using System.Globalization;

namespace Broker.Server.Tests.Support;

/// <summary>One scrape of <c>GET /metrics</c>, parsed from the Prometheus text format into series → value.</summary>
public sealed class PrometheusScrape
{
    private readonly Dictionary<string, double> _series;

    private PrometheusScrape(Dictionary<string, double> series, string text)
    {
        _series = series;
        Text = text;
    }

    public string Text { get; }

    /// <summary>A series by its exact name and labels as exposed, e.g. <c>broker_closes_total{code="1000"}</c>; 0 when absent.</summary>
    public double this[string series] => _series.GetValueOrDefault(series);

    public bool Has(string series) => _series.ContainsKey(series);

    public static async Task<PrometheusScrape> GetAsync(HttpClient http, Uri metrics)
    {
        var text = await http.GetStringAsync(metrics);
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var space = line.LastIndexOf(' ');
            series[line[..space]] = double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return new PrometheusScrape(series, text);
    }
}
