using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GroupGuard.Core;

/// <summary>
/// The configuration binder ignores, without a word, one plain value where a setting takes a list:
/// <c>GroupGuard__Console__TrustedProxies=127.0.0.1</c> (a list in environment variables is
/// written <c>…__TrustedProxies__0=127.0.0.1</c>) or <c>"To": "wang@example.com"</c> leaves the
/// list empty, and the service runs as if it had never been set. This check walks a kind of
/// settings and its section side by side and names each such key, saying how a list is written.
/// </summary>
public static class SettingsShape
{
    /// <summary>How deep settings nest at most (a leader's channels, a connection's options): deeper is not looked at.</summary>
    private const int MaxDepth = 8;

    /// <summary>Adds to <paramref name="failures"/> each key under <paramref name="section"/> that holds one value where <paramref name="type"/> takes a list or a map.</summary>
    public static void Check(IConfigurationSection section, Type type, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(failures);
        CheckValue(section, type, failures, 0);
    }

    private static void CheckValue(IConfigurationSection section, Type type, List<string> failures, int depth)
    {
        if (depth > MaxDepth || IsPlain(type))
        {
            return;
        }

        var children = section.GetChildren().ToList();
        if (ItemType(type) is { } item)
        {
            if (!string.IsNullOrWhiteSpace(section.Value))
            {
                // Beside entries from another source too (a variable over a JSON list), it is ignored.
                failures.Add(Describe(section.Path, IsMap(type)));
            }

            foreach (var child in children)
            {
                CheckValue(child, item, failures, depth + 1);
            }

            return;
        }

        foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || IsPlain(property.PropertyType))
            {
                continue;
            }

            var child = children.FirstOrDefault(c => string.Equals(c.Key, property.Name, StringComparison.OrdinalIgnoreCase));
            if (child is not null)
            {
                CheckValue(child, property.PropertyType, failures, depth + 1);
            }
        }
    }

    /// <summary>What the operator is told: the key, that it is ignored, and how a list (or a map) is written in JSON and in environment variables.</summary>
    internal static string Describe(string path, bool map)
    {
        var variable = path.Replace(":", "__", StringComparison.Ordinal);
        return map
            ? $"{path} holds one value where it takes named entries, and would be ignored: write it as an object of entries (JSON \"{Last(path)}\": {{ \"name\": … }}; environment {variable}__<name>__…)"
            : $"{path} holds one value where it takes a list, and would be ignored: write it as a list (JSON \"{Last(path)}\": [ … ]; environment {variable}__0=…, {variable}__1=…)";
    }

    private static string Last(string path) => path[(path.LastIndexOf(':') + 1)..];

    /// <summary>Values the binder reads from one string: no list, no nested settings in them.</summary>
    private static bool IsPlain(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)
            || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(Uri) || t == typeof(Guid) || t == typeof(object);
    }

    /// <summary>A map's value type or a list's item type; null for anything else.</summary>
    private static Type? ItemType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        return MapValueType(type) ?? Generic(type, typeof(IEnumerable<>))?.GetGenericArguments()[0] ?? typeof(object);
    }

    /// <summary>A map's value type (<c>IDictionary&lt;string, V&gt;</c> and kin); null for anything else.</summary>
    private static Type? MapValueType(Type type) =>
        (Generic(type, typeof(IDictionary<,>)) ?? Generic(type, typeof(IReadOnlyDictionary<,>)))?.GetGenericArguments()[1];

    private static bool IsMap(Type type) => MapValueType(type) is not null;

    /// <summary><paramref name="type"/> itself or the interface of it that is <paramref name="definition"/> closed, or null.</summary>
    private static Type? Generic(Type type, Type definition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == definition
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/>, as <c>Bind</c> does, and
    /// fails them (at start: naming the key; on a reload: the last good settings stay) when a key
    /// holds one value where they take a list.
    /// </summary>
    public static OptionsBuilder<TOptions> BindChecked<TOptions>(this OptionsBuilder<TOptions> builder, IConfigurationSection section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new SettingsShapeValidator<TOptions>(section)));
        return builder.Bind(section);
    }
}

/// <summary>Fails <typeparamref name="TOptions"/> when <see cref="SettingsShape"/> finds a key of its section holding one value where a list is taken.</summary>
public sealed class SettingsShapeValidator<TOptions>(IConfigurationSection section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = new List<string>();
        SettingsShape.Check(section, typeof(TOptions), failures);
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
