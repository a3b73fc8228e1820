using System.Collections.ObjectModel;
using System.Globalization;

namespace GroupGuard.Core.Rules;

/// <summary>
/// The errors (or the warnings) of one load, the first <see cref="MaxListed"/> kept and the rest
/// only counted. A rules file can hold millions of bad lines (16 MiB of <c>！！</c>: two million
/// terms with no letters); each listed problem is logged, shown in the console and carried in the
/// status, so they are listed up to a bound and the last line says how many more there were.
/// </summary>
internal sealed class RuleProblems : Collection<RuleError>
{
    /// <summary>The most problems of one kind a load lists.</summary>
    public const int MaxListed = 100;

    private int _unlisted;

    /// <summary>Lists <paramref name="problem"/> even past the bound: the one that says why reading stopped.</summary>
    public void AddAlways(RuleError problem) => base.InsertItem(Count, problem);

    protected override void InsertItem(int index, RuleError item)
    {
        if (Count >= MaxListed)
        {
            _unlisted++;
            return;
        }

        base.InsertItem(index, item);
    }

    /// <summary>Every problem added, listed or not.</summary>
    public int Total => Count + _unlisted;

    /// <summary>The problems listed, and a last line for those past the bound, named after <paramref name="folder"/>.</summary>
    public IReadOnlyList<RuleError> Listed(string folder, string kind) =>
        _unlisted == 0
            ? [.. this]
            : [.. this, new RuleError(folder, 0, string.Create(CultureInfo.InvariantCulture, $"{_unlisted:N0} more {kind} not listed (the first {MaxListed} are)"))];
}
