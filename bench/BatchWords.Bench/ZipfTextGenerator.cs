using System.Text;

namespace BatchWords.Bench;

/// <summary>
/// Deterministic Zipf-distributed text (s = 1) over a fixed vocabulary, so every run and every machine times the
/// same bytes. Short words get the low ranks, as in natural language. The text holds what the worker's rule has to
/// handle on real files while keeping the vocabulary (distinct words under the tutorial rule) at the size asked for:
/// punctuation on either side of words (stripped by the rule), a few percent of words with non-ASCII letters, some
/// capitalised words and words joined by an em dash (both part of the vocabulary), and rare multi-byte white space
/// (U+00A0), so the fast path is timed with its multi-byte checks in play rather than on pure ASCII.
/// </summary>
public sealed class ZipfTextGenerator
{
    public const int Version = 2; // bump when the output changes, so cached files are made again

    private readonly byte[][] _vocabulary;
    private readonly AliasTable _ranks;
    private SplitMix64 _random;

    public ZipfTextGenerator(int vocabularySize = 100_000, ulong seed = 20240601)
    {
        _random = new SplitMix64(seed);
        _vocabulary = BuildVocabulary(vocabularySize, ref _random);
        var weights = new double[vocabularySize];
        for (int r = 0; r < vocabularySize; r++) weights[r] = 1.0 / (r + 1);
        _ranks = new AliasTable(weights);
    }

    /// <summary>Writes at least <paramref name="bytes"/> bytes of text (whole lines) to <paramref name="path"/>.</summary>
    public void WriteFile(string path, long bytes)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var line = new List<byte>(256);
        long written = 0;
        while (written < bytes)
        {
            line.Clear();
            int words = 8 + (int)_random.Below(9);
            for (int w = 0; w < words; w++)
            {
                if (w > 0) line.AddRange(_random.Below(1000) == 0 ? "\u00A0"u8 : " "u8);
                bool quoted = _random.Below(100) == 0;
                if (quoted) line.Add((byte)'"');
                line.AddRange(_vocabulary[_ranks.Sample(ref _random)]);
                if (quoted) line.Add((byte)'"');
                switch (_random.Below(1000))
                {
                    case < 60: line.Add((byte)','); break;
                    case < 100: line.Add((byte)'.'); break;
                    case < 105: line.Add((byte)';'); break;
                    case < 107: line.AddRange("?)"u8); break;
                }
            }
            line.Add((byte)'\n');
            file.Write(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(line));
            written += line.Count;
        }
    }

    private static byte[][] BuildVocabulary(int size, ref SplitMix64 random)
    {
        string[] accented = ["é", "ü", "ß", "ñ", "ø", "ç", "ł", "ö"];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var words = new byte[size][];
        var builder = new StringBuilder();
        for (int rank = 0; rank < size;)
        {
            // Length grows with the rank's logarithm: rank 1 has 1..3 letters, rank 100 000 about 6..12.
            int length = 1 + (int)(Math.Log2(rank + 2) * 0.5) + (int)random.Below(4);
            builder.Clear();
            for (int i = 0; i < length; i++) builder.Append((char)('a' + random.Below(26)));
            if (random.Below(100) < 3) builder.Insert((int)random.Below((ulong)length + 1), accented[random.Below((ulong)accented.Length)]);
            if (random.Below(100) < 5) builder[0] = char.ToUpperInvariant(builder[0]);
            if (random.Below(1000) < 3) builder.Append('\u2014').Append((char)('a' + random.Below(26)), 1 + (int)random.Below(6));
            string word = builder.ToString();
            if (seen.Add(word)) words[rank++] = Encoding.UTF8.GetBytes(word);
        }
        return words;
    }

    /// <summary>Vose's alias method: one draw in O(1), so a GB of text takes seconds to make.</summary>
    private sealed class AliasTable
    {
        private readonly double[] _probability;
        private readonly int[] _alias;

        public AliasTable(double[] weights)
        {
            int n = weights.Length;
            double total = weights.Sum();
            var scaled = weights.Select(w => w * n / total).ToArray();
            _probability = new double[n];
            _alias = new int[n];
            var small = new Stack<int>();
            var large = new Stack<int>();
            for (int i = 0; i < n; i++) (scaled[i] < 1 ? small : large).Push(i);
            while (small.Count > 0 && large.Count > 0)
            {
                int s = small.Pop(), l = large.Pop();
                _probability[s] = scaled[s];
                _alias[s] = l;
                scaled[l] = scaled[l] + scaled[s] - 1;
                (scaled[l] < 1 ? small : large).Push(l);
            }
            foreach (int i in large) _probability[i] = 1;
            foreach (int i in small) _probability[i] = 1;
        }

        public int Sample(ref SplitMix64 random)
        {
            int column = (int)random.Below((ulong)_probability.Length);
            return random.NextDouble() < _probability[column] ? column : _alias[column];
        }
    }
}

/// <summary>A tiny PRNG with a fixed algorithm: System.Random's sequence is not promised across .NET versions.</summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    public ulong Below(ulong bound) => (ulong)((UInt128)Next() * bound >> 64);

    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
}
