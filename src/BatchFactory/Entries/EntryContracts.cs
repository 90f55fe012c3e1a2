using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BatchFactory.Entries;

/// <summary>
/// Where entry values get their JSON contracts: the resolvers the user gave (<see cref="RunOptions.JsonTypeInfoResolver"/>,
/// <see cref="AskOptions{T}.JsonTypeInfo"/>), then the library's own (<see cref="EntryJson"/>), then reflection, but only
/// where the app allows reflection-based serialisation (<see cref="JsonSerializer.IsReflectionEnabledByDefault"/>: off in
/// native AOT and trimmed apps, and in file-based apps, which default to <c>PublishAot</c>). A type none of them knows is
/// a <see cref="MissingContractException"/> that names it and says how to give its contract.
/// </summary>
internal sealed class EntryContracts : IJsonTypeInfoResolver
{
    private readonly Lock _lock = new();
    private readonly bool _reflectionAllowed;
    private ImmutableArray<IJsonTypeInfoResolver> _user = [];
    private IJsonTypeInfoResolver? _reflection;

    /// <summary>Contracts that fall back to reflection where the app allows it.</summary>
    public EntryContracts()
        : this(JsonSerializer.IsReflectionEnabledByDefault)
    {
    }

    /// <summary>Contracts that fall back to reflection only if <paramref name="reflectionAllowed"/> (tests stand for an AOT app with <see langword="false"/>).</summary>
    internal EntryContracts(bool reflectionAllowed) => _reflectionAllowed = reflectionAllowed && JsonSerializer.IsReflectionEnabledByDefault;

    /// <summary>Adds a resolver, asked before those added earlier and before the library's; adding one again does nothing.</summary>
    public void Add(IJsonTypeInfoResolver resolver)
    {
        lock (_lock)
        {
            if (!_user.Contains(resolver))
            {
                _user = _user.Insert(0, resolver);
            }
        }
    }

    /// <inheritdoc/>
    /// <exception cref="MissingContractException">No resolver knows <paramref name="type"/> and reflection is off.</exception>
    public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options)
    {
        foreach (var resolver in _user)
        {
            if (resolver.GetTypeInfo(type, options) is { } info)
            {
                return info;
            }
        }

        if (((IJsonTypeInfoResolver)EntryJson.Default).GetTypeInfo(type, options) is { } own)
        {
            return own;
        }

        return _reflectionAllowed ? Reflection().GetTypeInfo(type, options) : throw NoContract(type);
    }

    /// <summary>The error for a type whose contract nobody gave in an app without reflection-based serialisation.</summary>
    public static MissingContractException NoContract(Type type)
    {
        var name = JsonFieldCodec.Describe(type);
        return new MissingContractException(
            $"{name} has no JSON contract: this app turns reflection-based JSON serialisation off (native AOT or trimmed, or a " +
            $"file-based app run with 'dotnet run app.cs', which defaults to PublishAot). Give its contract: a JsonSerializerContext " +
            $"with [JsonSerializable(typeof({name}))] as RunOptions.JsonTypeInfoResolver (or its JsonTypeInfo as AskOptions.JsonTypeInfo " +
            $"of a typed answer), or turn reflection on (#:property JsonSerializerIsReflectionEnabledByDefault=true).");
    }

    // Reached only when the app allows reflection-based serialisation, which a trimmed or native AOT app does not.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only used when JsonSerializer.IsReflectionEnabledByDefault (see the constructor), which trimmed apps turn off.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only used when JsonSerializer.IsReflectionEnabledByDefault (see the constructor), which native AOT apps turn off.")]
    private IJsonTypeInfoResolver Reflection() => _reflection ??= new DefaultJsonTypeInfoResolver();
}
