using System.Text.Json;
using System.Text.Json.Serialization;

namespace BatchFactory.Reporting;

/// <summary>An enum written and read as its camel-case name (<c>completedWithFailures</c>), without reflection.</summary>
/// <typeparam name="TEnum">The enum.</typeparam>
internal sealed class CamelCaseEnum<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase)
    where TEnum : struct, Enum;
