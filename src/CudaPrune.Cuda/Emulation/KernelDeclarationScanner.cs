using System.Text.RegularExpressions;

namespace CudaPrune.Cuda.Emulation;

/// <summary>
/// A kernel the emulator build compiles: its name, its <c>__launch_bounds__</c> thread count (a C++
/// expression), if any, and its parameter names ("" for an unnamed one), for launch-check messages.
/// </summary>
internal sealed record KernelDeclaration(string Name, string? MaxThreadsExpression, IReadOnlyList<string> ParameterNames);

/// <summary>
/// Finds the kernels of a module. The list the build compiles comes from the module preprocessed by
/// g++ exactly as it is compiled (macros expanded, <c>#if</c>s resolved), where cuda_emu.h's scan
/// mode turns <c>__global__</c> and <c>__launch_bounds__</c> into markers. Kernels that appear in the
/// raw source but not there are GPU-only (behind <c>#if CUDAPRUNE_HAS_MMA</c>, say).
/// </summary>
internal static partial class KernelDeclarationScanner
{
    private const string KernelMarker = "__cudaprune_kernel__";
    private const string BoundsMarker = "__cudaprune_launch_bounds__";

    /// <summary>The <c>extern "C"</c> kernels of g++ -E output (scan mode), in order, each once.</summary>
    public static IReadOnlyList<KernelDeclaration> FromPreprocessed(string text, string module)
    {
        var kernels = new List<KernelDeclaration>();
        for (int at = text.IndexOf(KernelMarker, StringComparison.Ordinal); at >= 0;
             at = text.IndexOf(KernelMarker, at + KernelMarker.Length, StringComparison.Ordinal))
        {
            if (!PrecededBy(text, at, "extern \"C\""))
                continue; // a __global__ without extern "C" (a template, say): not launchable by name
            var declaration = ParseDeclaration(text, at + KernelMarker.Length, module);
            int known = kernels.FindIndex(k => k.Name == declaration.Name);
            if (known < 0) kernels.Add(declaration);
            else if (kernels[known].MaxThreadsExpression is null) kernels[known] = declaration;
        }
        return kernels;
    }

