namespace ChatConsole;

/// <summary>A chat message as the browser demo publishes it: <c>{nick, text, sentAt}</c> (milliseconds since the Unix epoch).</summary>
internal sealed record ChatLine(string Nick, string Text, long SentAt);
