namespace BatchFactory.Operators;

/// <summary>
/// The type of a CSV column, declared or inferred from its values: the narrowest of long, double and bool that every
/// non-empty value of the column parses as, else string. Empty values are null in every kind. A number with a leading
/// zero (<c>007</c>) is text, so identifiers and codes keep their digits.
/// </summary>
internal enum CsvColumnKind
{
    /// <summary>Only empty values seen so far: every value is null.</summary>
    Empty,

    /// <summary>64-bit integers.</summary>
    Long,

    /// <summary>Floating-point numbers (finite).</summary>
    Double,

    /// <summary>Exact decimal numbers (declared only).</summary>
    Decimal,

    /// <summary><c>true</c> or <c>false</c>, in any case.</summary>
    Bool,

    /// <summary>Text, as it is.</summary>
    String,
}
