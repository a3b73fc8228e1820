using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GroupGuard.Core.Rules;

/// <summary>
/// A pass over a pack's YAML events, before YamlDotNet builds its node tree, refusing what would
/// crash or stall that build. The build recurses once per level of nesting (100k levels overflow
/// the stack, which no catch survives), and it hashes a mapping key through every node the key
/// stands for (an alias of an alias of … grows nine-fold a level). This pass is a loop over
/// events with its own stack, and stops at the first problem, so the parser never reads far into
/// a hostile file either. Pack files written by hand need none of what it refuses.
/// </summary>
internal static class SafeYaml
{
    /// <summary>Mappings and lists inside each other; a pack needs four or five.</summary>
    public const int MaxDepth = 64;

    /// <summary>Nodes that aliases may stand for in one file, counting what they contain.</summary>
    public const int MaxAliasNodes = 100_000;

    /// <summary>The first reason <paramref name="text"/> is unsafe to build, with its line; null when it is safe.</summary>
    /// <remarks>A syntax error also gives null: the build then reports it, from the same place.</remarks>
    public static (Mark At, string Message)? Check(string text)
    {
        var parser = new Parser(new StringReader(text));

        // Per anchor: how many nodes an alias of it stands for.
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new List<Collection>();
        long aliased = 0;
        var last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                var at = current.Start;
                last = at;
                switch (current)
                {
                    case DocumentStart:
                        anchors.Clear();
                        break;

                    case MappingStart or SequenceStart:
                        if (AtKey(open))
                        {
                            return (at, "a mapping key must be a plain value, not a mapping or list");
                        }

                        if (open.Count == MaxDepth)
                        {
                            return (at, $"YAML nested deeper than {MaxDepth} levels");
                        }

                        open.Add(new Collection(Name(((NodeEvent)current).Anchor), current is MappingStart));
                        break;

                    case MappingEnd or SequenceEnd:
                        var closed = open[^1];
                        open.RemoveAt(open.Count - 1);
                        Completed(open, anchors, closed.Anchor, closed.Nodes + 1);
                        break;

                    case Scalar scalar:
                        Completed(open, anchors, Name(scalar.Anchor), 1);
                        break;

                    case AnchorAlias alias:
                        var name = alias.Value.Value;
                        if (AtKey(open))
                        {
                            return (at, $"alias '*{name}' used as a mapping key; write the key out");
                        }

                        // YamlDotNet would make a cycle of this, and keep it.
                        if (open.Exists(c => c.Anchor == name))
                        {
                            return (at, $"alias '*{name}' is inside the node it stands for");
                        }

                        // YamlDotNet resolves aliases after the whole document, so it would also take
                        // one before its anchor: nothing to count it by yet.
                        if (!anchors.TryGetValue(name, out var nodes))
                        {
                            return (at, $"alias '*{name}' has no anchor before it");
                        }

                        aliased += nodes;
                        if (aliased > MaxAliasNodes)
                        {
                            return (at, string.Create(CultureInfo.InvariantCulture, $"aliases stand for more than {MaxAliasNodes:N0} nodes; write the values out, or put long lists in a terms_file"));
                        }

                        Completed(open, anchors, null, nodes);
                        break;
                }
            }
        }
        catch (YamlException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up this way on some broken flow lists (`[bad.` and a new
            // list item on the next line) instead of with a YamlException: a syntax error all the
            // same, placed at the last thing it read.
            return (last, "YAML syntax: the parser could not read on from here; look for an unclosed [ or { or a quote");
        }

        return null;
    }

    /// <summary>Whether the next node is a key: the innermost open collection is a mapping with every key so far given its value.</summary>
    private static bool AtKey(List<Collection> open) => open.Count > 0 && open[^1].IsMapping && open[^1].Children % 2 == 0;

    private static string? Name(AnchorName anchor) => anchor.IsEmpty ? null : anchor.Value;

    private static void Completed(List<Collection> open, Dictionary<string, long> anchors, string? anchor, long nodes)
    {
        // Only a comparison with the limit needs the count, so it stops growing past it (no overflow).
        nodes = Math.Min(nodes, MaxAliasNodes + 1L);
        if (anchor is not null)
        {
            anchors[anchor] = nodes;
        }

        if (open.Count > 0)
        {
            var parent = open[^1];
            parent.Children++;
            parent.Nodes = Math.Min(parent.Nodes + nodes, MaxAliasNodes + 1L);
        }
    }

    private sealed class Collection(string? anchor, bool isMapping)
    {
        public string? Anchor { get; } = anchor;

        public bool IsMapping { get; } = isMapping;

        /// <summary>Keys and values read so far (a mapping's next node is a key when even).</summary>
        public int Children { get; set; }

        /// <summary>Nodes inside, counting what aliases stand for.</summary>
        public long Nodes { get; set; }
    }
}