    /// <summary>
    /// Kernels declared <c>KERNEL void name(</c> in the raw source that <paramref name="compiled"/> lacks,
    /// each with the innermost preprocessor condition around it.
    /// </summary>
    public static IReadOnlyList<GpuOnlyKernel> GpuOnly(string source, string module, IReadOnlyList<KernelDeclaration> compiled)
    {
        var lines = StripComments(source).Split('\n');
        var conditions = new Stack<(string Text, int Line)>();
        var result = new List<GpuOnlyKernel>();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var directive = DirectivePattern().Match(line);
            if (directive.Success)
            {
                var keyword = directive.Groups[1].Value;
                if (keyword is "if" or "ifdef" or "ifndef") conditions.Push((line, i + 1));
                else if (keyword is "elif" or "else" && conditions.Count > 0)
                    conditions.Push(($"{line} (of {conditions.Pop().Text})", i + 1));
                else if (keyword == "endif" && conditions.Count > 0) conditions.Pop();
                continue;
            }
            foreach (Match m in KernelPattern().Matches(line))
            {
                var name = m.Groups[1].Value;
                if (compiled.Any(k => k.Name == name) || result.Any(k => k.Name == name)) continue;
                result.Add(new GpuOnlyKernel(name, module, Reason(conditions, module)));
            }
        }
        return result;
    }

    private static string Reason(Stack<(string Text, int Line)> conditions, string module)
    {
        if (conditions.Count == 0) return "the preprocessor leaves it out of the emulator build";
        var (text, line) = conditions.Peek();
        var why = $"it sits behind `{text}` ({module}.cu:{line}), which is false in the emulator build";
        return text.Contains("CUDAPRUNE_HAS_MMA", StringComparison.Ordinal)
            ? why + ": tensor-core mma instructions have no CPU emulation"
            : why;
    }

    // After the marker: [void] [__cudaprune_launch_bounds__(expr)] [void] name (
    private static KernelDeclaration ParseDeclaration(string text, int at, string module)
    {
        string? bounds = null;
        while (true)
        {
            var m = IdentifierPattern().Match(text, at);
            if (!m.Success || m.Index != SkipSpace(text, at))
                throw new EmulatorBuildException($"{module}.cu: cannot read the kernel declaration after KERNEL: '{Excerpt(text, at)}'");
            at = m.Index + m.Length;
            var word = m.Value;
            if (word == "void") continue;
            if (word == BoundsMarker)
            {
                int open = SkipSpace(text, at), close = MatchingParenthesis(text, open, module, "__launch_bounds__");
                var args = text[(open + 1)..close];
                bounds = SplitTopLevel(args)[0].Trim();
                at = close + 1;
                continue;
            }
            int paren = SkipSpace(text, at);
            if (paren < text.Length && text[paren] == '(')
            {
                var parameters = text[(paren + 1)..MatchingParenthesis(text, paren, module, word)];
                return new KernelDeclaration(word, bounds, ParameterNames(parameters));
            }
            throw new EmulatorBuildException($"{module}.cu: cannot read the kernel declaration after KERNEL: '{Excerpt(text, m.Index)}'");
        }
    }

    private static bool PrecededBy(string text, int at, string what)
    {
        while (at > 0 && char.IsWhiteSpace(text[at - 1])) at--;
        return at >= what.Length && string.CompareOrdinal(text, at - what.Length, what, 0, what.Length) == 0;
    }

    private static int SkipSpace(string text, int at)
    {
        while (at < text.Length && char.IsWhiteSpace(text[at])) at++;
        return at;
    }

    private static int MatchingParenthesis(string text, int open, string module, string what)
    {
        if (open >= text.Length || text[open] != '(')
            throw new EmulatorBuildException($"{module}.cu: {what} without its '(': '{Excerpt(text, open)}'");
        for (int depth = 0, i = open; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')' && --depth == 0) return i;
        }
        throw new EmulatorBuildException($"{module}.cu: unbalanced parentheses in {what}");
    }

    // "const float* __restrict x, int n" -> ["x", "n"]: the last identifier of each parameter, "" when a
    // parameter has no name ("int", "float*"). Only for messages: the types come from the compiler.
    private static List<string> ParameterNames(string parameters)
    {
        var names = new List<string>();
        if (parameters.Trim() is "" or "void") return names;
        foreach (var parameter in SplitTopLevel(parameters))
        {
            var p = parameter.Trim();
            var identifiers = IdentifierPattern().Matches(p);
            bool named = identifiers.Count >= 2 && !p.EndsWith('*') && !p.EndsWith('&');
            names.Add(named ? identifiers[^1].Value : "");
        }
        return names;
    }

    // "256, 2" -> ["256", " 2"]; commas inside parentheses stay.
    private static List<string> SplitTopLevel(string args)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == '(') depth++;
            else if (args[i] == ')') depth--;
            else if (args[i] == ',' && depth == 0)
            {
                parts.Add(args[start..i]);
                start = i + 1;
            }
        }
        parts.Add(args[start..]);
        return parts;
    }

    private static string Excerpt(string text, int at) =>
        text.Substring(Math.Min(at, text.Length), Math.Min(80, text.Length - Math.Min(at, text.Length))).ReplaceLineEndings(" ");

    // Comments out, line structure kept (block comments become as many newlines as they spanned).
    private static string StripComments(string source) =>
        CommentPattern().Replace(source, m => m.Value.StartsWith("//", StringComparison.Ordinal)
            ? ""
            : new string('\n', m.Value.Count(c => c == '\n')));

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex CommentPattern();

    [GeneratedRegex(@"^#\s*(if|ifdef|ifndef|elif|else|endif)\b")]
    private static partial Regex DirectivePattern();

    [GeneratedRegex(@"\bKERNEL\s+void\s+(?:__launch_bounds__\s*\([^)]*\)\s*)?([A-Za-z_]\w*)\s*\(")]
    private static partial Regex KernelPattern();

    [GeneratedRegex(@"[A-Za-z_]\w*")]
    private static partial Regex IdentifierPattern();
}
