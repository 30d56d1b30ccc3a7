using Broker.Fuzz;

// dotnet run --project tests/Broker.Fuzz -c Release -- run [TARGET|all] [--inputs N] [--seconds S] [--seed K]
//   Structured-mutation fuzzing in process, deterministic for a seed and count; writes a failing input to
//   fuzz-findings/TARGET-SEED.bin and exits 1. Defaults: all targets, 10,000,000 inputs each, seed 1.
// dotnet run --project tests/Broker.Fuzz -c Release -- seeds TARGET DIR
//   Writes the target's seed inputs for afl-fuzz -i DIR.
// afl-fuzz -i DIR -o OUT -t 5000 -m none -- dotnet Broker.Fuzz.dll afl TARGET
//   Coverage-guided: AFL drives the target in persistent mode (tests/Broker.Fuzz/afl.sh instruments and starts it).
var command = args.Length > 0 ? args[0] : "run";
var named = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : "all";
switch (command)
{
    case "run":
    {
        var inputs = long.Parse(Option("--inputs") ?? "10000000");
        var seconds = double.Parse(Option("--seconds") ?? "1e9");
        var seed = int.Parse(Option("--seed") ?? "1");
        var failed = false;
        foreach (var target in named == "all" ? FuzzTargets.All : [FuzzTargets.Find(named)])
        {
            var report = FuzzRunner.Run(target, seed, inputs, TimeSpan.FromSeconds(seconds));
            Console.WriteLine(report);
            if (report.FailingInput is { } input)
            {
                Directory.CreateDirectory("fuzz-findings");
                var path = Path.Combine("fuzz-findings", $"{target.Name}-{seed}.bin");
                File.WriteAllBytes(path, input);
                Console.WriteLine($"  input written to {path}\n  {report.Failure}");
                failed = true;
            }
        }
        return failed ? 1 : 0;
    }
    case "seeds":
    {
        var target = FuzzTargets.Find(named);
        var dir = args.Length > 2 ? args[2] : "seeds";
        Directory.CreateDirectory(dir);
        for (var i = 0; i < target.Seeds.Count; i++)
            File.WriteAllBytes(Path.Combine(dir, $"seed{i}"), target.Seeds[i]);
        return 0;
    }
    case "afl":
    {
        var target = FuzzTargets.Find(named);
        SharpFuzz.Fuzzer.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            target.Run(copy.ToArray());
        });
        return 0;
    }
    default:
        Console.Error.WriteLine("usage: Broker.Fuzz run [TARGET|all] [--inputs N] [--seconds S] [--seed K] | seeds TARGET DIR | afl TARGET");
        return 2;
}

string? Option(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
