using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Primitives;

namespace GroupGuard.Host.Digests;

/// <summary>
/// Defaults of a fresh install (the default leader and its file channel; the default alert and its
/// file) as a configuration source whose keys are there only while no other source names anything
/// under any of <paramref name="unlessNamed"/> (<c>GroupGuard:Leaders</c>; for the alert also
/// <c>GroupGuard:Alerts</c>). Asked at every read rather than once at start: an in-memory source
/// added after appsettings.json outranked it, so a leader added to the file later was merged into
/// the default one, key by key (its name, "*" as its first group, the file as its first channel).
/// Other sources of this kind do not count as naming anything, and a key another source gives
/// is theirs, even from a source added before.
/// </summary>
internal sealed class DefaultSettingsSource(IReadOnlyDictionary<string, string?> defaults, IReadOnlyList<string> unlessNamed) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) =>
        new Provider(
            builder as IConfigurationRoot ?? throw new InvalidOperationException("The defaults are added to a ConfigurationManager, which they read the other sources of."),
            defaults,
            unlessNamed);

    private sealed class Provider(IConfigurationRoot root, IReadOnlyDictionary<string, string?> defaults, IReadOnlyList<string> unlessNamed) : IConfigurationProvider
    {
        // What is set through the configuration itself (configuration[key] = value sets it in every source).
        private readonly MemoryConfigurationProvider _set = new(new MemoryConfigurationSource());
        private readonly MemoryConfigurationProvider _defaults = new(new MemoryConfigurationSource { InitialData = defaults });

        /// <summary>Whether no other source (defaults aside), and nothing set, names anything under the sections.</summary>
        private bool Applies => !Names(_set) && !root.Providers.Any(p => p is not Provider && Names(p));

        private bool Names(IConfigurationProvider provider) =>
            unlessNamed.Any(section => provider.GetChildKeys([], section).Any());

        public bool TryGet(string key, out string? value)
        {
            if (_set.TryGet(key, out value))
            {
                return true;
            }

            // A default is a fallback: a key another source gives (the default alert file's Path set
            // in the environment, say) is theirs, whatever the order of the sources.
            if (_defaults.TryGet(key, out var fallback) && Applies && !root.Providers.Any(p => p is not Provider && p.TryGet(key, out _)))
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
