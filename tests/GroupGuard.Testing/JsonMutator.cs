using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GroupGuard.Testing;

/// <summary>
/// Hostile variants of a real payload, for tests that a receiver answers every delivery with a
/// status and never throws: a value somewhere in the tree replaced by one of another type or an
/// extreme one, a field dropped, an array or object emptied or nested deeper, a string made long
/// or odd; now and then the bytes themselves cut or flipped. Seeded, so a failure names the
/// variant that found it and can be replayed.
/// </summary>
public sealed class JsonMutator(int seed)
{
    private readonly Random _random = new(seed);

    // A string value the writer escapes, swapped for \ud83d in the output: half an emoji, which a
    // JSON reader takes and only reading the string finds to be no text.
    private const string LoneSurrogate = "\u0001";
    private const string LoneSurrogateEscaped = "\\u0001";

    private static readonly Func<Random, JsonNode?>[] Replacements =
    [
        _ => null,
        _ => JsonValue.Create(true),
        _ => JsonValue.Create(false),
        _ => JsonValue.Create(0),
        _ => JsonValue.Create(-1),
        _ => JsonValue.Create(long.MaxValue),
        _ => JsonValue.Create(long.MinValue),
        _ => JsonNode.Parse("18446744073709551616"), // past ulong
        _ => JsonNode.Parse("1e308"),
        _ => JsonNode.Parse("-1e308"),
        _ => JsonNode.Parse("1.5"),
        _ => JsonNode.Parse("123456789012345678901234567890"),
        _ => JsonValue.Create(""),
        _ => JsonValue.Create(" "),
        _ => JsonValue.Create("0"),
        _ => JsonValue.Create("-1"),
        _ => JsonValue.Create("1e308"),
        _ => JsonValue.Create("abc"),
        _ => JsonValue.Create("[CQ:at,qq=all]"),
        _ => JsonValue.Create("[CQ:image,file=x,url=http://127.0.0.1/]"),
        _ => JsonValue.Create("[CQ:"),
        _ => JsonValue.Create("\0\uFFFF"),
        _ => JsonValue.Create("半个" + LoneSurrogate), // written as the escape \ud83d alone (below)
        _ => JsonValue.Create(LoneSurrogate + "?"),
        r => JsonValue.Create(new string('傻', r.Next(1, 70_000))),
        r => JsonValue.Create(new string('9', r.Next(60, 70))),
        _ => new JsonObject(),
        _ => new JsonArray(),
        _ => new JsonArray(JsonValue.Create(1), JsonValue.Create("a"), null, new JsonObject()),
        _ => new JsonObject { ["type"] = "text", ["data"] = new JsonObject { ["text"] = "加微信" } },
        _ => new JsonObject { ["type"] = null, ["data"] = null },
        _ => new JsonObject { ["type"] = "node", ["data"] = new JsonObject { ["content"] = new JsonArray() } },
        r => Nested(r.Next(1, 80)),
    ];

    /// <summary>A variant of <paramref name="original"/>: the tree mutated one to three times, or its bytes.</summary>
    public byte[] Mutate(JsonNode original)
    {
        if (_random.Next(10) == 0)
        {
            return MutateBytes(Encoding.UTF8.GetBytes(original.ToJsonString()));
        }

        var root = original.DeepClone();
        var times = _random.Next(1, 4);
        for (var i = 0; i < times; i++)
        {
            root = MutateOnce(root);
        }

        // The writer will not write half a surrogate pair; the marker it escapes stands for one.
        return Encoding.UTF8.GetBytes((root?.ToJsonString() ?? "null").Replace(LoneSurrogateEscaped, "\\ud83d", StringComparison.Ordinal));
    }

    private JsonNode? MutateOnce(JsonNode? root)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        if (nodes.Count == 0)
        {
            return Replace();
        }

        var node = nodes[_random.Next(nodes.Count)];
        if (node.Parent is null)
        {
            return _random.Next(4) == 0 ? Replace() : MutateContainer(node) ?? root;
        }

        if (_random.Next(4) == 0 && MutateContainer(node) is { })
        {
            return root;
        }

        switch (node.Parent)
        {
            case JsonObject parent:
                var name = node.GetPropertyName();
                if (_random.Next(5) == 0)
                {
                    parent.Remove(name);
                }
                else
                {
                    parent[name] = Replace();
                }

                break;
            case JsonArray array:
                var index = node.GetElementIndex();
                if (_random.Next(5) == 0)
                {
                    array.RemoveAt(index);
                }
                else
                {
                    array[index] = Replace();
                }

                break;
        }

