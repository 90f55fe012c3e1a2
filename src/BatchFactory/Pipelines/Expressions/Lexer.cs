using System.Text;

namespace BatchFactory.Pipelines.Expressions;

/// <summary>Splits an expression into tokens: numbers, quoted strings ('…' or "…", with \ escapes), names and symbols.</summary>
internal static class Lexer
{
    private static readonly string[] Symbols = ["==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "(", ")", "[", "]", ",", "."];

    public static List<Token> Tokens(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || (text[i] == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Number, text[start..i], start));
            }
            else if (c is '\'' or '"')
            {
                var start = i;
                tokens.Add(new Token(TokenKind.String, Quoted(text, ref i), start));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Name, text[start..i], start));
            }
            else
            {
                var symbol = Symbols.FirstOrDefault(s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0)
                    ?? throw new ExpressionException($"unexpected character '{c}'", i);
                tokens.Add(new Token(TokenKind.Symbol, symbol, i));
                i += symbol.Length;
            }
        }

        tokens.Add(new Token(TokenKind.End, string.Empty, text.Length));
        return tokens;
    }

    private static string Quoted(string text, ref int i)
    {
        var start = i;
        var quote = text[i++];
        var value = new StringBuilder();
        while (i < text.Length && text[i] != quote)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
                value.Append(text[i] switch { 'n' => '\n', 't' => '\t', var other => other });
            }
            else
            {
                value.Append(text[i]);
            }

            i++;
        }

        if (i == text.Length)
        {
            throw new ExpressionException("a string is not closed", start);
        }

        i++;
        return value.ToString();
    }
}
