using System.Text.Json.Nodes;
using GroupGuard.Milky.Parsing;
using GroupGuard.Milky.Tests.Support;

namespace GroupGuard.Milky.Tests;

/// <summary>
/// A forwarded bundle is written by whoever forwarded it. Every variant of get_forwarded_messages'
/// answer (a value of another type or an extreme one, a field dropped, a list emptied or repeated,
/// nesting deepened) is read or found to hold no list, never an exception, and what is read stays
/// within the bundle bounds.
/// </summary>
public sealed class HostileForwardTests
{
    [Fact]
    public void Every_variant_of_the_forwarded_messages_answer_is_read_within_bounds_or_found_to_hold_no_list()
    {
        const string sample = "forwarded-messages.json";

        var (read, empty, problems) = HostileVariants.OpenBundles(sample, JsonNode.Parse(Samples.Bytes(sample))!, MilkySegments.ReadForwarded);

        Assert.Empty(problems);
        Assert.True(read > 0 && empty > 0, $"{read} read, {empty} without messages");
    }
}