        return root;
    }

    /// <summary>Empties, repeats or wraps a container; null when <paramref name="node"/> is a value.</summary>
    private JsonNode? MutateContainer(JsonNode node)
    {
        switch (node)
        {
            case JsonArray array when array.Count > 0:
                switch (_random.Next(3))
                {
                    case 0:
                        array.Clear();
                        break;
                    case 1:
                        var copies = _random.Next(2, 300);
                        var first = array[0];
                        for (var i = 0; i < copies; i++)
                        {
                            array.Add(first?.DeepClone());
                        }

                        break;
                    default:
                        array.Add(Replace());
                        break;
                }

                return array;
            case JsonObject obj when obj.Count > 0:
                if (_random.Next(2) == 0)
                {
                    obj.Clear();
                }
                else
                {
                    obj["extra_" + _random.Next(1000)] = Replace();
                }

                return obj;
            default:
                return null;
        }
    }

    private JsonNode? Replace() => Replacements[_random.Next(Replacements.Length)](_random);

    private byte[] MutateBytes(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return bytes;
        }

        switch (_random.Next(3))
        {
            case 0:
                return bytes[.._random.Next(bytes.Length)];
            case 1:
                var flipped = (byte[])bytes.Clone();
                for (var i = _random.Next(1, 8); i > 0; i--)
                {
                    flipped[_random.Next(flipped.Length)] = (byte)_random.Next(256);
                }

                return flipped;
            default:
                var at = _random.Next(bytes.Length);
                return [.. bytes[..at], .. "\uFEFF\"\\u0000{[,:"u8.ToArray()[.._random.Next(1, 12)], .. bytes[at..]];
        }
    }

    private static JsonNode Nested(int depth)
    {
        JsonNode node = JsonValue.Create("deep");
        for (var i = 0; i < depth; i++)
        {
            node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["data"] = node };
        }

        return node;
    }

    private static void Collect(JsonNode? node, List<JsonNode> into)
    {
        if (node is null)
        {
            return;
        }

        into.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    Collect(child, into);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Collect(child, into);
                }

                break;
        }
    }

    /// <summary>The same seed for a sample's name on every run and machine (string.GetHashCode is randomized per process).</summary>
    public static int SeedFor(string name) => name.Aggregate(17, (hash, c) => unchecked(hash * 31 + c));

    /// <summary>
    /// What an accepted message breaks of the bounds a receiver refuses a delivery for (an id
    /// missing or over <see cref="Core.MessageLimits.MaxIdLength"/>, a control character in an id,
    /// a mention or the platform, a platform over <see cref="Core.MessageLimits.MaxPlatformLength"/>, text over
    /// <see cref="Core.MessageLimits.MaxTextLength"/>), or null. A platform whose message ids are
    /// longer says how long with <paramref name="maxMessageIdLength"/>.
    /// </summary>
    public static string? BoundsProblem(Core.ChatMessage message, int maxMessageIdLength = Core.MessageLimits.MaxIdLength)
    {
        foreach (var (name, id, longest) in new[]
        {
            ("bot", message.BotId, Core.MessageLimits.MaxIdLength),
            ("group", message.GroupId, Core.MessageLimits.MaxIdLength),
            ("user", message.UserId, Core.MessageLimits.MaxIdLength),
            ("message", message.MessageId, maxMessageIdLength),
        })
        {
            if (string.IsNullOrEmpty(id) || id.Length > longest)
            {
                return $"{name} id of {id?.Length ?? 0} characters";
            }

            if (id.Any(char.IsControl))
            {
                return $"a control character in the {name} id";
            }
        }

        if (string.IsNullOrEmpty(message.Platform) || message.Platform.Length > Core.MessageLimits.MaxPlatformLength || message.Platform.Any(char.IsControl))
        {
            return $"platform '{message.Platform}' ({message.Platform?.Length ?? 0} characters)";
        }

        if (message.Text.Length > Core.MessageLimits.MaxTextLength)
        {
            return $"{message.Text.Length} characters of text";
        }

        return message.Mentions.FirstOrDefault(mention => mention.Length > Core.MessageLimits.MaxIdLength || mention.Any(char.IsControl)) is { } badMention
            ? $"a mention of {badMention.Length} characters{(badMention.Any(char.IsControl) ? " with a control character" : "")}"
            : null;
    }

    /// <summary>The start of <paramref name="body"/> as text, for a failure message.</summary>
    public static string Shown(byte[] body) =>
        body.Length <= 600 ? Encoding.UTF8.GetString(body) : Encoding.UTF8.GetString(body, 0, 600) + $"… ({body.Length} bytes)";

    /// <summary>Every sample file under <paramref name="folder"/> that parses as JSON, by name.</summary>
    public static IReadOnlyList<(string Name, JsonNode Node)> Samples(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(path => (Path.GetRelativePath(folder, path), JsonNode.Parse(File.ReadAllBytes(path), documentOptions: new JsonDocumentOptions { MaxDepth = 256 })!))];
}
