using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchWords.Emulator.Http;

namespace BatchWords.Emulator.Query;

/// <summary>
/// The $filter subset Batch lists accept (§3): comparisons (eq ne gt ge lt le), startswith(prop,'x'), and/or/not
/// and parentheses over property paths such as executionInfo/exitCode, with string, integer, boolean, null and
/// datetime'…' literals. It is evaluated against the entity's wire JSON, so property names are the wire names.
/// Strings compare ignoring case: ids are case-insensitive and enum values are written 'Failure' in samples.
/// A property outside the list's allow-list is 400 InvalidQueryParameterValue, as on Azure.
/// </summary>
public sealed class ODataFilter
{
    private readonly Node _root;

    private ODataFilter(Node root) => _root = root;

    public static ODataFilter Parse(string text, IReadOnlySet<string> allowedProperties)
    {
        try
        {
            var parser = new Parser(Tokenize(text), allowedProperties);
            var root = parser.ParseOr();
            parser.ExpectEnd();
            return new ODataFilter(root);
        }
        catch (FilterSyntaxException e)
        {
            throw BatchRequestException.InvalidQuery("$filter", text, e.Message);
        }
    }

    public bool Matches(JsonObject entity) => _root.Evaluate(new JsonFilterSubject(entity)) is true;

    /// <summary>Evaluated on values read straight from an entity, without building its wire JSON first.</summary>
    public bool Matches(IFilterSubject entity) => _root.Evaluate(entity) is true;

    // ---- syntax tree ----

    private abstract record Node
    {
        public abstract object? Evaluate(IFilterSubject entity);
    }

    private sealed record And(Node Left, Node Right) : Node
    {
        public override object? Evaluate(IFilterSubject e) => Left.Evaluate(e) is true && Right.Evaluate(e) is true;
    }

    private sealed record Or(Node Left, Node Right) : Node
    {
        public override object? Evaluate(IFilterSubject e) => Left.Evaluate(e) is true || Right.Evaluate(e) is true;
    }

    private sealed record Not(Node Operand) : Node
    {
        public override object? Evaluate(IFilterSubject e) => Operand.Evaluate(e) is not true;
    }

    private sealed record Literal(object? Value) : Node
    {
        public override object? Evaluate(IFilterSubject e) => Value;
    }

    private sealed record Property(string Path) : Node
    {
        public override object? Evaluate(IFilterSubject e) => e.Value(Path);
    }

    private sealed record StartsWith(Node Subject, Node Prefix) : Node
    {
        public override object? Evaluate(IFilterSubject e) =>
            Subject.Evaluate(e) is string s && Prefix.Evaluate(e) is string p && s.StartsWith(p, StringComparison.OrdinalIgnoreCase);
    }

    private sealed record Comparison(string Operator, Node Left, Node Right) : Node
    {
        public override object? Evaluate(IFilterSubject e)
        {
            var left = Left.Evaluate(e);
            var right = Right.Evaluate(e);
            if (left is null || right is null)
            {
                // OData: null equals only null; ordering comparisons with null are false.
                return Operator switch { "eq" => left is null && right is null, "ne" => !(left is null && right is null), _ => false };
            }
            var order = Compare(left, right);
            if (order is null) return Operator == "ne";
            return Operator switch
            {
                "eq" => order == 0, "ne" => order != 0, "gt" => order > 0, "ge" => order >= 0, "lt" => order < 0, "le" => order <= 0,
                _ => false,
            };
        }

        private static int? Compare(object left, object right)
        {
            switch (left, right)
            {
                case (decimal a, decimal b): return a.CompareTo(b);
                case (bool a, bool b): return a.CompareTo(b);
                case (DateTimeOffset a, DateTimeOffset b): return a.CompareTo(b);
                case (string a, DateTimeOffset b): return TryTime(a, out var t) ? t.CompareTo(b) : null;
                case (DateTimeOffset a, string b): return TryTime(b, out var t2) ? a.CompareTo(t2) : null;
                case (string a, string b): return string.Compare(a, b, StringComparison.OrdinalIgnoreCase);
                case (string a, decimal b): return decimal.TryParse(a, NumberStyles.Number, CultureInfo.InvariantCulture, out var n) ? n.CompareTo(b) : null;
                default: return null;
            }
        }

        private static bool TryTime(string text, out DateTimeOffset time) =>
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }

    // ---- tokens ----

    private enum Kind { Identifier, String, Number, DateTime, OpenParen, CloseParen, Comma, End }

    private readonly record struct Token(Kind Kind, string Text);

