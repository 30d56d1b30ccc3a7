using Broker.Fuzz;

namespace Broker.Protocol.Tests;

// The short, deterministic pass of tests/Broker.Fuzz over every target (the long one is documented in
// docs/conformance.md). A failure prints the input as base64 so it can be replayed.
public class FuzzShortRunTests
{
    public static TheoryData<string> Targets => new(FuzzTargets.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task FuzzTarget_TwentyThousandMutatedInputs_NoFailure(string name)
    {
        var target = FuzzTargets.Find(name);
        var run = Task.Factory.StartNew(() => FuzzRunner.Run(target, seed: 1, maxInputs: 20_000, TimeSpan.FromMinutes(5)),
            TaskCreationOptions.LongRunning);
        // A hang is a finding too: the input being run is the one that did not return.
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(5)));
        Assert.True(finished == run, $"{name} hung on input {Convert.ToBase64String(FuzzRunner.Current ?? [])}");
        var report = await run;
        Assert.True(report.Failure is null,
            $"{report}\ninput (base64): {Convert.ToBase64String(report.FailingInput ?? [])}\n{report.Failure}");
        Assert.Equal(20_000, report.Inputs);
    }
}
