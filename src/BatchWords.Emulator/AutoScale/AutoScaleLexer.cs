using System.Globalization;

namespace BatchWords.Emulator.AutoScale;

public enum TokenKind { Number, Identifier, Text, Symbol, End }

public readonly record struct Token(TokenKind Kind, string Text, int Position)
{
    public double Number => double.Parse(Text, NumberStyles.Float, CultureInfo.InvariantCulture);
    public bool Is(string symbol) => Kind == TokenKind.Symbol && Text == symbol;
    public string Describe => Kind == TokenKind.End ? "the end of the formula" : $"'{Text}' at position {Position + 1}";
}

/// <summary>Splits a formula into tokens; // and /* */ comments are skipped, as in the documented examples.</summary>
public static class AutoScaleLexer
{
    private static readonly string[] Symbols = { "&&", "||", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "(", ")", "?", ":", ";", ",", ".", "=", "!", "[", "]", "{", "}", "^", "&", "|" };

    public static List<Token> Split(string formula)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < formula.Length)
        {
            var c = formula[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '/' && i + 1 < formula.Length && formula[i + 1] == '/')
            {
                while (i < formula.Length && formula[i] != '\n') i++;
                continue;
            }
            if (c == '/' && i + 1 < formula.Length && formula[i + 1] == '*')
            {
                var close = formula.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (close < 0) throw new AutoScaleFormulaException("InvalidFormula", $"The comment that starts at position {i + 1} is not closed with */.");
                i = close + 2;
                continue;
            }
            var start = i;
            if (char.IsDigit(c) || (c == '.' && i + 1 < formula.Length && char.IsDigit(formula[i + 1])))
            {
                while (i < formula.Length && (char.IsDigit(formula[i]) || formula[i] == '.')) i++;
                if (i < formula.Length && formula[i] is 'e' or 'E')
                {
                    i++;
                    if (i < formula.Length && formula[i] is '+' or '-') i++;
                    while (i < formula.Length && char.IsDigit(formula[i])) i++;
                }
                var text = formula[start..i];
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    throw new AutoScaleFormulaException("InvalidFormula", $"'{text}' at position {start + 1} is not a number.");
                tokens.Add(new Token(TokenKind.Number, text, start));
                continue;
            }
            if (c == '$' || c == '_' || char.IsLetter(c))
            {
                i++;
                while (i < formula.Length && (formula[i] == '_' || char.IsLetterOrDigit(formula[i]))) i++;
                tokens.Add(new Token(TokenKind.Identifier, formula[start..i], start));
                continue;
            }
            if (c == '"')
            {
                var close = formula.IndexOf('"', i + 1);
                if (close < 0) throw new AutoScaleFormulaException("InvalidFormula", $"The string that starts at position {i + 1} is not closed.");
                tokens.Add(new Token(TokenKind.Text, formula[(i + 1)..close], start));
                i = close + 1;
                continue;
            }
            var symbol = Symbols.FirstOrDefault(s => string.CompareOrdinal(formula, i, s, 0, s.Length) == 0)
                ?? throw new AutoScaleFormulaException("InvalidFormula", $"'{c}' at position {i + 1} is not part of the formula language.");
            tokens.Add(new Token(TokenKind.Symbol, symbol, start));
            i += symbol.Length;
        }
        tokens.Add(new Token(TokenKind.End, "", formula.Length));
        return tokens;
    }
}
