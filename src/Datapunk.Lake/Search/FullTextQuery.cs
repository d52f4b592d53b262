using System.Globalization;
using System.Text;

namespace Datapunk.Lake.Search;

/// <summary>
/// A user's full-text query, checked and turned into an FTS5 MATCH expression.
/// </summary>
/// <remarks>
/// The syntax: words must all occur (in any order, accents and case ignored); <c>"two words"</c> is a phrase;
/// <c>walk*</c> is a prefix; <c>OR</c> between two terms accepts either; <c>-word</c> or <c>-"a phrase"</c> excludes.
/// Every term is quoted in the expression, so FTS5 operators or column filters typed by the user are plain text.
/// Scripts written without spaces (Chinese, Japanese, Korean, Thai, …) are searched as substrings in the
/// trigram index; there a term needs at least three characters, because a trigram index cannot find shorter ones.
/// </remarks>
public sealed record FullTextQuery
{
    private FullTextQuery(string text, string expression, bool useTrigrams)
    {
        Text = text;
        Expression = expression;
        UseTrigrams = useTrigrams;
    }

    /// <summary>The query as the user typed it.</summary>
    public string Text { get; }

    /// <summary>The FTS5 MATCH expression.</summary>
    public string Expression { get; }

    /// <summary>True when the query must run against the trigram index.</summary>
    public bool UseTrigrams { get; }

    /// <summary>Returns the parsed query, or null with an error that names what is wrong and how to write it.</summary>
    public static FullTextQuery? TryParse(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "The query is empty. Type some words, a \"quoted phrase\" or a prefix such as walk*.";
            return null;
        }

        var terms = Tokenize(text, out error);
        if (terms is null)
        {
            return null;
        }

        var useTrigrams = terms.Any(t => t.Value.Any(IsUnspacedScript));
        if (useTrigrams)
        {
            var tooShort = terms.FirstOrDefault(t => t.Value.Length < 3 && t.Value.Any(IsUnspacedScript));
            if (tooShort is not null)
            {
                error = $"The term '{tooShort.Value}' is too short. Terms in Chinese, Japanese, Korean or Thai need at least 3 characters; add the character before or after it.";
                return null;
            }
        }

        var positive = new List<List<Term>>();
        var negative = new List<Term>();
        var joinNext = false;
        foreach (var term in terms)
        {
            if (term.IsOr)
            {
                if (positive.Count == 0 || joinNext)
                {
                    error = "OR must stand between two terms, such as: hike OR walk.";
                    return null;
                }

                joinNext = true;
                continue;
            }

            if (term.Negated)
            {
                if (joinNext)
                {
                    error = "An excluded term (-word) cannot follow OR. Put exclusions at the end, such as: hike OR walk -rain.";
                    return null;
                }

                negative.Add(term);
                continue;
            }

            if (joinNext)
            {
                positive[^1].Add(term);
                joinNext = false;
            }
            else
            {
                positive.Add([term]);
            }
        }

        if (joinNext)
        {
            error = "OR must stand between two terms, such as: hike OR walk.";
            return null;
        }

        if (positive.Count == 0)
        {
            error = "The query only excludes terms. Add at least one word to look for, such as: walk -rain.";
            return null;
        }

        var expression = new StringBuilder();
        for (var i = 0; i < positive.Count; i++)
        {
            if (i > 0)
            {
                expression.Append(" AND ");
            }

            var group = positive[i];
            expression.Append(group.Count > 1 ? "(" : "");
            expression.Append(string.Join(" OR ", group.Select(t => t.ToFts(useTrigrams))));
            expression.Append(group.Count > 1 ? ")" : "");
        }

        foreach (var term in negative)
        {
            expression.Append(" NOT ").Append(term.ToFts(useTrigrams));
        }

        return new FullTextQuery(text.Trim(), expression.ToString(), useTrigrams);
    }

    private static List<Term>? Tokenize(string text, out string? error)
    {
        error = null;
        var terms = new List<Term>();
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }

            var negated = false;
            if (text[i] == '-' && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]))
            {
                negated = true;
                i++;
            }

            if (text[i] == '"')
            {
                var close = text.IndexOf('"', i + 1);
                if (close < 0)
                {
                    error = $"The quote at position {i + 1} is not closed. Close the phrase with a second \".";
                    return null;
                }

                var phrase = text[(i + 1)..close].Trim();
                i = close + 1;
                if (phrase.Length == 0)
                {
                    continue;
                }

                terms.Add(new Term(phrase, IsPhrase: true, IsPrefix: false, negated, IsOr: false));
                continue;
            }

            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '"')
            {
                i++;
            }

            var word = text[start..i];
            if (!negated && word == "OR")
            {
                terms.Add(new Term(word, IsPhrase: false, IsPrefix: false, Negated: false, IsOr: true));
                continue;
            }

            var prefix = word.EndsWith('*');
            word = word.TrimEnd('*');
            if (word.Length == 0)
            {
                continue;
            }

            terms.Add(new Term(word, IsPhrase: false, prefix, negated, IsOr: false));
        }

        if (terms.Count == 0)
        {
            error = "The query has no words to look for. Type some words, a \"quoted phrase\" or a prefix such as walk*.";
            return null;
        }

        return terms;
    }

    /// <summary>True for letters of scripts that do not separate words with spaces, which unicode61 cannot split.</summary>
    private static bool IsUnspacedScript(char character)
    {
        var category = char.GetUnicodeCategory(character);
        if (category is not (UnicodeCategory.OtherLetter or UnicodeCategory.ModifierLetter))
        {
            return false;
        }

        return character is (>= '\u0E00' and <= '\u0EFF')   // Thai, Lao
            or (>= '\u1000' and <= '\u109F')                 // Myanmar
            or (>= '\u1780' and <= '\u17FF')                 // Khmer
            or (>= '\u3040' and <= '\u30FF')                 // Hiragana, Katakana
            or (>= '\u3400' and <= '\u4DBF')                 // CJK extension A
            or (>= '\u4E00' and <= '\u9FFF')                 // CJK unified ideographs
            or (>= '\uAC00' and <= '\uD7AF')                 // Hangul syllables
            or (>= '\uF900' and <= '\uFAFF');                // CJK compatibility ideographs
    }

    private sealed record Term(string Value, bool IsPhrase, bool IsPrefix, bool Negated, bool IsOr)
    {
        public string ToFts(bool trigrams)
        {
            var quoted = "\"" + Value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

            // A trigram index matches substrings anyway, and FTS5 rejects a prefix query on it.
            return IsPrefix && !trigrams ? quoted + " *" : quoted;
        }
    }
}
