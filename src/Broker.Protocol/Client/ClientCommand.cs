using System.Buffers;

namespace Broker.Protocol.Client;

/// <summary>
/// One parsed client command, or the error to reply with. <see cref="Id"/> and <see cref="Data"/> are slices of the
/// parsed payload (valid only as long as it is): copy what must outlive it, such as the id of a publish whose ack comes
/// after the backplane answered.
/// </summary>
public readonly struct ClientCommand
{
    internal ClientCommand(ClientCommandType type, ReadOnlySequence<byte> id, string? topic, ReadOnlySequence<byte> data,
        ClientError error, string? errorMessage, RecoveryFields recovery = default)
    {
        Limit = recovery.Limit;
        Since = recovery.Since;
        Type = type;
        Id = id;
        Topic = topic;
        Data = data;
        Error = error;
        ErrorMessage = errorMessage;
    }

    /// <summary>The command; <see cref="ClientCommandType.None"/> when the frame failed before its type was known.</summary>
    public ClientCommandType Type { get; }

    /// <summary>The raw JSON of <c>id</c> (a number or a string with its quotes), echoed unchanged; empty when absent.</summary>
    public ReadOnlySequence<byte> Id { get; }

    /// <summary>True when the command carried an <c>id</c>: success replies are sent only then; errors always.</summary>
    public bool HasId => !Id.IsEmpty;

    /// <summary>The validated topic or pattern of subscribe, unsubscribe and publish; null for ping or on most errors.</summary>
    public string? Topic { get; }

    /// <summary>The raw JSON value of a publish's <c>data</c>, byte for byte as sent; empty for other commands.</summary>
    public ReadOnlySequence<byte> Data { get; }

    /// <summary>The <c>token</c> of connect and refresh; null for other commands.</summary>
    public string? Token { get; init; }

    /// <summary><see cref="ClientError.None"/> when the command is valid, otherwise the code to reply with.</summary>
    public ClientError Error { get; }

    /// <summary>A short English reason for the error reply; null when valid.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The <c>limit</c> of a <c>history</c> command; null when absent.</summary>
    public int? Limit { get; }

    /// <summary>The <c>since</c> of a <c>subscribe</c> or <c>history</c>: the last offset the client has and its epoch.</summary>
    public StreamPosition? Since { get; }

    /// <summary>True when the command is valid and may be executed.</summary>
    public bool IsValid => Error == ClientError.None;
}
