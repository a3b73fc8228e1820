using System.Globalization;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Accounts;
using GroupGuard.Core.Images;

namespace GroupGuard.Host.Cli;

/// <summary><c>images block | list | unblock</c>: the block list of known bad pictures.</summary>
internal static class ImagesCommand
{
    /// <summary>
    /// <c>images block INCIDENT_ID [--picture N] [--note TEXT]</c>: blocks a picture of an incident by
    /// the hash kept on it, without fetching it again. An incident of a picture rule keeps its own
    /// picture; a text incident keeps every picture of its message, and then one is named.
    /// </summary>
    public static async Task<int> BlockAsync(long id, int? picture, string? note, IIncidentStore store, IImageBlocks blocks, IAccountStore audit, TimeProvider time, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        if (await store.GetAsync(id, cancellationToken) is not { } incident)
        {
            await error.WriteLineAsync($"groupguard images block: there is no incident {id}");
            return 1;
        }

        var pictures = await blocks.PicturesOfAsync(id, cancellationToken);
        if (pictures.Count == 0)
        {
            await error.WriteLineAsync($"groupguard images block: incident {id} ({incident.Rule}) kept no picture: its message had none, or none could be read");
            return 1;
        }

        var chosen = picture is { } n ? pictures.Where(p => p.Index == n).ToList() : pictures.Count == 1 ? [.. pictures] : [];
        if (chosen.Count == 0)
        {
            var list = string.Join("; ", pictures.Select(p => $"{p.Index.ToString(CultureInfo.InvariantCulture)}: {p.Where}"));
            await error.WriteLineAsync(picture is null
                ? $"groupguard images block: incident {id} has {pictures.Count} pictures ({list}); say which with --picture N"
                : $"groupguard images block: incident {id} has no picture {picture} ({list})");
            return 1;
        }

        var now = time.GetUtcNow();
        var who = VerbHost.Actor;
        var chosenPicture = chosen[0];
        var again = (await blocks.ListAsync(cancellationToken)).Any(b => b.Hash == chosenPicture.Hash);
        var block = await blocks.BlockAsync(chosenPicture.Hash, id, note, now, who, cancellationToken);
        if (!again)
        {
            await audit.AuditAsync(new AuditEntry(0, now, who, "image_block", $"incident {id} picture {chosenPicture.Index}", note), cancellationToken);
        }
        await output.WriteLineAsync(again
            ? $"picture {chosenPicture.Index} of incident {id} ({chosenPicture.Where}) is blocked already as #{block.Id} ({PerceptualHash.ToText(block.Hash)})"
            : $"blocked #{block.Id}: picture {chosenPicture.Index} of incident {id} ({chosenPicture.Where}), hash {PerceptualHash.ToText(block.Hash)}; copies within {PerceptualHash.NearDuplicateDistance} bits are flagged by {Pipeline.Moderator.BlockedRuleId} in every group");
        return 0;
    }

    /// <summary><c>images list [--format text|jsonl]</c>.</summary>
    public static async Task<int> ListAsync(bool jsonl, IIncidentStore store, IImageBlocks blocks, TextWriter output, CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        var list = await blocks.ListAsync(cancellationToken);
        foreach (var block in list)
        {
            if (jsonl)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    id = block.Id,
                    hash = PerceptualHash.ToText(block.Hash),
                    incident_id = block.IncidentId,
                    note = block.Note,
                    created_at = block.CreatedAt,
                    created_by = block.By,
                }));
            }
            else
            {
                var from = block.IncidentId is { } incident ? $"incident {incident}" : "-";
                await output.WriteLineAsync($"#{block.Id}  {PerceptualHash.ToText(block.Hash)}  {from}  {block.CreatedAt:yyyy-MM-dd HH:mm}Z  {block.By ?? "-"}  {block.Note ?? ""}".TrimEnd());
            }
        }

        if (!jsonl && list.Count == 0)
        {
            await output.WriteLineAsync("no picture is blocked");
        }

        return 0;
    }

    /// <summary><c>images unblock BLOCK_ID</c> (the <c>#</c> number of <c>images list</c>).</summary>
    public static async Task<int> UnblockAsync(long id, IIncidentStore store, IImageBlocks blocks, IAccountStore audit, TimeProvider time, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        if (!await blocks.UnblockAsync(id, cancellationToken))
        {
            await error.WriteLineAsync($"groupguard images unblock: there is no blocked picture #{id} (see images list)");
            return 1;
        }

        await audit.AuditAsync(new AuditEntry(0, time.GetUtcNow(), VerbHost.Actor, "image_unblock", $"block {id}", null), cancellationToken);
        await output.WriteLineAsync($"unblocked #{id}");
        return 0;
    }
}
