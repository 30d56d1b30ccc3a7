// Terminal chat on Broker.Client: dotnet run --project samples/ChatConsole -- [ws://localhost:8080/ws] [nick] [room]
// Lines you type go to the room (topic chat.<room>); everything said there is printed. Ctrl-D or /quit leaves.
using System.Text.Json;
using Broker.Client;
using ChatConsole;

var url = new Uri(args.Length > 0 ? args[0] : "ws://localhost:8080/ws");
var nick = args.Length > 1 ? args[1] : Environment.UserName;
var room = args.Length > 2 ? args[2] : "lobby";
var topic = $"chat.{room}";
var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);

using var quit = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    quit.Cancel();
};

await using var client = new BrokerClient(url);
client.StateChanged += state => Console.Error.WriteLine($"[{state.ToString().ToLowerInvariant()}]");
await client.ConnectAsync(quit.Token);
await using var subscription = await client.SubscribeAsync(topic, message =>
{
    // Anyone may publish anything to the topic: print only well-formed chat lines.
    if (message.Data.ValueKind == JsonValueKind.Object && message.DataAs<ChatLine>(json) is { Nick: not null, Text: not null } line)
        Console.WriteLine($"{DateTimeOffset.FromUnixTimeMilliseconds(line.SentAt).ToLocalTime():HH:mm} <{line.Nick}> {line.Text}");
    return ValueTask.CompletedTask;
}, quit.Token);
Console.Error.WriteLine($"{nick} in {room} on {url}; type to talk, /quit to leave");

while (!quit.IsCancellationRequested && await Console.In.ReadLineAsync(quit.Token) is { } text && text != "/quit")
{
    if (text.Length == 0)
        continue;
    try
    {
        await client.PublishAsync(topic, new ChatLine(nick, text, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), quit.Token);
    }
    catch (Exception e) when (e is BrokerException or TimeoutException)
    {
        Console.Error.WriteLine($"not sent: {e.Message}");
    }
}
