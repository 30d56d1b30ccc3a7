using System.Globalization;
using System.Xml.Linq;

namespace Broker.LoadTool;

/// <summary>
/// A small SVG line-chart writer for the load reports: panels with axes, ticks, a legend and one polyline per series.
/// Plain SVG 1.1, readable in any browser and on GitHub; no dependency.
/// </summary>
internal sealed class SvgPlot(int width, string title)
{
    private const int PanelHeight = 220;
    private const int Left = 70;
    private const int Right = 20;
    private const int Top = 84; // room for the title, the subtitle and the first panel's heading and legend
    private const int Gap = 60;
    private static readonly string[] Colors = ["#2f6fdb", "#d9480f", "#2b8a3e", "#862e9c"];
    private readonly List<XElement> _elements = [];
    private int _panels;

    /// <summary>A line series: its name and its (x, y) points.</summary>
    public sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points);

    /// <summary>Adds a panel below the previous ones.</summary>
    public SvgPlot Panel(string heading, string xLabel, string yLabel, params Series[] series)
    {
        var top = Top + _panels++ * (PanelHeight + Gap);
        var plotWidth = width - Left - Right;
        var all = series.SelectMany(s => s.Points).ToArray();
        var (x0, x1) = all.Length == 0 ? (0, 1) : (all.Min(p => p.X), all.Max(p => p.X));
        if (x1 <= x0) x1 = x0 + 1;
        var y1 = NiceCeiling(all.Length == 0 ? 1 : all.Max(p => p.Y));
        double X(double x) => Left + (x - x0) / (x1 - x0) * plotWidth;
        double Y(double y) => top + PanelHeight - y / y1 * PanelHeight;

        _elements.Add(Text(Left, top - 12, heading, "heading"));
        _elements.Add(new XElement("rect", Attr("x", Left), Attr("y", top), Attr("width", plotWidth), Attr("height", PanelHeight), new XAttribute("class", "frame")));
        for (var i = 0; i <= 4; i++)
        {
            var value = y1 * i / 4;
            _elements.Add(new XElement("line", Attr("x1", Left), Attr("x2", Left + plotWidth), Attr("y1", Y(value)), Attr("y2", Y(value)), new XAttribute("class", "grid")));
            _elements.Add(Text(Left - 6, Y(value) + 4, Format(value), "tick end"));
            var x = x0 + (x1 - x0) * i / 4;
            _elements.Add(Text(X(x), top + PanelHeight + 16, Format(x), "tick middle"));
        }
        _elements.Add(Text(Left + plotWidth / 2.0, top + PanelHeight + 34, xLabel, "label middle"));
        _elements.Add(new XElement("text", Attr("x", 16), Attr("y", top + PanelHeight / 2.0), new XAttribute("class", "label middle"),
            new XAttribute("transform", $"rotate(-90 16 {Num(top + PanelHeight / 2.0)})"), yLabel));
        for (var i = 0; i < series.Length; i++)
        {
            var color = Colors[i % Colors.Length];
            _elements.Add(new XElement("polyline", new XAttribute("class", "series"), new XAttribute("stroke", color),
                new XAttribute("data-series", series[i].Name),
                new XAttribute("points", string.Join(' ', series[i].Points.Select(p => $"{Num(X(p.X))},{Num(Y(p.Y))}")))));
            foreach (var point in series[i].Points.Count <= 40 ? series[i].Points : [])
                _elements.Add(new XElement("circle", Attr("cx", X(point.X)), Attr("cy", Y(point.Y)), Attr("r", 2.5), new XAttribute("fill", color)));
            var legendX = Left + plotWidth - 130 * (series.Length - i);
            _elements.Add(new XElement("rect", Attr("x", legendX), Attr("y", top - 22), Attr("width", 12), Attr("height", 4), new XAttribute("fill", color)));
            _elements.Add(Text(legendX + 16, top - 17, series[i].Name, "legend"));
        }
        return this;
    }

    /// <summary>The SVG document.</summary>
    public string Render(string subtitle)
    {
        var height = Top + _panels * (PanelHeight + Gap) + 10;
        XNamespace svg = "http://www.w3.org/2000/svg";
        var root = new XElement("svg", new XAttribute("width", width), new XAttribute("height", height),
            new XAttribute("viewBox", $"0 0 {width} {height}"),
            new XElement("style", """
                text { font-family: sans-serif; fill: #1d2330; } .heading { font-size: 14px; font-weight: bold; }
                .tick { font-size: 11px; fill: #555d6e; } .label, .legend { font-size: 12px; } .end { text-anchor: end; }
                .middle { text-anchor: middle; } .frame { fill: #fff; stroke: #c9ced8; } .grid { stroke: #eef0f4; }
                .series { fill: none; stroke-width: 2; } .title { font-size: 16px; font-weight: bold; } .sub { font-size: 12px; fill: #555d6e; }
                """),
            new XElement("rect", new XAttribute("width", "100%"), new XAttribute("height", "100%"), new XAttribute("fill", "#f7f8fa")),
            Text(Left, 20, title, "title"), Text(Left, 36, subtitle, "sub"), _elements);
        foreach (var element in root.DescendantsAndSelf())
            element.Name = svg + element.Name.LocalName;
        return new XDocument(root).ToString();
    }

    private static XElement Text(double x, double y, string text, string cssClass) =>
        new("text", Attr("x", x), Attr("y", y), new XAttribute("class", cssClass), text);

    private static XAttribute Attr(string name, double value) => new(name, Num(value));

    private static string Num(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Format(double value) =>
        value >= 1000 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value >= 10 ? value.ToString("0", CultureInfo.InvariantCulture)
        : value.ToString("0.##", CultureInfo.InvariantCulture);

    // 1, 2 or 5 times a power of ten, at least the value: round axis ends.
    private static double NiceCeiling(double value)
    {
        if (value <= 0) return 1;
        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in (double[])[1, 2, 5, 10])
            if (step * power >= value) return step * power;
        return 10 * power;
    }
}
