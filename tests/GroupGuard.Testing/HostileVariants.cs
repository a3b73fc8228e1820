using System.Text.Json;
using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Core.Forwards;

namespace GroupGuard.Testing;

/// <summary>What a receiver made of one variant: accepted (its event's message, if any) or refused with a status and a reason.</summary>
/// <param name="Problem">Anything else wrong with the answer that only the protocol's test can tell (a 200 without its body).</param>
public readonly record struct Delivery(bool Accepted, int Status, string? Reason, bool HasEvent, ChatMessage? Message, string? Problem = null);

/// <summary>
/// Runs the variants of a sample (<see cref="JsonMutator"/>) through a receiver or reader and
/// collects what is wrong, for the mutation tests of every adapter: an exception (a 500 to the
/// sender, a dropped connection, a stopped pull), a refusal without a 4xx and a reason, an accepted
/// message past the bounds a delivery is refused for, a bundle past its bounds.
/// </summary>
public static class HostileVariants
{
    /// <summary>Variants per sample: <c>GG_FUZZ_VARIANTS</c>, else 150 (a few hundred milliseconds).</summary>
    public static int Count { get; } = int.TryParse(Environment.GetEnvironmentVariable("GG_FUZZ_VARIANTS"), out var n) ? n : 150;

    private const int MaxProblems = 5;

    /// <summary>Delivers every variant; the problems found (at most five) and how many were accepted and refused.</summary>
    public static (int Accepted, int Refused, List<string> Problems) Deliver(
        string sample, JsonNode original, Func<byte[], Delivery> receive, int maxMessageIdLength = MessageLimits.MaxIdLength)
    {
        var seed = JsonMutator.SeedFor(sample);
        var mutator = new JsonMutator(seed);
        int accepted = 0, refused = 0;
        var problems = new List<string>();
        for (var variant = 0; variant < Count && problems.Count < MaxProblems; variant++)
        {
            var body = mutator.Mutate(original);
            var at = $"{sample}, seed {seed}, variant {variant}";
            Delivery delivery;
            try
            {
                delivery = receive(body);
            }
            catch (Exception ex)
            {
                problems.Add($"{at} threw {ex.GetType().Name}: {ex.Message}\n{JsonMutator.Shown(body)}");
                continue;
            }

            if (delivery.Problem is { } problem)
            {
                problems.Add($"{at}: {problem}");
            }

            if (delivery.Accepted)
            {
                accepted++;
                if (delivery.Message is { } message && JsonMutator.BoundsProblem(message, maxMessageIdLength) is { } bounds)
                {
                    problems.Add($"{at} accepted with {bounds}");
                }
            }
            else
            {
                refused++;
                if (delivery.Status is not (400 or 413) || string.IsNullOrWhiteSpace(delivery.Reason) || delivery.HasEvent)
                {
                    problems.Add($"{at}: refused with {delivery.Status}, reason '{delivery.Reason}'{(delivery.HasEvent ? ", and an event" : "")}");
                }
            }
        }

        return (accepted, refused, problems);
    }

    /// <summary>
    /// Reads every variant of an answer to a call that opens a forwarded bundle, as the transport
    /// reads it (<see cref="JsonSurrogates"/>, its <c>data</c>); bytes that are not UTF-8 JSON with
    /// data are the transport's business and skipped. The problems found, and how many variants
    /// gave messages and how many none.
    /// </summary>
    public static (int Read, int Empty, List<string> Problems) OpenBundles(string sample, JsonNode original, Func<JsonElement, ForwardOpenResult?> read)
    {
        var seed = JsonMutator.SeedFor(sample);
        var mutator = new JsonMutator(seed);
        int opened = 0, empty = 0;
        var problems = new List<string>();
        for (var variant = 0; variant < Count && problems.Count < MaxProblems; variant++)
        {
            var body = mutator.Mutate(original);
            if (!System.Text.Unicode.Utf8.IsValid(body))
            {
                continue; // bytes no bridge writes; a bundle they break is reported as not opened
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(JsonSurrogates.Mended(body) ?? body);
            }
            catch (JsonException)
            {
                continue;
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("data", out var data))
                {
                    continue;
                }

                ForwardOpenResult? result;
                try
                {
                    result = read(data);
                }
                catch (Exception ex)
                {
                    problems.Add($"{sample}, seed {seed}, variant {variant} threw {ex.GetType().Name}: {ex.Message}\n{JsonMutator.Shown(body)}");
                    continue;
                }

                if (result is null || result.Messages.Count == 0)
                {
                    empty++;
                    continue;
                }

                opened++;
                if (CountMessages(result.Messages) is var total && total > ForwardLimits.MaxMessages)
                {
                    problems.Add($"{sample}, seed {seed}, variant {variant}: {total} messages read");
                }
            }
        }

        return (opened, empty, problems);
    }

    private static int CountMessages(IReadOnlyList<ForwardedMessage> messages) =>
        messages.Sum(message => 1 + message.Forwards.Sum(forward => forward.Messages is { } inner ? CountMessages(inner) : 0));
}
