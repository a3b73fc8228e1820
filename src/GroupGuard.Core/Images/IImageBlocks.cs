namespace GroupGuard.Core.Images;

/// <summary>A picture on the block list, by its perceptual hash.</summary>
/// <param name="Id">Assigned by the store.</param>
/// <param name="IncidentId">The incident whose picture it was, when it was blocked from one.</param>
/// <param name="By">Who blocked it (<c>cli:</c> and a user, a console account).</param>
public sealed record ImageBlock(long Id, ulong Hash, long? IncidentId, string? Note, DateTimeOffset CreatedAt, string? By);

/// <summary>A picture of an incident's message, kept so that it can be blocked without fetching it again.</summary>
/// <param name="Index">Its place among the message's pictures, 1 first.</param>
/// <param name="Where">Its file name, or its link's host and path (never the query).</param>
public sealed record IncidentPicture(long IncidentId, int Index, ulong Hash, string Where);

/// <summary>
/// The block list of known bad pictures, and the pictures kept on incidents. Failure contract:
/// every method throws on a storage failure.
/// </summary>
public interface IImageBlocks
{
    /// <summary>Keeps the hashes of the pictures of these incidents (adding one twice keeps it once).</summary>
    Task AddPicturesAsync(IReadOnlyList<IncidentPicture> pictures, CancellationToken cancellationToken);

    /// <summary>The pictures kept on an incident, by index.</summary>
    Task<IReadOnlyList<IncidentPicture>> PicturesOfAsync(long incidentId, CancellationToken cancellationToken);

    /// <summary>Adds a hash to the block list; the existing entry when that hash is blocked already.</summary>
    Task<ImageBlock> BlockAsync(ulong hash, long? incidentId, string? note, DateTimeOffset at, string? by, CancellationToken cancellationToken);

    /// <summary>Removes an entry; false when there is none with that id.</summary>
    Task<bool> UnblockAsync(long id, CancellationToken cancellationToken);

    /// <summary>Every entry, oldest first.</summary>
    Task<IReadOnlyList<ImageBlock>> ListAsync(CancellationToken cancellationToken);
}