    private sealed class FilterSyntaxException(string message) : Exception(message);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '(') { tokens.Add(new(Kind.OpenParen, "(")); i++; continue; }
            if (c == ')') { tokens.Add(new(Kind.CloseParen, ")")); i++; continue; }
            if (c == ',') { tokens.Add(new(Kind.Comma, ",")); i++; continue; }
            if (c == '\'')
            {
                tokens.Add(new(Kind.String, ReadQuoted(text, ref i)));
                continue;
            }
            if (char.IsDigit(c) || (c == '-' && i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                var start = i++;
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.')) i++;
                tokens.Add(new(Kind.Number, text[start..i]));
                continue;
            }
            if (char.IsLetter(c) || c == '_' || c == '$')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '/' or '.' or '$')) i++;
                var word = text[start..i];
                if (string.Equals(word, "datetime", StringComparison.OrdinalIgnoreCase) && i < text.Length && text[i] == '\'')
                {
                    tokens.Add(new(Kind.DateTime, ReadQuoted(text, ref i)));
                    continue;
                }
                tokens.Add(new(Kind.Identifier, word));
                continue;
            }
            throw new FilterSyntaxException($"Unexpected character '{c}' at position {i}.");
        }
        tokens.Add(new(Kind.End, ""));
        return tokens;
    }

    /// <summary>A single-quoted literal; '' inside it is one quote.</summary>
    private static string ReadQuoted(string text, ref int i)
    {
        var builder = new System.Text.StringBuilder();
        i++; // opening quote
        while (true)
        {
            if (i >= text.Length) throw new FilterSyntaxException("A string literal is not closed.");
            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'') { builder.Append('\''); i += 2; continue; }
                i++;
                return builder.ToString();
            }
            builder.Append(text[i++]);
        }
    }

    // ---- recursive descent: or > and > not > comparison > primary ----

    private sealed class Parser(List<Token> tokens, IReadOnlySet<string> allowed)
    {
        private static readonly HashSet<string> Operators = new(StringComparer.OrdinalIgnoreCase) { "eq", "ne", "gt", "ge", "lt", "le" };
        private int _position;

        private Token Peek => tokens[_position];

        private bool IsKeyword(string word) => Peek.Kind == Kind.Identifier && string.Equals(Peek.Text, word, StringComparison.OrdinalIgnoreCase);

        public void ExpectEnd()
        {
            if (Peek.Kind != Kind.End) throw new FilterSyntaxException($"Unexpected '{Peek.Text}'.");
        }

        public Node ParseOr()
        {
            var left = ParseAnd();
            while (IsKeyword("or")) { _position++; left = new Or(left, ParseAnd()); }
            return left;
        }

        private Node ParseAnd()
        {
            var left = ParseNot();
            while (IsKeyword("and")) { _position++; left = new And(left, ParseNot()); }
            return left;
        }

        private Node ParseNot()
        {
            if (IsKeyword("not")) { _position++; return new Not(ParseNot()); }
            return ParseComparison();
        }

        private Node ParseComparison()
        {
            var left = ParsePrimary();
            if (Peek.Kind == Kind.Identifier && Operators.Contains(Peek.Text))
            {
                var op = tokens[_position++].Text.ToLowerInvariant();
                return new Comparison(op, left, ParsePrimary());
            }
            return left;
        }

        private Node ParsePrimary()
        {
            var token = tokens[_position++];
            switch (token.Kind)
            {
                case Kind.OpenParen:
                    var inner = ParseOr();
                    Expect(Kind.CloseParen);
                    return inner;
                case Kind.String:
                    return new Literal(token.Text);
                case Kind.Number:
                    return new Literal(decimal.Parse(token.Text, NumberStyles.Number, CultureInfo.InvariantCulture));
                case Kind.DateTime:
                    if (!DateTimeOffset.TryParse(token.Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                        throw new FilterSyntaxException($"'{token.Text}' is not a datetime.");
                    return new Literal(time);
                case Kind.Identifier:
                    if (string.Equals(token.Text, "startswith", StringComparison.OrdinalIgnoreCase) && Peek.Kind == Kind.OpenParen)
                    {
                        _position++;
                        var subject = ParseOr();
                        Expect(Kind.Comma);
                        var prefix = ParseOr();
                        Expect(Kind.CloseParen);
                        return new StartsWith(subject, prefix);
                    }
                    if (string.Equals(token.Text, "true", StringComparison.OrdinalIgnoreCase)) return new Literal(true);
                    if (string.Equals(token.Text, "false", StringComparison.OrdinalIgnoreCase)) return new Literal(false);
                    if (string.Equals(token.Text, "null", StringComparison.OrdinalIgnoreCase)) return new Literal(null);
                    if (!allowed.Contains(token.Text))
                        throw new FilterSyntaxException($"The property '{token.Text}' cannot be used in $filter here. Allowed: {string.Join(", ", allowed.Order())}.");
                    return new Property(token.Text.ToLowerInvariant());
                default:
                    throw new FilterSyntaxException(token.Kind == Kind.End ? "The filter ends too early." : $"Unexpected '{token.Text}'.");
            }
        }

        private void Expect(Kind kind)
        {
            if (Peek.Kind != kind) throw new FilterSyntaxException($"Expected '{kind}' but found '{Peek.Text}'.");
            _position++;
        }
    }
}
