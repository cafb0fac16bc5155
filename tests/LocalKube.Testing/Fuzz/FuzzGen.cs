using CsCheck;

namespace LocalKube.Testing.Fuzz;

/// <summary>
/// A CsCheck generator from a function of the random source. The size CsCheck shrinks towards is what
/// <paramref name="measure"/> says (for inputs, their length in bytes): a failure is reported at its smallest.
/// </summary>
public sealed class FuzzGen<T>(Func<PCG, T> generate, Func<T, long> measure) : Gen<T>
{
    /// <inheritdoc />
    public override T Generate(PCG pcg, Size? min, out Size size)
    {
        var value = generate(pcg);
        size = new Size((ulong)Math.Max(0, measure(value)));
        return value;
    }
}
