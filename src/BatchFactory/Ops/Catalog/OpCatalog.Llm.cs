using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchFactory.Operators;
using static BatchFactory.Operators.Param;

namespace BatchFactory;

public static partial class OpCatalog
{
    private const string Llm = "Llm";

    private static readonly CallOptions CallDefaults = new();
    private static readonly AskOptions<JsonNode> TypedDefaults = new();

    private static void AddLlm(List<OpDescription> all)
    {
        var prompt = Required("prompt", "string", "the user prompt with {field} placeholders; inline or {file: name.txt}");
        var model = Required("model", "model", "model@provider, e.g. gpt-4o-mini@openai");
        var systemPrompt = Optional("systemPrompt", "string", null, "a system message sent first; part of the cache key");
        var llm = Optional("llm", "map", null, "model settings: temperature, maxTokens, topP, seed, stop, frequencyPenalty, presencePenalty; part of the cache key");
        var sample = Optional("sample", "int", 0L, "which sample of the same prompt this is (N samples are N calls)");
        var requestKey = Optional("requestKey", "string", "llm_request", "the field holding the request");
        var responseKey = Optional("responseKey", "string", "llm_response", "the field holding the response");
        OpParameter[] calls = ModelCallParameters();

        all.Add(Yaml("AskLLM", Llm, "Asks a model per entry (prompt template), cached by request; with `type:` a typed answer checked against the declared type and repaired.",
            [prompt, model, Optional("outputKey", "string", "response", "where the answer goes"),
             Optional("type", "type", null, "a type declared under types: (or a list[...] of one) for a typed answer; stands for C#'s AskLLM<T>"),
             systemPrompt, llm, sample,
             Optional("removeThinking", "bool", false, "untyped: remove <think>…</think> reasoning"),
             Optional("schemaInPrompt", "bool", false, "typed: also state the schema at the end of the prompt"),
             Optional("maxRepairs", "int", (long)TypedDefaults.MaxRepairs, "typed: how many times an invalid answer is sent back, 0–16"),
             Optional("validate", "condition", null, "typed: a condition over `value` (the answer) that must hold; stands for C#'s Validator"),
             Optional("invalidMessage", "string", "The answer does not satisfy: {condition}.", "typed: what the model is told when validate fails ({value} placeholders as in prompts)"),
             .. calls],
            AskLLM));
        all.Add(Yaml("GenerateLLMRequest", Llm, "Builds an LLM request per entry from a prompt template, for CallLLM.",
            [prompt, model, requestKey, systemPrompt, Optional("historyKey", "string", null, "a field holding earlier messages, sent before the prompt"), llm, sample],
            a => Ops.GenerateLLMRequest(a.Text("prompt"), a.Text("model"), a.Text("requestKey"), new RequestOptions { SystemPrompt = a.String("systemPrompt"), HistoryKey = a.String("historyKey"), Llm = LlmOf(a), Sample = a.Int("sample") })));
        all.Add(Yaml("CallLLM", Llm, "Sends each entry's request; answers are served from the project ledger when stored.",
            [requestKey, responseKey, .. calls],
            a => Ops.CallLLM(a.Text("requestKey"), a.Text("responseKey"), new CallOptions { Concurrency = a.Int("concurrency"), OnFailure = a.Enum<OnCallFailure>("onFailure"), ExtraAttempts = a.Int("extraAttempts"), Mode = a.Enum<CallMode>("mode") })));
        all.Add(Yaml("ExtractResponseText", Llm, "Copies the answer text of CallLLM's response to a field.",
            [responseKey, Optional("outputKey", "string", "response", "where the text goes"), Optional("removeThinking", "bool", false, "remove <think>…</think> reasoning")],
            a => Ops.ExtractResponseText(a.Text("responseKey"), a.Text("outputKey"), a.Bool("removeThinking"))));
        all.Add(Yaml("CleanupLLMData", Llm, "Removes the request and response fields an LLM call leaves.", [requestKey, responseKey],
            a => Ops.CleanupLLMData(a.Text("requestKey"), a.Text("responseKey"))));
        all.Add(Yaml("EmbedText", Llm, "Embeds a text field with an embedding model, cached by model and text.",
            [Required("inputKey", "string", "the text field"), Required("model", "model", "model@provider, e.g. text-embedding-3-small@openai"), Optional("outputKey", "string", "embedding", "where the vector goes"),
             OneOf("format", new EmbedOptions().Format, "how the vector is stored: List of numbers or Base64 of float32"), .. calls],
            a => Ops.EmbedText(a.Text("inputKey"), a.Text("model"), a.Text("outputKey"), new EmbedOptions { Format = a.Enum<EmbeddingFormat>("format"), Concurrency = a.Int("concurrency"), OnFailure = a.Enum<OnCallFailure>("onFailure"), ExtraAttempts = a.Int("extraAttempts"), Mode = a.Enum<CallMode>("mode") })));
        all.Add(Yaml("ExtractJson", Llm, "Reads a typed value out of free text (a code block or the first JSON value) and checks it against its type.",
            [Required("inputKey", "string", "the text field"), Optional("outputKey", "string", null, "where the value goes; default in place"), Required("type", "type", "a type declared under types:; stands for C#'s ExtractJson<T>")],
            a => new ExtractJsonOp(a.Text("inputKey"), a.String("outputKey") ?? a.Text("inputKey"), a.Type("type")!, userCode: false)));
    }

