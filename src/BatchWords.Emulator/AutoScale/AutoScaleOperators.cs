namespace BatchWords.Emulator.AutoScale;

/// <summary>
/// The documented operator table: arithmetic and comparisons on doubles; doubleVec with a double element-wise;
/// timeinterval scaled by a double and added to or compared with another; timestamp ± timeinterval and
/// timestamp − timestamp. Other pairs are refused with both type names.
/// </summary>
public static class AutoScaleOperators
{
    public static AutoScaleValue Negate(AutoScaleValue value) => value.Kind switch
    {
        AutoScaleKind.Interval => AutoScaleValue.Of(-value.Interval),
        AutoScaleKind.Vector => AutoScaleValue.Of(value.Vector.Select(v => -v).ToList()),
        _ => AutoScaleValue.Of(-value.AsNumber("unary -")),
    };

    public static AutoScaleValue Apply(string op, AutoScaleValue left, AutoScaleValue right)
    {
        var (l, r) = (left.Kind, right.Kind);
        if (IsNumeric(left) && IsNumeric(right)) return Numbers(op, left.AsNumber(op), right.AsNumber(op));
        if (l == AutoScaleKind.Vector && IsNumeric(right)) return Vector(op, left.Vector, x => Numbers(op, x, right.AsNumber(op)).Number);
        if (IsNumeric(left) && r == AutoScaleKind.Vector) return Vector(op, right.Vector, x => Numbers(op, left.AsNumber(op), x).Number);
        if (l == AutoScaleKind.Interval && r == AutoScaleKind.Interval)
        {
            return op switch
            {
                "+" => AutoScaleValue.Of(left.Interval + right.Interval),
                "-" => AutoScaleValue.Of(left.Interval - right.Interval),
                "/" => AutoScaleValue.Of(left.Interval / right.Interval),
                _ => Numbers(op, left.Interval.Ticks, right.Interval.Ticks, arithmetic: false) ?? throw Mismatch(op, left, right),
            };
        }
        if (l == AutoScaleKind.Interval && IsNumeric(right) && op is "*" or "/")
            return AutoScaleValue.Of(op == "*" ? left.Interval * right.AsNumber(op) : left.Interval / right.AsNumber(op));
        if (IsNumeric(left) && r == AutoScaleKind.Interval && op == "*") return AutoScaleValue.Of(right.Interval * left.AsNumber(op));
        if (l == AutoScaleKind.Timestamp && r == AutoScaleKind.Interval && op is "+" or "-")
            return AutoScaleValue.Of(op == "+" ? left.Timestamp + right.Interval : left.Timestamp - right.Interval);
        if (l == AutoScaleKind.Timestamp && r == AutoScaleKind.Timestamp)
            return op == "-" ? AutoScaleValue.Of(left.Timestamp - right.Timestamp)
                : Numbers(op, left.Timestamp.UtcTicks, right.Timestamp.UtcTicks, arithmetic: false) ?? throw Mismatch(op, left, right);
        if (l == AutoScaleKind.Text && r == AutoScaleKind.Text && op is "==" or "!=")
            return AutoScaleValue.Of(string.Equals(left.Text, right.Text, StringComparison.Ordinal) == (op == "=="));
        throw Mismatch(op, left, right);
    }

    private static bool IsNumeric(AutoScaleValue value) => value.Kind is AutoScaleKind.Number or AutoScaleKind.Metric;

    private static AutoScaleValue Vector(string op, IReadOnlyList<double> vector, Func<double, double> each) =>
        op is "+" or "-" or "*" or "/" ? AutoScaleValue.Of(vector.Select(each).ToList())
            : throw new AutoScaleFormulaException("TypeMismatch", $"The operator '{op}' does not compare a doubleVec; reduce it first with avg, max, min or sum.");

    private static AutoScaleValue Numbers(string op, double a, double b) =>
        Numbers(op, a, b, arithmetic: true) ?? throw new AutoScaleFormulaException("UnsupportedConstruct", $"The operator '{op}' is not supported.");

    private static AutoScaleValue? Numbers(string op, double a, double b, bool arithmetic) => op switch
    {
        "+" when arithmetic => AutoScaleValue.Of(a + b),
        "-" when arithmetic => AutoScaleValue.Of(a - b),
        "*" when arithmetic => AutoScaleValue.Of(a * b),
        "/" when arithmetic => b == 0 ? throw new AutoScaleFormulaException("DivideByZero", "A division by zero happened while the formula was evaluated.") : AutoScaleValue.Of(a / b),
        "<" => AutoScaleValue.Of(a < b),
        "<=" => AutoScaleValue.Of(a <= b),
        ">" => AutoScaleValue.Of(a > b),
        ">=" => AutoScaleValue.Of(a >= b),
        "==" => AutoScaleValue.Of(a == b),
        "!=" => AutoScaleValue.Of(a != b),
        _ => null,
    };

    private static AutoScaleFormulaException Mismatch(string op, AutoScaleValue left, AutoScaleValue right) =>
        new("TypeMismatch", $"The operator '{op}' is not defined for a {left.TypeName} and a {right.TypeName}.");
}
