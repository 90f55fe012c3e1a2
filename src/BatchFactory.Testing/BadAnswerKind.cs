namespace BatchFactory.Testing;

/// <summary>
/// How <see cref="OpenAICompatibleServer"/> answers a request with a JSON schema badly, when
/// <see cref="TestServerOptions.BadAnswers"/> says so. Each is made from the valid answer the request would get.
/// </summary>
public enum BadAnswerKind
{
    /// <summary>Prose instead of JSON.</summary>
    NotJson,

    /// <summary>The valid JSON in a fenced code block between two sentences of prose.</summary>
    ProseWrapped,

    /// <summary>The first half of the valid JSON, as if the answer was cut off.</summary>
    Truncated,

    /// <summary>The valid JSON without the first required member of its first object that has one.</summary>
    MissingRequired,

    /// <summary>The valid JSON with the value of the first member of its first object of the wrong type (a number for a string, else a string).</summary>
    WrongType,

    /// <summary>The valid JSON with the first number that has a <c>maximum</c> (else a <c>minimum</c>) set just outside it; a schema without such a number gets <see cref="WrongType"/>.</summary>
    OutOfRange,

    /// <summary>The valid JSON with an extra member <c>"unexpected": true</c> in its first object.</summary>
    ExtraMember,
}
