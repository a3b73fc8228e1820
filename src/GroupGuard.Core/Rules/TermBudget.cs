namespace GroupGuard.Core.Rules;

/// <summary>
/// The terms one load may read, over every pack and terms file of the folder, allow.txt's phrases included. Each file is
/// bounded (<see cref="RuleTextFiles.MaxFileBytes"/>), but a pack may name many terms files and a
/// folder hold many packs; a term costs about 340 bytes once built and 5 µs to load (1.6 million
/// from one 15 MB file: 7.5 s, 515 MB kept, 1.5 GB at the peak), so the folder as a whole is bounded too.
/// </summary>
internal sealed class TermBudget
{
    /// <summary>The most terms a rules folder may hold: about 170 MB once built (the shipped packs hold 1,705).</summary>
    public const int MaxTerms = 500_000;

    private int _taken;

    /// <summary>Takes one term's place; false past <see cref="MaxTerms"/>.</summary>
    public bool Take() => ++_taken <= MaxTerms;

    /// <summary>Whether the last <see cref="Take"/> was the first refused (said once, where the bound was passed).</summary>
    public bool JustExhausted => _taken == MaxTerms + 1;
}
