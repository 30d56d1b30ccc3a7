namespace Broker.Fuzz;

/// <summary>
/// One thing under fuzz. <see cref="Run"/> must return normally for every input: a documented rejection (a protocol
/// exception with a close code, an error result) is caught inside; anything that escapes is a finding, and so is a
/// broken invariant, reported as <see cref="FuzzInvariantException"/>.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>The name the runner and docs/conformance.md use.</summary>
    string Name { get; }

    /// <summary>Valid and near-valid inputs that mutation starts from.</summary>
    IReadOnlyList<byte[]> Seeds { get; }

    void Run(ReadOnlySpan<byte> input);
}
