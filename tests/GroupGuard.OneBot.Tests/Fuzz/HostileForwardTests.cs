using System.Text.Json.Nodes;
using GroupGuard.OneBot.Tests.Support;
using GroupGuard.OneBot.V11;

namespace GroupGuard.OneBot.Tests.Fuzz;

/// <summary>
/// A forwarded bundle is written by whoever forwarded it. Every variant of the implementations'
/// get_forward_msg answers (a value of another type or an extreme one, a field dropped, a list
/// emptied or repeated, nesting deepened) is read or found to hold no list, never an exception,
/// and what is read stays within the bundle bounds.
/// </summary>
public sealed class HostileForwardTests
{
    [Theory]
    [InlineData("V11/napcat-answer-forward-msg.json")]
    [InlineData("V11/llbot-answer-forward-msg.json")]
    public void Every_variant_of_a_forward_answer_is_read_within_bounds_or_found_to_hold_no_list(string sample)
    {
        var (read, empty, problems) = HostileVariants.OpenBundles(sample, JsonNode.Parse(Samples.Bytes(sample))!, V11Forwards.ReadAnswer);

        Assert.Empty(problems);
        Assert.True(read > 0 && empty > 0, $"{sample}: {read} read, {empty} without messages");
    }
}
