namespace BatchFactory;

/// <summary>How EmbedText stores a vector in an entry.</summary>
public enum EmbeddingFormat
{
    /// <summary>A JSON list of numbers: easy to read and to compute with. The default.</summary>
    List,

    /// <summary>Base64 of the little-endian float32 values: about a quarter of the size of a list.</summary>
    Base64,
}
