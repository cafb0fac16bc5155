namespace LocalKube.Testing.Fuzz;

/// <summary>One failing case: where it came from (replayable) and what broke.</summary>
public sealed record FuzzFailure(string Seed, int Case, string CaseSeed, string Message, string Input)
{
    /// <summary>The failure's first line, which groups failures of one cause.</summary>
    public string Kind => Message.Split('\n')[0] is var line && line.Length > 160 ? line[..160] : Message.Split('\n')[0];

    public override string ToString() =>
        $"case {Case} of seed {Seed} (CsCheck seed \"{CaseSeed}\"): {Message}\ninput: {Input}";
}
