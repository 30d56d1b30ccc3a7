namespace Broker.Server.Operations;

/// <summary>
/// The console log format (<c>broker.log.format</c>): every event is one line on stderr, so log shippers and
/// <c>grep</c> see one event per line; json writes one object per line with the event's named values as fields.
/// </summary>
internal static class LogFormat
{
    private const string Timestamp = "yyyy-MM-ddTHH:mm:ss.fffZ ";

    public static ILoggingBuilder UseBrokerFormat(this ILoggingBuilder logging, bool json)
    {
        logging.ClearProviders();
        return json
            ? logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = Timestamp.TrimEnd();
            })
            : logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = Timestamp;
            });
    }
}
