namespace BatchFactory.Pipelines.Expressions;

/// <summary>One token of an expression: its kind, its text (a string literal's unquoted value) and where it starts.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Offset);

/// <summary>The kinds of token.</summary>
internal enum TokenKind
{
    Number,
    String,
    Name,
    Symbol,
    End,
}
