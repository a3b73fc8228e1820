namespace GroupGuard.Benchmarks;

/// <summary>
/// The usual "DFA" filter found in chat bots: a trie, restarted at every position of the text, on
/// the raw text (no normalization). The baseline the engine is measured against.
/// </summary>
internal sealed class RestartTrie
{
    private readonly Node _root = new();

    public RestartTrie(IEnumerable<string> terms)
    {
        foreach (var term in terms)
        {
            var node = _root;
            foreach (var c in term)
            {
                if (!node.Children.TryGetValue(c, out var next))
                {
                    next = new Node();
                    node.Children[c] = next;
                }

                node = next;
            }

            node.End = true;
        }
    }

    public bool ContainsAny(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var node = _root;
            for (var j = i; j < text.Length && node.Children.TryGetValue(text[j], out node); j++)
            {
                if (node.End)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private sealed class Node
    {
        public Dictionary<char, Node> Children { get; } = [];
        public bool End { get; set; }
    }
}
