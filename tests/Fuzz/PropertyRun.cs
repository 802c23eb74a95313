using System.Diagnostics;
using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace Dragonfly.Fuzzing;

/// <summary>
/// Runs an FsCheck property for a bounded time: rounds of <see cref="RoundSize"/> inputs, each round seeded from
/// one base seed, until the time budget is spent or <paramref name="maxInputs"/> were tried. The base seed is
/// printed first, so any failure replays with <c>DRAGONFLY_FUZZ_SEED=&lt;seed&gt;</c>; FsCheck shrinks a failing input
/// to a small one and prints it. <c>DRAGONFLY_FUZZ_SECONDS</c> lengthens every run (a soak, not CI).
/// </summary>
public static class PropertyRun
{
    public const int RoundSize = 500;

    private static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(3);

    /// <summary>Checks <paramref name="property"/> (an exception or an assertion failure falsifies it) on inputs from <paramref name="inputs"/>.</summary>
    public static FuzzFigures Check<T>(string name, Arbitrary<T> inputs, Action<T> property, int maxInputs = 1_000_000) =>
        Run(name, maxInputs, count => Prop.ForAll(inputs, (T input) =>
        {
            count();
            property(input);
        }));

    /// <summary>As <see cref="Check{T}(string, Arbitrary{T}, Action{T}, int)"/>, for a property that awaits (FsCheck waits for it).</summary>
    public static FuzzFigures CheckAsync<T>(string name, Arbitrary<T> inputs, Func<T, Task> property, int maxInputs = 1_000_000) =>
        Run(name, maxInputs, count => Prop.ForAll(inputs, (T input) =>
        {
            count();
            return property(input);
        }));

    private static FuzzFigures Run(string name, int maxInputs, Func<Action, Property> build)
    {
        var seed = Environment.GetEnvironmentVariable("DRAGONFLY_FUZZ_SEED") is { Length: > 0 } fixedSeed
            ? ulong.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : (ulong)System.Random.Shared.NextInt64(1, long.MaxValue);
        var budget = Environment.GetEnvironmentVariable("DRAGONFLY_FUZZ_SECONDS") is { Length: > 0 } seconds
            ? TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture))
            : DefaultBudget;
        TestContext.Out.WriteLine($"fuzz {name}: seed {seed} (replay with DRAGONFLY_FUZZ_SEED={seed}), budget {budget.TotalSeconds:0.#} s");
        var tried = 0;
        var counted = build(() => tried++);
        var clock = Stopwatch.StartNew();
        var round = 0UL;
        while (clock.Elapsed < budget && tried < maxInputs)
        {
            var replay = new Replay(new Rnd(seed + round), FSharpOption<int>.None);
            var config = Config.QuickThrowOnFailure.WithMaxTest(Math.Min(RoundSize, maxInputs - tried)).WithReplay(FSharpOption<Replay>.Some(replay)).WithQuietOnSuccess(true);
            try
            {
                FsCheck.Check.One(config, counted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Assert.Fail($"fuzz {name}: property falsified in round {round} (base seed {seed}; replay with DRAGONFLY_FUZZ_SEED={seed}):\n{e.Message}");
            }
            round++;
        }
        var figures = new FuzzFigures(name, seed, tried, clock.Elapsed);
        TestContext.Out.WriteLine(figures.ToString());
        return figures;
    }
}

/// <summary>What one bounded run did: the figures TESTING.md reports.</summary>
public sealed record FuzzFigures(string Property, ulong Seed, int Inputs, TimeSpan Elapsed)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"fuzz {Property}: {Inputs} inputs in {Elapsed.TotalSeconds:0.00} s ({Inputs / Math.Max(Elapsed.TotalSeconds, 0.001):0} /s), seed {Seed}");
}