    // concurrency, onFailure, extraAttempts and mode: what every model call has (ModelCallOptions).
    private static OpParameter[] ModelCallParameters() =>
    [
        Optional("concurrency", "int", (long)CallDefaults.Concurrency, "requests in flight at once"),
        OneOf("onFailure", CallDefaults.OnFailure, "what a failed request does to its entry: Stay, Retry, Emit (marked) or FailRun"),
        Optional("extraAttempts", "int", (long)CallDefaults.ExtraAttempts, "with onFailure: Retry, how many more tries"),
        OneOf("mode", CallDefaults.Mode, "Live, Batch (the provider's batch API) or Auto; not part of the cache key"),
    ];

    private static Graph AskLLM(OpArgs a)
    {
        if (a.Type("type") is not { } type)
        {
            foreach (var typedOnly in new[] { "schemaInPrompt", "maxRepairs", "validate", "invalidMessage" }.Where(a.Has))
            {
                throw new ArgumentException($"AskLLM: '{typedOnly}' applies only to a typed answer (give 'type').", typedOnly);
            }

            return Ops.AskLLM(a.Text("prompt"), a.Text("model"), a.Text("outputKey"), new AskOptions
            {
                SystemPrompt = a.String("systemPrompt"), Llm = LlmOf(a), Sample = a.Int("sample"), RemoveThinking = a.Bool("removeThinking"),
                Concurrency = a.Int("concurrency"), OnFailure = a.Enum<OnCallFailure>("onFailure"), ExtraAttempts = a.Int("extraAttempts"), Mode = a.Enum<CallMode>("mode"),
            });
        }

        if (a.Has("removeThinking"))
        {
            throw new ArgumentException("AskLLM: 'removeThinking' applies only to an answer without a type.", "removeThinking");
        }

        if (a.Condition("validate") is { } validate)
        {
            var message = new PromptTemplate(a.Text("invalidMessage").Replace("{condition}", a.ConditionText("validate"), StringComparison.Ordinal));
            type = type.WithValidator(value =>
            {
                var answer = new Entry("answer", new JsonObject { ["value"] = value.DeepClone() });
                return validate(answer) ? null : message.Render(answer);
            });
        }

        return Ops.AskLLM(a.Text("prompt"), a.Text("model"), a.Text("outputKey"), new AskOptions<JsonNode>
        {
            SystemPrompt = a.String("systemPrompt"), Llm = LlmOf(a), Sample = a.Int("sample"), SchemaInPrompt = a.Bool("schemaInPrompt"), MaxRepairs = a.Int("maxRepairs"),
            Concurrency = a.Int("concurrency"), OnFailure = a.Enum<OnCallFailure>("onFailure"), ExtraAttempts = a.Int("extraAttempts"), Mode = a.Enum<CallMode>("mode"),
        }, type);
    }

    // The llm: map as LlmOptions, every key checked.
    private static LlmOptions? LlmOf(OpArgs a)
    {
        if (a.Map("llm") is not { } map)
        {
            return null;
        }

        var options = new LlmOptions();
        foreach (var (key, value) in map)
        {
            options = key switch
            {
                "temperature" => options with { Temperature = Number(key, value) },
                "maxTokens" => options with { MaxTokens = checked((int)Integer(key, value)) },
                "topP" => options with { TopP = Number(key, value) },
                "seed" => options with { Seed = Integer(key, value) },
                "stop" => options with { Stop = value is JsonArray list ? list.Select(s => s is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw Bad(key, "a list of strings")).ToArray() : throw Bad(key, "a list of strings") },
                "frequencyPenalty" => options with { FrequencyPenalty = Number(key, value) },
                "presencePenalty" => options with { PresencePenalty = Number(key, value) },
                _ => throw new ArgumentException($"{a.Op.Name}: llm has no setting '{key}'. Known: temperature, maxTokens, topP, seed, stop, frequencyPenalty, presencePenalty.", "llm"),
            };
        }

        return options;

        static double Number(string key, JsonNode? value) =>
            value is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) : throw Bad(key, "a number");

        static long Integer(string key, JsonNode? value) =>
            value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && long.TryParse(v.ToJsonString(), CultureInfo.InvariantCulture, out var n) ? n : throw Bad(key, "a whole number");

        static ArgumentException Bad(string key, string what) => new($"llm.{key} must be {what}.", "llm");
    }
}
