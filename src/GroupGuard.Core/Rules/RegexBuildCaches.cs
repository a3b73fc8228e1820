using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;

namespace GroupGuard.Core.Rules;

/// <summary>
/// Lets go of what building a NonBacktracking regex leaves behind. The runtime works out a
/// pattern's character classes as decision diagrams, memoizing every set operation it performs on
/// them, and the finished regex keeps that solver, caches included, for as long as it lives,
/// though matching uses sets of its own and never asks the solver again. For the shipped packs'
/// patterns, long alternations of hanzi, that was 3 to 44 MB a regex and about 110 MB in all, most
/// of the rules' share of the service's memory (docs/detection.md, "Matching", step 6).
/// <para>
/// The caches are the solver's private fields (<c>_operationCache</c>, <c>_bddCache</c>) on the
/// regex's runner factory, matcher and builder, reached by reflection. Emptying them cannot change
/// what a regex matches: the runtime documents both as caches its algorithms do not rely on, only
/// benefit from, and the set operations they memoize run while the pattern is built. Where a
/// runtime names or shapes these differently, nothing is found and nothing is touched (a test says
/// so on the runtime it runs on).
/// </para>
/// </summary>
internal static class RegexBuildCaches
{
    private const BindingFlags Fields = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    private static readonly FieldInfo? Factory = typeof(Regex).GetField("factory", Fields);

    /// <summary>
    /// Empties the build caches of <paramref name="regex"/> (before it is shared with other
    /// threads); returns how many entries were released, 0 when it has none or they are not found.
    /// </summary>
    public static int Release(Regex regex)
    {
        try
        {
            var solver = Field(Field(Field(Factory?.GetValue(regex), "_matcher"), "_builder"), "_charSetSolver");
            return Empty(Field(solver, "_operationCache")) + Empty(Field(solver, "_bddCache"));
        }
        catch (Exception ex) when (ex is FieldAccessException or TargetException or MethodAccessException or MemberAccessException)
        {
            return 0; // a runtime that guards them: the regex keeps its caches and works as before
        }
    }

    private static object? Field(object? owner, string name) =>
        owner?.GetType().GetField(name, Fields)?.GetValue(owner);

    private static int Empty(object? cache)
    {
        if (cache is not IDictionary dictionary)
        {
            return 0;
        }

        var count = dictionary.Count;
        dictionary.Clear();
        cache.GetType().GetMethod("TrimExcess", Type.EmptyTypes)?.Invoke(cache, null);
        return count;
    }
}
