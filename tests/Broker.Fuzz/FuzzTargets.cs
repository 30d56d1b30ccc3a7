using Broker.Fuzz.Targets;

namespace Broker.Fuzz;

/// <summary>Every target, by name.</summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyList<IFuzzTarget> All =
    [
        new MessageReaderTarget(deflate: false),
        new MessageReaderTarget(deflate: true),
        new HandshakeTarget(),
        new CommandParserTarget(),
    ];

    public static IFuzzTarget Find(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"unknown target {name}; one of: {string.Join(", ", All.Select(t => t.Name))}");
}
