using System.Text;
using BatchWords.Worker.Tests.Infrastructure;
using Xunit;

namespace BatchWords.Worker.Tests;

/// <summary>The byte-level definitions agree with the character-level ones they stand for.</summary>
public class TokenRulesTests
{
    [Fact]
    public void AsciiPunctuationIsPrintableAsciiThatIsNotALetterOrDigit()
    {
        Assert.Equal(TokenRules.AsciiPunctuation, new string(ReferenceWordCounter.AsciiPunctuation));
        for (int b = 0; b < 256; b++)
        {
            Assert.Equal(ReferenceWordCounter.AsciiPunctuation.Contains((char)b), TokenRules.IsAsciiPunctuation((byte)b));
            Assert.Equal(ReferenceWordCounter.AsciiPunctuation.Contains((char)b), TutorialWordScanner.IsPunctuationByTable((byte)b));
        }
    }

    [Fact]
    public void TheByteMatcherRecognisesEveryMultiByteWhiteSpaceAndNothingElse()
    {
        for (int c = 0x80; c < 0x10000; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF) continue;
            byte[] bytes = Encoding.UTF8.GetBytes(char.ConvertFromUtf32(c));
            int expected = char.IsWhiteSpace((char)c) ? bytes.Length : 0;
            Assert.Equal(expected, TokenRules.MultiByteWhiteSpaceLength(bytes));
            Assert.Equal(0, TokenRules.MultiByteWhiteSpaceLength(bytes.AsSpan(0, bytes.Length - 1))); // incomplete
        }
    }
}
