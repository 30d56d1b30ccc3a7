using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Broker.Core.Topics;
using Broker.Protocol.Client;
using Broker.Server.Operations;

namespace Broker.Server.Admin;

/// <summary>Writes one node's stats (docs/admin.md lists the fields) as the JSON string the node actor answers with.</summary>
internal static class NodeStatsJson
{
    private const int BusiestTopics = 10;
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(NodeStatsSources sources, LinkedList<NodeSample> samples, IReadOnlyList<TopicInfo> keys,
        IReadOnlyDictionary<string, TopicRate> topicRates)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            var last = samples.Last!.Value;
            var previous = samples.Last.Previous?.Value ?? last;
            json.WriteStartObject();
            json.WriteString("address"u8, sources.Address);
            json.WriteString("version"u8, CommandLine.Version);
            json.WriteNumber("startedAt"u8, sources.StartedAt.ToUnixTimeMilliseconds());
            json.WriteNumber("uptimeSeconds"u8, (long)(DateTimeOffset.UtcNow - sources.StartedAt).TotalSeconds);
            json.WriteNumber("connections"u8, sources.Counters.Open);
            json.WriteNumber("subscriptions"u8, keys.Sum(k => (long)k.Subscribers));
            json.WriteNumber("publishesTotal"u8, sources.Counters.Traffic.Publishes.Value);
            json.WriteNumber("deliveriesTotal"u8, sources.Counters.Traffic.Deliveries.Value);
            json.WriteNumber("publishRate"u8, Math.Round(last.PublishRate(previous), 1));
            json.WriteNumber("deliveryRate"u8, Math.Round(last.DeliveryRate(previous), 1));
            json.WriteNumber("slowConsumerDisconnects"u8, sources.Counters.SlowConsumers);
            json.WriteNumber("outboundQueuedBytes"u8, sources.Counters.Traffic.QueuedBytes.Value);
            json.WriteStartObject("backplane"u8);
            json.WriteString("type"u8, sources.Backplane);
            json.WriteBoolean("up"u8, sources.BackplaneState.IsHealthy);
            WriteNullable(json, "lagMs"u8, last.LagMs(previous));
            WriteNullable(json, "publishMs"u8, last.PublishMs(previous));
            json.WriteEndObject();
            WriteTopics(json, keys, topicRates);
            WriteSeries(json, samples);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // Per subscription key: its subscribers on this node and the messages per second reaching it (a pattern sums its topics).
    private static void WriteTopics(Utf8JsonWriter json, IReadOnlyList<TopicInfo> keys, IReadOnlyDictionary<string, TopicRate> rates)
    {
        var busiest = keys
            .Select(key => (key.Key, key.Subscribers, Rate: TopicName.IsPattern(key.Key)
                ? rates.Where(r => TopicPattern.Matches(key.Key, r.Key)).Sum(r => r.Value.PerSecond)
                : rates.TryGetValue(key.Key, out var rate) ? rate.PerSecond : 0))
            .OrderByDescending(t => t.Rate).ThenByDescending(t => t.Subscribers).ThenBy(t => t.Key, StringComparer.Ordinal)
            .Take(BusiestTopics);
        json.WriteStartArray("topics"u8);
        foreach (var (key, subscribers, rate) in busiest)
        {
            json.WriteStartObject();
            json.WriteString("topic"u8, key);
            json.WriteNumber("subscribers"u8, subscribers);
            json.WriteNumber("rate"u8, Math.Round(rate, 1));
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    // Column-wise, for the page's charts: one entry per sample interval over the last minutes.
    private static void WriteSeries(Utf8JsonWriter json, LinkedList<NodeSample> samples)
    {
        var points = new List<(NodeSample At, NodeSample Before)>();
        for (var node = samples.First?.Next; node is not null; node = node.Next)
            points.Add((node.Value, node.Previous!.Value));
        json.WriteStartObject("series"u8);
        Column(json, "t"u8, points, p => p.At.UnixMs);
        Column(json, "publishRate"u8, points, p => Math.Round(p.At.PublishRate(p.Before), 1));
        Column(json, "deliveryRate"u8, points, p => Math.Round(p.At.DeliveryRate(p.Before), 1));
        Column(json, "connections"u8, points, p => p.At.Connections);
        Column(json, "lagMs"u8, points, p => Math.Round(p.At.LagMs(p.Before) ?? 0, 3));
        json.WriteEndObject();
    }

    private static void Column(Utf8JsonWriter json, ReadOnlySpan<byte> name, List<(NodeSample, NodeSample)> points,
        Func<(NodeSample At, NodeSample Before), double> value)
    {
        json.WriteStartArray(name);
        foreach (var point in points)
            json.WriteNumberValue(value(point));
        json.WriteEndArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } number)
            json.WriteNumber(name, Math.Round(number, 3));
        else
            json.WriteNull(name);
    }
}
