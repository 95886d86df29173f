namespace BatchWords.Emulator.AutoScale;

/// <summary>
/// Recursive descent over the documented grammar: statements "name = expression" separated by ';'; expressions
/// with ?:, ||, &&, ==, !=, &lt;, &lt;=, &gt;, &gt;=, +, -, *, /, unary - and !, parentheses, function calls,
/// method calls on sampled metrics ($PendingTasks.GetSample(1)) and timestamp fields ($curTime.hour). Each
/// expression becomes a closure, so only the taken branch of ?: is evaluated (the documented examples rely on it:
/// "percent &lt; 70 ? 1 : avg($PendingTasks.GetSample(...))"). Anything else is refused by name.
/// </summary>
public sealed class AutoScaleParser
{
    private readonly List<Token> _tokens;
    private int _next;

    private AutoScaleParser(List<Token> tokens) => _tokens = tokens;

    /// <summary>The statements in order: the variable each assigns and how to compute its value.</summary>
    public static IReadOnlyList<(string Variable, Func<AutoScaleScope, AutoScaleValue> Value)> Parse(string formula)
    {
        var parser = new AutoScaleParser(AutoScaleLexer.Split(formula));
        var statements = new List<(string, Func<AutoScaleScope, AutoScaleValue>)>();
        while (true)
        {
            while (parser.Peek.Is(";")) parser._next++;
            if (parser.Peek.Kind == TokenKind.End) break;
            statements.Add(parser.Statement());
            if (parser.Peek.Kind == TokenKind.End) break;
            parser.Expect(";", "between statements");
        }
        if (statements.Count == 0) throw new AutoScaleFormulaException("InvalidFormula", "The formula has no statement; assign at least $TargetDedicatedNodes or $TargetLowPriorityNodes.");
        return statements;
    }

    private Token Peek => _tokens[_next];

    private Token Take() => _tokens[_next++];

    private void Expect(string symbol, string where)
    {
        var token = Take();
        if (!token.Is(symbol))
            throw new AutoScaleFormulaException("InvalidFormula", $"Expected '{symbol}' {where}, found {token.Describe}.");
    }

    private (string, Func<AutoScaleScope, AutoScaleValue>) Statement()
    {
        var name = Take();
        if (name.Kind != TokenKind.Identifier)
            throw new AutoScaleFormulaException("InvalidFormula", $"A statement starts with the variable it assigns, found {name.Describe}.");
        if (AutoScaleBuiltins.IsReadOnly(name.Text))
            throw new AutoScaleFormulaException("ReadOnlyVariable", $"{name.Text} is set by the service and cannot be assigned (at position {name.Position + 1}).");
        Expect("=", $"after {name.Text}");
        return (name.Text, Expression());
    }

    private Func<AutoScaleScope, AutoScaleValue> Expression()
    {
        var condition = Or();
        if (!Peek.Is("?")) return condition;
        _next++;
        var whenTrue = Expression();
        Expect(":", "in a conditional (a ? b : c)");
        var whenFalse = Expression();
        return scope => condition(scope).IsTrue("the condition of ?:") ? whenTrue(scope) : whenFalse(scope);
    }

    private Func<AutoScaleScope, AutoScaleValue> Or() => Binary(And, "||");
    private Func<AutoScaleScope, AutoScaleValue> And() => Binary(Equality, "&&");
    private Func<AutoScaleScope, AutoScaleValue> Equality() => Binary(Comparison, "==", "!=");
    private Func<AutoScaleScope, AutoScaleValue> Comparison() => Binary(Additive, "<", "<=", ">", ">=");
    private Func<AutoScaleScope, AutoScaleValue> Additive() => Binary(Multiplicative, "+", "-");
    private Func<AutoScaleScope, AutoScaleValue> Multiplicative() => Binary(Unary, "*", "/");

    private Func<AutoScaleScope, AutoScaleValue> Binary(Func<Func<AutoScaleScope, AutoScaleValue>> operand, params string[] operators)
    {
        var left = operand();
        while (Peek.Kind == TokenKind.Symbol && operators.Contains(Peek.Text))
        {
            var op = Take().Text;
            var right = operand();
            var l = left;
            left = op switch
            {
                // Short-circuit, as C-like languages do: the right side is not evaluated when the left decides.
                "&&" => scope => AutoScaleValue.Of(l(scope).IsTrue("&&") && right(scope).IsTrue("&&")),
                "||" => scope => AutoScaleValue.Of(l(scope).IsTrue("||") || right(scope).IsTrue("||")),
                _ => scope => AutoScaleOperators.Apply(op, l(scope), right(scope)),
            };
        }
        RefuseUnsupportedOperator();
        return left;
    }

    private void RefuseUnsupportedOperator()
    {
        if (Peek.Kind == TokenKind.Symbol && Peek.Text is "%" or "^" or "&" or "|" or "[" or "]" or "{" or "}")
            throw new AutoScaleFormulaException("UnsupportedConstruct", $"The operator {Peek.Describe} is not supported by the emulator's formula evaluator.");
    }

    private Func<AutoScaleScope, AutoScaleValue> Unary()
    {
        if (Peek.Is("-"))
        {
            _next++;
            var operand = Unary();
            return scope => AutoScaleOperators.Negate(operand(scope));
        }
        if (Peek.Is("!"))
        {
            _next++;
            var operand = Unary();
            return scope => AutoScaleValue.Of(!operand(scope).IsTrue("!"));
        }
        return Postfix();
    }

    private Func<AutoScaleScope, AutoScaleValue> Postfix()
    {
        var target = Primary();
        while (Peek.Is("."))
        {
            _next++;
            var member = Take();
            if (member.Kind != TokenKind.Identifier) throw new AutoScaleFormulaException("InvalidFormula", $"Expected a method or field name after '.', found {member.Describe}.");
            var receiver = target;
            if (Peek.Is("("))
            {
                var arguments = Arguments();
                target = scope => AutoScaleBuiltins.CallMethod(receiver(scope), member.Text, arguments.Select(a => a(scope)).ToList(), scope);
            }
            else target = scope => AutoScaleBuiltins.Field(receiver(scope), member.Text);
        }
        return target;
    }

    private List<Func<AutoScaleScope, AutoScaleValue>> Arguments()
    {
        Expect("(", "before the arguments");
        var arguments = new List<Func<AutoScaleScope, AutoScaleValue>>();
        if (Peek.Is(")")) { _next++; return arguments; }
        while (true)
        {
            arguments.Add(Expression());
            if (Peek.Is(",")) { _next++; continue; }
            Expect(")", "after the arguments");
            return arguments;
        }
    }

    private Func<AutoScaleScope, AutoScaleValue> Primary()
    {
        var token = Take();
        switch (token.Kind)
        {
            case TokenKind.Number:
                var number = AutoScaleValue.Of(token.Number);
                return _ => number;
            case TokenKind.Text:
                var text = AutoScaleValue.OfText(token.Text);
                return _ => text;
            case TokenKind.Identifier when Peek.Is("("):
                var arguments = Arguments();
                AutoScaleBuiltins.CheckFunction(token.Text);
                return scope => AutoScaleBuiltins.CallFunction(token.Text, arguments.Select(a => a(scope)).ToList(), scope);
            case TokenKind.Identifier:
                return scope => scope.Read(token.Text);
            case TokenKind.Symbol when token.Text == "(":
                var inner = Expression();
                Expect(")", "to close the parenthesis");
                return inner;
            default:
                throw new AutoScaleFormulaException(token.Kind == TokenKind.End ? "InvalidFormula" : "UnsupportedConstruct",
                    $"Expected a value, found {token.Describe}.");
        }
    }
}
