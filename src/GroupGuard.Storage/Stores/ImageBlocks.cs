using Dapper;
using GroupGuard.Core.Images;

namespace GroupGuard.Storage.Stores;

/// <summary>
/// The picture block list and the pictures kept on incidents, in the incident database
/// (<c>image_blocks</c>, <c>incident_pictures</c>, migration 0010, created by the incident
/// store's initialization). Hashes are stored as signed 64-bit integers with the same bits.
/// </summary>
internal sealed class ImageBlocks(StorageDatabase database) : IImageBlocks
{
    private const string BlockColumns = "id AS Id, hash AS Hash, incident_id AS IncidentId, note AS Note, created_at AS CreatedAt, created_by AS CreatedBy";

    public Task AddPicturesAsync(IReadOnlyList<IncidentPicture> pictures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pictures);
        if (pictures.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO incident_pictures (incident_id, picture, hash, location) VALUES (@IncidentId, @Index, @Hash, @Where) ON CONFLICT DO NOTHING",
                pictures.Select(p => new { p.IncidentId, p.Index, Hash = unchecked((long)p.Hash), p.Where }),
                transaction,
                cancellationToken: cancellationToken)),
            cancellationToken);
    }

    public async Task<IReadOnlyList<IncidentPicture>> PicturesOfAsync(long incidentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(long IncidentId, long Index, long Hash, string Where)>(new CommandDefinition(
            "SELECT incident_id, picture, hash, location FROM incident_pictures WHERE incident_id = @IncidentId ORDER BY picture",
            new { IncidentId = incidentId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new IncidentPicture(r.IncidentId, (int)r.Index, unchecked((ulong)r.Hash), r.Where))];
    }

    public async Task<ImageBlock> BlockAsync(ulong hash, long? incidentId, string? note, DateTimeOffset at, string? by, CancellationToken cancellationToken)
    {
        var stored = unchecked((long)hash);
        await database.WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO image_blocks (hash, incident_id, note, created_at, created_by) VALUES (@Hash, @IncidentId, @Note, @At, @By)
                ON CONFLICT (hash) DO NOTHING
                """,
                new { Hash = stored, IncidentId = incidentId, Note = Core.Moderation.StoredText.Clean(note), At = StoredTime.ToText(at), By = by },
                transaction,
                cancellationToken: cancellationToken)),
            cancellationToken).ConfigureAwait(false);

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleAsync<BlockRow>(new CommandDefinition(
            $"SELECT {BlockColumns} FROM image_blocks WHERE hash = @Hash",
            new { Hash = stored },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row.ToBlock();
    }

    public async Task<bool> UnblockAsync(long id, CancellationToken cancellationToken) =>
        await database.WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM image_blocks WHERE id = @Id",
                new { Id = id },
                transaction,
                cancellationToken: cancellationToken)),
            cancellationToken).ConfigureAwait(false) > 0;

    public async Task<IReadOnlyList<ImageBlock>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<BlockRow>(new CommandDefinition(
            $"SELECT {BlockColumns} FROM image_blocks ORDER BY id",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToBlock())];
    }

    private sealed class BlockRow
    {
        public long Id { get; set; }
        public long Hash { get; set; }
        public long? IncidentId { get; set; }
        public string? Note { get; set; }
        public string CreatedAt { get; set; } = "";
        public string? CreatedBy { get; set; }

        public ImageBlock ToBlock() =>
            new(Id, unchecked((ulong)Hash), IncidentId, Note, StoredTime.Parse(CreatedAt, $"Blocked picture {Id}"), CreatedBy);
    }
}
