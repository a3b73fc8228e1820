using System.Security.Cryptography;

namespace GroupGuard.Host;

/// <summary>
/// The name this instance goes by: <c>GroupGuard:InstanceId</c>, or one made up at start (the
/// machine's name and eight random hex digits). Quartz's cluster table lists the instance under it,
/// and the incidents whose actions it is to carry out record it as their owner
/// (<see cref="Core.Incident.ActionOwner"/>), so that another instance on the same database takes
/// them over only once this one has stopped checking in.
/// </summary>
internal sealed record InstanceIdentity(string Id)
{
    /// <summary>
    /// Whether the id was made up at this start (<see cref="Generate"/>), so that no process before
    /// this one went by it: what it owns is this process's own, whatever the clock did meanwhile.
    /// A configured id is the same across restarts.
    /// </summary>
    public bool Generated { get; init; }

    /// <summary>The id set in <paramref name="configuration"/>, trimmed; else a new one.</summary>
    public static InstanceIdentity From(IConfiguration configuration)
    {
        var configured = configuration[HostServiceCollectionExtensions.InstanceIdKey];
        return string.IsNullOrWhiteSpace(configured)
            ? new InstanceIdentity(Generate(Environment.MachineName)) { Generated = true }
            : new InstanceIdentity(configured.Trim());
    }

    /// <summary>
    /// <paramref name="machine"/>'s letters, digits, '-', '_' and '.' (at most 40), a '-' and eight
    /// random hex digits: within what <c>GroupGuard:InstanceId</c> allows, and new at each start.
    /// </summary>
    internal static string Generate(string? machine)
    {
        var name = new string([.. (machine ?? "").Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').Take(40)]);
        return $"{(name.Length == 0 ? "groupguard" : name)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
    }
}
