using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Primitives;

namespace GroupGuard.Host.Digests;

/// <summary>
/// The default leader (and its file channel) as a configuration source whose keys are there only
/// while no other source names a leader (nothing under <c>GroupGuard:Leaders</c>). Asked at every
/// read rather than once at start: an in-memory source added after appsettings.json outranked
/// it, so a leader added to the file later was merged into the default one, key by key (its name,
/// "*" as its first group, the file as its first channel).
/// </summary>
internal sealed class DefaultLeaderSource(IReadOnlyDictionary<string, string?> defaults) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) =>
        new Provider(
            builder as IConfigurationRoot ?? throw new InvalidOperationException("The default leader is added to a ConfigurationManager, which it reads the other sources of."),
            defaults);

    private sealed class Provider(IConfigurationRoot root, IReadOnlyDictionary<string, string?> defaults) : IConfigurationProvider
    {
        // What is set through the configuration itself (configuration[key] = value sets it in every source).
        private readonly MemoryConfigurationProvider _set = new(new MemoryConfigurationSource());
        private readonly MemoryConfigurationProvider _defaults = new(new MemoryConfigurationSource { InitialData = defaults });

        /// <summary>Whether no other source, and nothing set, names a leader.</summary>
        private bool Applies => !NamesLeader(_set) && !root.Providers.Any(p => !ReferenceEquals(p, this) && NamesLeader(p));

        private static bool NamesLeader(IConfigurationProvider provider) =>
            provider.GetChildKeys([], DigestRegistration.LeadersSection).Any();

        public bool TryGet(string key, out string? value)
        {
            if (_set.TryGet(key, out value))
            {
                return true;
            }

            if (_defaults.TryGet(key, out var fallback) && Applies)
            {
                value = fallback;
                return true;
            }

            value = null;
            return false;
        }

        public void Set(string key, string? value) => _set.Set(key, value);

        public IChangeToken GetReloadToken() => _set.GetReloadToken();

        public void Load()
        {
        }

        public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
        {
            var keys = _set.GetChildKeys(earlierKeys, parentPath);
            return _defaults.GetChildKeys([], parentPath).Any() && Applies ? _defaults.GetChildKeys(keys, parentPath) : keys;
        }
    }
}
