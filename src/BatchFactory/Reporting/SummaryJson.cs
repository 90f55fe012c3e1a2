using System.Text.Json;
using System.Text.Json.Serialization;

namespace BatchFactory.Reporting;

/// <summary>
/// The source-generated contract of <see cref="RunSummary"/>'s JSON (camel-case names, indented, enums as camel-case
/// names), so <see cref="RunSummary.ToJson"/> and <see cref="RunSummary.FromJson"/> need no reflection and work in
/// trimmed and native AOT apps and in file-based apps, which turn reflection-based serialisation off.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    WriteIndented = true,
    Converters = [typeof(CamelCaseEnum<RunStatus>)])]
[JsonSerializable(typeof(RunSummary))]
internal sealed partial class SummaryJson : JsonSerializerContext;
